//go:build !unix

package index

import "time"

// cpuTime is not measured here; wall time stands in.
func cpuTime() time.Duration { return 0 }

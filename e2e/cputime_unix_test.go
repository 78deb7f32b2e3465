//go:build unix

package e2e

import (
	"syscall"
	"time"
)

// cpuTime is this process's user plus system CPU time: on a shared machine
// it measures the work done where wall time would add the waits for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

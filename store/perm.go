package store

import "io/fs"

// sharedMode reports permission bits that let the group or others in.
func sharedMode(mode fs.FileMode) bool { return mode.Perm()&0o077 != 0 }

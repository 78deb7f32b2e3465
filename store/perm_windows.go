package store

import (
	"io/fs"
	"os"
)

// On Windows, Go reports every writable file as 0666 and chmod only flips
// the read-only attribute: the access control lists decide who may read,
// and the user's profile directory (where os.UserConfigDir points) already
// admits only the user, SYSTEM and administrators. So nothing is changed.

func privateDir(string, fs.FileMode) error { return nil }

func privateFile(*os.File, fs.FileMode) error { return nil }

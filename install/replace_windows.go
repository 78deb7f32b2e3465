package install

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// errorSharingViolation is ERROR_SHARING_VIOLATION: another process (the
// client reading its config, an indexer, a virus scanner) has the file open.
const errorSharingViolation syscall.Errno = 32

// replaceFile moves the temp file over the target. On Windows a rename over
// a file that another process holds open fails for a moment; it is tried
// again for up to about a second before the error is returned.
func replaceFile(oldpath, newpath string) error {
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		if err = os.Rename(oldpath, newpath); err == nil || !transientRenameError(err) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

// transientRenameError reports the errors a held-open file causes.
func transientRenameError(err error) bool {
	return errors.Is(err, errorSharingViolation) || errors.Is(err, syscall.ERROR_ACCESS_DENIED)
}

package install

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

func TestTransientRenameErrors(t *testing.T) {
	held := &os.LinkError{Op: "rename", Old: "a", New: "b", Err: errorSharingViolation}
	if !transientRenameError(held) || !transientRenameError(fmt.Errorf("x: %w", syscall.ERROR_ACCESS_DENIED)) {
		t.Error("a held file is not retried")
	}
	if transientRenameError(&os.LinkError{Op: "rename", Err: syscall.ERROR_PATH_NOT_FOUND}) {
		t.Error("a missing directory is retried")
	}
}

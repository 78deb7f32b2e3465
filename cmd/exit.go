package cmd

import (
	"errors"
	"fmt"
)

// Exit codes are part of the CLI contract: scripts branch on them.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
	ExitAuth    = 4
)

// ExitError carries the process exit code a failure should produce.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks a mistake in how the command was called (exit 2).
func usageError(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// authError marks a failure the user fixes by signing in again (exit 4).
func authError(err error) error {
	return &ExitError{Code: ExitAuth, Err: err}
}

func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitFailure
}

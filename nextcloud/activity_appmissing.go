package nextcloud

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// appMissing turns the answer OCS gives for a route no installed app serves
// (HTTP 404, "Invalid query, please check the syntax...") into ErrAppMissing,
// so callers can tell "the app is not installed" from "no such item".
func appMissing(err error, app string) error {
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound && strings.HasPrefix(e.Message, "Invalid query") {
		return fmt.Errorf("the %s app is not installed or not enabled on this Nextcloud: %w", app, ErrAppMissing)
	}
	return err
}

package nextcloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ErrNotAppPassword is what Nextcloud answers (403) when an app-password
// endpoint that needs an app password is called with the login password.
var ErrNotAppPassword = errors.New("the credential is a login password, not an app password")

// RevokeAppPassword deletes the app password this client signs in with
// (DELETE /ocs/v2.php/core/apppassword). It stops working at once and
// disappears from the user's devices. Called with a login password, the
// server refuses (403) and the error matches ErrNotAppPassword.
func (c *Client) RevokeAppPassword(ctx context.Context) error {
	err := c.OCS(ctx, http.MethodDelete, "/core/apppassword", nil, nil, nil)
	if err != nil && StatusOf(err) == http.StatusForbidden {
		return fmt.Errorf("%w: %w", ErrNotAppPassword, err)
	}
	return err
}

// ExchangeForAppPassword trades a login password for a new app password
// (GET /ocs/v2.php/core/getapppassword), named after the client's
// User-Agent. ok is false, with no error, when the credential already is an
// app password (Nextcloud answers 403 to that).
func (c *Client) ExchangeForAppPassword(ctx context.Context) (appPassword string, ok bool, err error) {
	var out struct {
		AppPassword string `json:"apppassword"`
	}
	err = c.OCS(ctx, http.MethodGet, "/core/getapppassword", nil, nil, &out)
	if err != nil {
		if StatusOf(err) == http.StatusForbidden {
			return "", false, nil
		}
		return "", false, err
	}
	if out.AppPassword == "" {
		return "", false, errors.New("getapppassword: the server answered without an app password")
	}
	return out.AppPassword, true, nil
}

package nextcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

type ocsMeta struct {
	Status     string `json:"status"`
	StatusCode int    `json:"statuscode"`
	Message    string `json:"message"`
}

// OCS calls an OCS endpoint. path is below /ocs/v2.php (e.g. "/cloud/user").
// body, when not nil, is sent as JSON. out receives the envelope's data.
// v1 answers HTTP 200 even on failure, so the envelope's statuscode is
// always checked: 100 and 200 are success, anything else is an *Error.
func (c *Client) OCS(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return c.ocs(ctx, "/ocs/v2.php", method, path, query, body, out)
}

// OCSv1 is OCS for the endpoints that exist only under /ocs/v1.php.
func (c *Client) OCSv1(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return c.ocs(ctx, "/ocs/v1.php", method, path, query, body, out)
}

func (c *Client) ocs(ctx context.Context, prefix, method, path string, query url.Values, body, out any) error {
	r := &Request{
		Method: method,
		Path:   prefix + path,
		Query:  query,
		API:    APIOCS,
		Header: http.Header{"Ocs-Apirequest": {"true"}, "Accept": {"application/json"}},
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		r.Body = b
		r.Header.Set("Content-Type", "application/json")
	}
	resp, raw, err := c.Call(ctx, r)
	if err != nil {
		return err
	}
	var env struct {
		OCS struct {
			Meta ocsMeta         `json:"meta"`
			Data json.RawMessage `json:"data"`
		} `json:"ocs"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s %s: the answer is not an OCS JSON envelope: %w", method, r.Path, err)
	}
	if sc := env.OCS.Meta.StatusCode; sc != 100 && sc != 200 {
		status := resp.StatusCode
		if status == http.StatusOK && sc >= 400 && sc < 600 {
			status = sc
		}
		if sc == 997 {
			status = http.StatusUnauthorized
		}
		return &Error{Method: method, Path: r.Path, Status: status, OCSStatus: sc, Message: env.OCS.Meta.Message}
	}
	if out == nil || len(env.OCS.Data) == 0 {
		return nil
	}
	if err := json.Unmarshal(env.OCS.Data, out); err != nil {
		return fmt.Errorf("%s %s: decode data: %w", method, r.Path, err)
	}
	return nil
}

package nextcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

type ocsMeta struct {
	Status     string `json:"status"`
	StatusCode int    `json:"statuscode"`
	Message    string `json:"message"`
}

// OCS calls an OCS endpoint. path is below /ocs/v2.php (e.g. "/cloud/user").
// body, when not nil, is sent as JSON. out receives the envelope's data.
// v1 answers HTTP 200 even on failure, so the envelope's statuscode is
// always checked: 100 and 2xx are success, anything else is an *Error.
func (c *Client) OCS(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return c.ocs(ctx, "/ocs/v2.php", method, path, query, body, out)
}

// OCSv1 is OCS for the endpoints that exist only under /ocs/v1.php.
func (c *Client) OCSv1(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return c.ocs(ctx, "/ocs/v1.php", method, path, query, body, out)
}

// ocsRequest builds an OCS request: without OCS-APIRequest Nextcloud's CSRF
// check answers 412, and without Accept it answers XML.
func ocsRequest(method, fullPath string, query url.Values, body any) (*Request, error) {
	r := &Request{
		Method: method,
		Path:   fullPath,
		Query:  query,
		API:    APIOCS,
		Header: http.Header{"Ocs-Apirequest": {"true"}, "Accept": {"application/json"}},
	}
	if body != nil {
		if err := r.setJSON(body); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (c *Client) ocs(ctx context.Context, prefix, method, path string, query url.Values, body, out any) error {
	r, err := ocsRequest(method, prefix+path, query, body)
	if err != nil {
		return err
	}
	resp, raw, err := c.Call(ctx, r)
	if err != nil {
		return err
	}
	return decodeOCS(method, r.Path, resp.StatusCode, raw, out)
}

// decodeOCS checks the envelope of an OCS answer and decodes its data into out.
func decodeOCS(method, path string, httpStatus int, raw []byte, out any) error {
	var env struct {
		OCS struct {
			Meta ocsMeta         `json:"meta"`
			Data json.RawMessage `json:"data"`
		} `json:"ocs"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("%s %s: the answer is not an OCS JSON envelope: %w", method, path, err)
	}
	// v2 mirrors the HTTP status in statuscode, so a 201 Created says 201.
	if sc := env.OCS.Meta.StatusCode; sc != 100 && (sc < 200 || sc > 299) {
		status := httpStatus
		if status == http.StatusOK && sc >= 400 && sc < 600 {
			status = sc
		}
		if sc == 997 {
			status = http.StatusUnauthorized
		}
		return &Error{Method: method, Path: path, Status: status, OCSStatus: sc, Message: env.OCS.Meta.Message}
	}
	if out == nil || len(env.OCS.Data) == 0 {
		return nil
	}
	if err := json.Unmarshal(env.OCS.Data, out); err != nil {
		return fmt.Errorf("%s %s: decode data: %w", method, path, err)
	}
	return nil
}

// OCSCall is an OCS v2 request for endpoints that need more than OCS offers:
// response headers (Talk and Activity page with them) or statuses that mean
// "nothing new" and come without an envelope (304, 204).
type OCSCall struct {
	Method string
	// Path is below /ocs/v2.php, escaped, e.g. "/apps/spreed/api/v4/room".
	Path  string
	Query url.Values
	// Body, when not nil, is sent as JSON.
	Body any
	// Empty lists extra statuses that are success without a body, e.g. 304.
	Empty []int
}

// OCSReply is what came back besides the data.
type OCSReply struct {
	Status int
	Header http.Header
	// Empty is true for a 204 or one of OCSCall.Empty: out was left untouched.
	Empty bool
}

// OCSDo sends an OCSCall, checks the envelope like OCS and decodes the data
// into out, and returns the status and headers.
func (c *Client) OCSDo(ctx context.Context, call OCSCall, out any) (*OCSReply, error) {
	r, err := ocsRequest(call.Method, "/ocs/v2.php"+call.Path, call.Query, call.Body)
	if err != nil {
		return nil, err
	}
	r.OK = append([]int{http.StatusOK, http.StatusCreated, http.StatusAccepted, http.StatusNoContent}, call.Empty...)
	resp, raw, err := c.Call(ctx, r)
	if err != nil {
		return nil, err
	}
	reply := &OCSReply{Status: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode == http.StatusNoContent || slices.Contains(call.Empty, resp.StatusCode) {
		reply.Empty = true
		return reply, nil
	}
	return reply, decodeOCS(call.Method, r.Path, resp.StatusCode, raw, out)
}

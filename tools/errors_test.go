package tools

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

func TestExplainStatuses(t *testing.T) {
	cases := []struct {
		err  *nextcloud.Error
		want []string
	}{
		{&nextcloud.Error{Status: http.StatusUnauthorized}, []string{"note 7", "HTTP 401", "app password", "nextcloud-mcp login"}},
		{&nextcloud.Error{Status: http.StatusOK, OCSStatus: 997}, []string{"HTTP 401", "login"}},
		{&nextcloud.Error{Status: http.StatusForbidden, Message: "Permission denied"}, []string{"note 7", "HTTP 403", "Permission denied", "permission"}},
		{&nextcloud.Error{Status: http.StatusNotFound}, []string{"Note 7 was not found", "HTTP 404", "listing"}},
		{&nextcloud.Error{Status: http.StatusConflict}, []string{"note 7", "HTTP 409"}},
		{&nextcloud.Error{Status: http.StatusPreconditionFailed}, []string{"Note 7", "HTTP 412", "nothing was written", "re-read", "etag"}},
		{&nextcloud.Error{Status: http.StatusLocked}, []string{"Note 7 is locked", "HTTP 423", "retry later"}},
		{&nextcloud.Error{Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second}, []string{"HTTP 429", "wait 30s"}},
		{&nextcloud.Error{Status: http.StatusTooManyRequests}, []string{"HTTP 429", "wait a minute"}},
		{&nextcloud.Error{Status: http.StatusInsufficientStorage}, []string{"note 7", "HTTP 507", "quota"}},
		{&nextcloud.Error{Status: http.StatusInternalServerError, Message: "boom"}, []string{"HTTP 500", "boom", "server-side", "Nextcloud log"}},
		{&nextcloud.Error{Status: http.StatusBadGateway}, []string{"HTTP 502", "try again later"}},
		{&nextcloud.Error{Status: http.StatusBadRequest}, []string{"HTTP 400", "check the arguments"}},
	}
	for _, c := range cases {
		msg := Explain(about(c.err, "note %d", 7))
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("status %d: %q does not contain %q", c.err.Status, msg, w)
			}
		}
		if strings.Count(msg, ". ") > 0 || !strings.HasSuffix(msg, ".") {
			t.Errorf("status %d: %q is not one sentence", c.err.Status, msg)
		}
	}
}

func TestExplainOtherFailures(t *testing.T) {
	// Input errors read as one sentence, their first word (often an argument name) untouched.
	if msg := Explain(inputErrorf("limit must be positive")); msg != "limit must be positive." {
		t.Errorf("input error: %q", msg)
	}
	if msg := Explain(inputErrorf("note_id is required.")); msg != "note_id is required." {
		t.Errorf("input error with its own stop: %q", msg)
	}
	missing := fmt.Errorf("the Notes app is not installed: %w", nextcloud.ErrAppMissing)
	if msg := Explain(missing); !strings.Contains(msg, "admin") || !strings.Contains(msg, "Notes app") {
		t.Errorf("app missing: %q", msg)
	}
	big := fmt.Errorf("GET /x: %w", nextcloud.ErrTooLarge)
	if msg := Explain(about(big, "the notes")); !strings.Contains(msg, "the notes") || !strings.Contains(msg, "limit") {
		t.Errorf("too large: %q", msg)
	}
	if msg := Explain(about(errors.New("dial tcp: connection refused"), "note 3")); !strings.Contains(msg, "note 3") || !strings.Contains(msg, "connection refused") {
		t.Errorf("transport error: %q", msg)
	}
}

// A wrong app password must never come back in any tool's error text.
func TestSecretNeverInErrorText(t *testing.T) {
	const sentinel = "SENTINEL-app-password-7f3a9c"
	h := newHarness(t, harnessOpts{user: "admin", password: sentinel})
	for name, args := range map[string]map[string]any{
		"nc_notes_list_notes":     {},
		"nc_notes_get_note":       {"note_id": 1},
		"nc_notes_create_note":    {"title": "t", "content": "c"},
		"nc_notes_update_note":    {"note_id": 1, "etag": "abc", "content": "c"},
		"nc_notes_append_content": {"note_id": 1, "content": "c"},
		"nc_notes_search_notes":   {"query": "x"},
		"nc_notes_delete_note":    {"note_id": 1},
	} {
		before := len(h.fake.Requests())
		msg := h.fails(name, args)
		notesRequests := 0
		for _, r := range h.fake.Requests()[before:] {
			if strings.Contains(r.Path, "/apps/notes/") {
				notesRequests++
			}
		}
		if notesRequests != 1 {
			t.Errorf("%s sent %d Notes requests with a wrong password, want 1 (a 401 is never retried)", name, notesRequests)
		}
		if strings.Contains(msg, sentinel) || strings.Contains(msg, "Basic ") {
			t.Errorf("%s leaks the credential: %s", name, msg)
		}
		if !strings.Contains(msg, "401") || !strings.Contains(msg, "login") {
			t.Errorf("%s: %q does not explain the failed login", name, msg)
		}
	}
}

// A tool that changes data tells the model, when the answer was lost, that
// the change may have been made; a read just says to try again.
func TestLostAnswerSentences(t *testing.T) {
	reset := &nextcloud.RequestError{Method: "POST", Host: "cloud", Path: "/x", Err: syscall.ECONNRESET}
	gateway := &nextcloud.Error{Method: "POST", Status: http.StatusGatewayTimeout, Page: "504 Gateway Timeout"}
	page := fmt.Errorf("POST /x: %w (page title %q)", nextcloud.ErrNotAPI, "Sign in")
	for _, err := range []error{reset, gateway, page} {
		w := resultText(callErrorResult(about(err, "the new note %q", "x"), true))
		if !strings.Contains(w, "not known whether the change was made") || !strings.Contains(w, `the new note "x"`) {
			t.Errorf("write after %v: %q", err, w)
		}
		r := resultText(callErrorResult(about(err, "your notes"), false))
		if strings.Contains(r, "change was made") || !strings.Contains(r, "your notes") {
			t.Errorf("read after %v: %q", err, r)
		}
	}
	// A refusal the server made before acting is not a lost answer.
	w := resultText(callErrorResult(about(&nextcloud.Error{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, "the new note"), true))
	if strings.Contains(w, "change was made") || !strings.Contains(w, "wait 1s") {
		t.Errorf("429 on a write: %q", w)
	}
}

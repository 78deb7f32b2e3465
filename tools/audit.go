package tools

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// AuditLog appends one JSON line per call of a tool that changes data
// (--audit-log). Lines hold the time, the tool, its targets (ids and
// paths, never contents or secrets), the outcome and the confirmation.
// Each line is written with a single write on an O_APPEND file under a
// mutex, so lines stay whole even with other writers.
type AuditLog struct {
	mu sync.Mutex
	f  *os.File
	// onError reports a failed write once; a call never fails for the log.
	onError func(error)
	failed  bool
}

// OpenAuditLog opens (creating with mode 0600) the file for appending.
// An existing file that others may read is refused: the log says what the
// user changed, which is nobody else's business.
func OpenAuditLog(path string, onError func(error)) (*AuditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("audit log %s is not a regular file", path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		_ = f.Close()
		return nil, fmt.Errorf("audit log %s has mode %v, readable by others: run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	return &AuditLog{f: f, onError: onError}, nil
}

// Close closes the file; later writes are dropped.
func (l *AuditLog) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// Write appends the record as one line. A nil log writes nothing.
func (l *AuditLog) Write(r *auditRecord) {
	if l == nil || r == nil {
		return
	}
	b, err := json.Marshal(r)
	if err != nil {
		return
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return
	}
	if _, err := l.f.Write(b); err != nil && !l.failed {
		l.failed = true
		if l.onError != nil && !errors.Is(err, fs.ErrClosed) {
			l.onError(err)
		}
	}
}

// Audit outcomes.
const (
	outcomeOK            = "ok"
	outcomeError         = "error"
	outcomeDeclined      = "declined"
	outcomeCancelled     = "cancelled"
	outcomeUnanswered    = "unanswered"
	outcomeUnconfirmable = "unconfirmable"
)

// auditRecord is one line of the audit log.
type auditRecord struct {
	Time string `json:"time"`
	// User is the login the call ran as (HTTP mode serves many).
	User         string             `json:"user,omitempty"`
	Tool         string             `json:"tool"`
	Targets      map[string]any     `json:"targets,omitempty"`
	Outcome      string             `json:"outcome"`
	Confirmation *auditConfirmation `json:"confirmation"`
	// reversible is set when a conditional tool's confirmer found this call
	// reversible (it ran without a question).
	reversible bool
}

// auditConfirmation says whether the user was asked, and the answer:
// accept, decline, cancel, timeout or error.
type auditConfirmation struct {
	Asked  bool   `json:"asked"`
	Answer string `json:"answer,omitempty"`
}

func newAuditRecord(tool string, a map[string]any) *auditRecord {
	return &auditRecord{Time: time.Now().UTC().Format(time.RFC3339Nano), Tool: tool, Targets: targetsOf(a), Confirmation: &auditConfirmation{}}
}

// settle records how the call ended unless a confirmation already did.
func (r *auditRecord) settle(res *mcp.CallToolResult, err error) {
	if r.Outcome != "" {
		return
	}
	switch {
	case err != nil, res == nil, res.IsError:
		r.Outcome = outcomeError
	default:
		r.Outcome = outcomeOK
	}
}

// targetsOf picks the arguments that say what a call acts on: ids, uids,
// paths, names of calendars and address books, mailboxes and recipients.
// Contents (text, bodies, values) and secrets (passwords) never qualify.
func targetsOf(a map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		if !isTargetKey(k) {
			continue
		}
		switch v.(type) {
		case string, float64, int, int64, bool, json.Number:
			out[k] = v
		case []any:
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func isTargetKey(k string) bool {
	if strings.Contains(k, "password") || strings.Contains(k, "secret") {
		return false
	}
	switch k {
	case "id", "uid", "path", "addressbook", "calendar_name", "collective", "page", "mailbox", "token",
		"share_with", "to", "cc", "bcc", "server_url", "folder", "group", "invite":
		return true
	}
	return strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "_ids") ||
		strings.HasSuffix(k, "_uid") || strings.HasSuffix(k, "_path")
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

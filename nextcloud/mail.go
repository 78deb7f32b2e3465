package nextcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// mailBase is where the Mail app's REST API lives (Mail 3.7, recordings mail/).
const mailBase = "/index.php/apps/mail/api"

// MailAPI is the Nextcloud Mail app. Its API is not OCS and needs a session
// (see SessionCall). Reads answer bare JSON, writes JSend, flag/move/delete
// "[]". Get one with Client.Mail.
type MailAPI struct{ c *Client }

// Mail returns the Mail API of this client.
func (c *Client) Mail() *MailAPI { return &MailAPI{c: c} }

// ErrMailboxNotCached is a mailbox Nextcloud has not synced yet: sync it
// (init) before listing (mail/06).
var ErrMailboxNotCached = errors.New("mailbox not cached")

// ErrMailSyncIncomplete is a sync the app did in part (a large mailbox):
// call Sync again.
var ErrMailSyncIncomplete = errors.New("mailbox sync incomplete")

// MailAccount is one mail account of the user.
type MailAccount struct {
	ID               int            `json:"id"`
	Name             string         `json:"name"`
	EmailAddress     string         `json:"emailAddress"`
	Order            int            `json:"order"`
	DraftsMailboxID  int            `json:"draftsMailboxId"`
	SentMailboxID    int            `json:"sentMailboxId"`
	TrashMailboxID   int            `json:"trashMailboxId"`
	ArchiveMailboxID int            `json:"archiveMailboxId"`
	JunkMailboxID    int            `json:"junkMailboxId"`
	Aliases          []MailAccAlias `json:"aliases"`
}

// MailAccAlias is another sender address of an account.
type MailAccAlias struct {
	Alias string `json:"alias"`
	Name  string `json:"name"`
}

// MailMailbox is one IMAP folder. DatabaseID is what every other call takes.
type MailMailbox struct {
	DatabaseID int    `json:"databaseId"`
	Name       string `json:"name"`
	AccountID  int    `json:"accountId"`
	// SpecialRole is "inbox", "sent", "drafts", "trash", "junk", "archive" or "".
	SpecialRole MailRole `json:"specialRole"`
	Unread      int      `json:"unread"`
	Delimiter   string   `json:"delimiter"`
	Attributes  []string `json:"attributes"`
}

// MailRole is a mailbox's special role; Mail sends the integer 0 for none (mail/05).
type MailRole string

// UnmarshalJSON accepts a string or the number 0.
func (r *MailRole) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = MailRole(s)
		return nil
	}
	*r = ""
	return nil
}

// MailAddress is a sender or recipient.
type MailAddress struct {
	Label string `json:"label"`
	Email string `json:"email"`
}

// MailFlags are the IMAP flags Mail reports; Important is the $label1 tag.
type MailFlags struct {
	Seen           bool `json:"seen"`
	Flagged        bool `json:"flagged"`
	Answered       bool `json:"answered"`
	Deleted        bool `json:"deleted"`
	Draft          bool `json:"draft"`
	Forwarded      bool `json:"forwarded"`
	HasAttachments bool `json:"hasAttachments"`
	Important      bool `json:"important"`
	Junk           bool `json:"$junk"`
}

// MailEnvelope is a message as lists, sync and threads describe it.
type MailEnvelope struct {
	DatabaseID int           `json:"databaseId"`
	UID        int           `json:"uid"`
	Subject    string        `json:"subject"`
	DateInt    int64         `json:"dateInt"`
	Flags      MailFlags     `json:"flags"`
	Tags       MailTags      `json:"tags"`
	From       []MailAddress `json:"from"`
	To         []MailAddress `json:"to"`
	Cc         []MailAddress `json:"cc"`
	Bcc        []MailAddress `json:"bcc"`
	MailboxID  int           `json:"mailboxId"`
	// MessageID is the RFC Message-ID with its angle brackets.
	MessageID    string   `json:"messageId"`
	InReplyTo    string   `json:"inReplyTo"`
	References   []string `json:"references"`
	ThreadRootID string   `json:"threadRootId"`
	PreviewText  string   `json:"previewText"`
}

// MailTags are a message's tags by IMAP label. Mail sends [] when there are
// none and an object keyed by label otherwise (mail/19).
type MailTags map[string]MailTag

// MailTag is one tag, e.g. $label1 "Important".
type MailTag struct {
	DisplayName string `json:"displayName"`
	IMAPLabel   string `json:"imapLabel"`
}

// UnmarshalJSON accepts the empty array and the object form.
func (t *MailTags) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		*t = MailTags{}
		return nil
	}
	var m map[string]MailTag
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*t = m
	return nil
}

// MailMessage is one message with its body, from GET /messages/<id>/body.
type MailMessage struct {
	MailEnvelope
	AccountID int           `json:"accountId"`
	ReplyTo   []MailAddress `json:"replyTo"`
	// Body is plain text, or sanitised HTML when HasHTMLBody (mail/12-13).
	Body        string           `json:"body"`
	HasHTMLBody bool             `json:"hasHtmlBody"`
	Attachments []MailAttachment `json:"attachments"`
}

// MailAttachment is a MIME part; ID is the part number as a string.
type MailAttachment struct {
	ID       string `json:"id"`
	FileName string `json:"fileName"`
	MIME     string `json:"mime"`
	Size     int64  `json:"size"`
}

// MailSyncResult is what a mailbox sync reports (mail/07, 19).
type MailSyncResult struct {
	NewMessages      []MailEnvelope `json:"newMessages"`
	ChangedMessages  []MailEnvelope `json:"changedMessages"`
	VanishedMessages []int          `json:"vanishedMessages"`
	Stats            struct {
		Total  int `json:"total"`
		Unread int `json:"unread"`
	} `json:"stats"`
}

// call sends one request and decodes a bare JSON answer into out.
func (m *MailAPI) call(ctx context.Context, method, path string, query url.Values, body, out any) (*SessionReply, error) {
	rep, err := m.c.SessionCall(ctx, SessionRequest{Method: method, Path: mailBase + path, Query: query, Body: body})
	if err != nil {
		return nil, mailErr(err)
	}
	if out != nil && len(bytes.TrimSpace(rep.Body)) > 0 {
		if err := json.Unmarshal(rep.Body, out); err != nil {
			return nil, fmt.Errorf("%s %s: decode Mail answer: %w", method, mailBase+path, err)
		}
	}
	return rep, nil
}

// callJSend sends one request whose answer is JSend and decodes its data.
func (m *MailAPI) callJSend(ctx context.Context, method, path string, body, out any) error {
	var env struct {
		Status string          `json:"status"`
		Data   json.RawMessage `json:"data"`
	}
	if _, err := m.call(ctx, method, path, nil, body, &env); err != nil {
		return err
	}
	if env.Status != "success" {
		return fmt.Errorf("%s %s: Mail answered status %q", method, mailBase+path, env.Status)
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("%s %s: decode Mail data: %w", method, mailBase+path, err)
		}
	}
	return nil
}

// mailErr marks the "not cached" answers: 400 MailboxNotCachedException on
// a list (mail/06), 428 on a partial sync.
func mailErr(err error) error {
	var e *Error
	if errors.As(err, &e) {
		if (e.Status == http.StatusBadRequest && e.Exception == `OCA\Mail\Exception\MailboxNotCachedException`) || e.Status == http.StatusPreconditionRequired {
			return fmt.Errorf("%w: %w", ErrMailboxNotCached, err)
		}
	}
	return err
}

// Accounts lists the user's mail accounts.
func (m *MailAPI) Accounts(ctx context.Context) ([]MailAccount, error) {
	var out []MailAccount
	_, err := m.call(ctx, http.MethodGet, "/accounts", nil, nil, &out)
	return out, err
}

// Mailboxes lists an account's folders, flat; subfolders are "a/b" in Name.
func (m *MailAPI) Mailboxes(ctx context.Context, accountID int) ([]MailMailbox, error) {
	var out struct {
		Mailboxes []MailMailbox `json:"mailboxes"`
		Delimiter string        `json:"delimiter"`
	}
	if _, err := m.call(ctx, http.MethodGet, "/mailboxes", url.Values{"accountId": {strconv.Itoa(accountID)}}, nil, &out); err != nil {
		return nil, err
	}
	return out.Mailboxes, nil
}

// Sync brings Nextcloud's cache of a mailbox up to date with the mail
// server. init fills a cache for the first time; otherwise known are the
// databaseIds the caller holds (they come back as changed or vanished).
func (m *MailAPI) Sync(ctx context.Context, mailboxID int, known []int, init bool) (*MailSyncResult, error) {
	if known == nil {
		known = []int{}
	}
	var raw json.RawMessage
	rep, err := m.call(ctx, http.MethodPost, "/mailboxes/"+strconv.Itoa(mailboxID)+"/sync", nil, map[string]any{"ids": known, "init": init}, &raw)
	if err != nil {
		return nil, err
	}
	if rep.Status == http.StatusAccepted {
		return nil, fmt.Errorf("mailbox %d: %w", mailboxID, ErrMailSyncIncomplete)
	}
	var out MailSyncResult
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("POST sync of mailbox %d: decode Mail answer: %w", mailboxID, err)
	}
	return &out, nil
}

// MailListOptions page and filter a message list.
type MailListOptions struct {
	// Limit is the page size; 0 lists everything.
	Limit int
	// Cursor lists messages strictly older than this dateInt (0: from the newest).
	Cursor int64
	// Filter is Mail's token string (see MailFilter).
	Filter string
}

// Messages lists a mailbox from Nextcloud's cache, newest first, one entry
// per thread. ErrMailboxNotCached means Sync with init first.
func (m *MailAPI) Messages(ctx context.Context, mailboxID int, o MailListOptions) ([]MailEnvelope, error) {
	q := url.Values{"mailboxId": {strconv.Itoa(mailboxID)}}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor > 0 {
		q.Set("cursor", strconv.FormatInt(o.Cursor, 10))
	}
	if o.Filter != "" {
		q.Set("filter", o.Filter)
	}
	var out []MailEnvelope
	_, err := m.call(ctx, http.MethodGet, "/messages", q, nil, &out)
	return out, err
}

// Envelope reads one message's envelope. An unknown id and another user's
// id both answer 403 (mail/28-29).
func (m *MailAPI) Envelope(ctx context.Context, id int) (*MailEnvelope, error) {
	var out MailEnvelope
	if _, err := m.call(ctx, http.MethodGet, "/messages/"+strconv.Itoa(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Message reads a message with its body and attachment list. Opening it
// does not mark it read.
func (m *MailAPI) Message(ctx context.Context, id int) (*MailMessage, error) {
	var out MailMessage
	if _, err := m.call(ctx, http.MethodGet, "/messages/"+strconv.Itoa(id)+"/body", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Thread lists the message's thread across the account's mailboxes, newest
// first. A message without thread data has none (404, returned as empty).
func (m *MailAPI) Thread(ctx context.Context, id int) ([]MailEnvelope, error) {
	var out []MailEnvelope
	_, err := m.call(ctx, http.MethodGet, "/messages/"+strconv.Itoa(id)+"/thread", nil, nil, &out)
	if StatusOf(err) == http.StatusNotFound {
		return nil, nil
	}
	return out, err
}

// Attachment starts the download of a MIME part. The server labels every
// part application/octet-stream; the real type is in the message's list.
// Close the body; it fails with ErrTooLarge past maxBytes.
func (m *MailAPI) Attachment(ctx context.Context, id int, partID string, maxBytes int64) (*http.Response, error) {
	resp, err := m.c.SessionStream(ctx, SessionRequest{Method: http.MethodGet,
		Path: mailBase + "/messages/" + strconv.Itoa(id) + "/attachment/" + url.PathEscape(partID), Accept: "*/*"}, maxBytes)
	return resp, mailErr(err)
}

// SetFlags sets IMAP flags (seen, flagged, answered, deleted, draft, $junk, $notjunk).
func (m *MailAPI) SetFlags(ctx context.Context, id int, flags map[string]bool) error {
	_, err := m.call(ctx, http.MethodPut, "/messages/"+strconv.Itoa(id)+"/flags", nil, map[string]any{"flags": flags}, nil)
	return err
}

// SetImportant adds or removes the $label1 ("Important") tag: important is a
// tag in Mail, not a flag (mail/18).
func (m *MailAPI) SetImportant(ctx context.Context, id int, important bool) error {
	method := http.MethodPut
	if !important {
		method = http.MethodDelete
	}
	_, err := m.call(ctx, method, "/messages/"+strconv.Itoa(id)+"/tags/%24label1", nil, nil, nil)
	return err
}

// Move moves a message to another mailbox of the account. The message gets
// a new id there, visible after that mailbox is synced (mail/20).
func (m *MailAPI) Move(ctx context.Context, id, destMailboxID int) error {
	_, err := m.call(ctx, http.MethodPost, "/messages/"+strconv.Itoa(id)+"/move", nil, map[string]any{"destFolderId": destMailboxID}, nil)
	return err
}

// Delete moves a message to the account's trash (a new id there); inside
// the trash it is deleted for good (mail/21).
func (m *MailAPI) Delete(ctx context.Context, id int) error {
	_, err := m.call(ctx, http.MethodDelete, "/messages/"+strconv.Itoa(id), nil, nil, nil)
	return err
}

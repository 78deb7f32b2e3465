package ncfake

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// mailApp serves the Mail 3.7 REST API under /index.php/apps/mail/api,
// shaped like the recordings in shared/nextcloud-api/mail. It keeps two
// views of every mailbox, as the real app does: the "IMAP" truth and
// Nextcloud's cache. Lists, bodies and flags read the cache; new mail, moves
// and sent copies reach the cache only when the mailbox is synced, and a
// message gets a new databaseId each time it enters a cache (mail/19-21).
type mailApp struct {
	s *Server

	mu        sync.Mutex
	next      mailIDs
	accounts  map[int]*mailAccount
	mailboxes map[int]*mailMailbox
	// cached holds the messages of synced mailboxes by databaseId.
	cached map[int]*mailMsg
	outbox map[int]*mailOutgoing
	// clock is the last unix second handed out, kept increasing so sent
	// messages sort after what was there; Seconds may repeat on purpose.
	clock int64
}

type mailIDs struct{ account, mailbox, message, outbox, recipient, attachment int }

type mailAccount struct {
	id                                 int
	user, name, email                  string
	drafts, sent, trash, archive, junk int
}

type mailMailbox struct {
	id, accountID int
	name          string
	// role is the specialRole ("inbox", "sent", …); "" for none (sent as 0).
	role    string
	cached  bool
	nextUID int
	// imap is what the mail server holds, in UID order.
	imap []*mailMsg
}

type mailAddr struct{ Label, Email string }

type mailAttach struct {
	part, name, mime string
	data             []byte
}

// mailMsg is one message. dbID is 0 while it is not in a cache.
type mailMsg struct {
	dbID, uid, mailboxID int
	subject              string
	date                 int64
	from, to, cc, bcc    []mailAddr
	replyTo              []mailAddr
	messageID, inReplyTo string
	references           []string
	threadRoot           string
	flags                map[string]bool
	important            bool
	text, html           string
	attachments          []mailAttach
}

// mailOutgoing is a message in the outbox (type 0) or a local draft (type 1).
type mailOutgoing struct {
	id, typ, accountID        int
	user                      string
	subject, body, editorBody string
	isHTML                    bool
	inReplyTo                 string
	to, cc, bcc               []mailAddr
	recipientIDs              []int
	attachments               []mailLocalAttachment
	updatedAt                 any
}

type mailLocalAttachment struct {
	id         int
	name, mime string
	data       []byte
}

func newMailApp(s *Server) *mailApp {
	return &mailApp{s: s, next: mailIDs{1, 1, 1, 1, 1, 1},
		accounts: map[int]*mailAccount{}, mailboxes: map[int]*mailMailbox{}, cached: map[int]*mailMsg{}, outbox: map[int]*mailOutgoing{}}
}

const mailBase = "/index.php/apps/mail/api"

func (a *mailApp) routes(mux *http.ServeMux) {
	h := func(pattern string, fn handlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+mailBase+path, a.s.sessionHandler("mail", &a.mu, fn))
	}
	h("GET /accounts", a.listAccounts)
	h("GET /mailboxes", a.listMailboxes)
	h("POST /mailboxes/{id}/sync", a.sync)
	h("GET /messages", a.listMessages)
	h("GET /messages/{id}", a.getEnvelope)
	h("GET /messages/{id}/body", a.getBody)
	h("GET /messages/{id}/thread", a.getThread)
	h("GET /messages/{id}/attachment/{part}", a.getAttachment)
	h("PUT /messages/{id}/flags", a.setFlags)
	h("PUT /messages/{id}/tags/{label}", a.setTag)
	h("DELETE /messages/{id}/tags/{label}", a.removeTag)
	h("POST /messages/{id}/move", a.move)
	h("DELETE /messages/{id}", a.deleteMessage)
	h("GET /outbox", a.listOutbox)
	h("POST /outbox", a.createOutbox)
	h("POST /outbox/{id}", a.sendOutbox)
	h("DELETE /outbox/{id}", a.deleteOutbox)
	h("POST /drafts", a.createDraft)
}

// --- answers -----------------------------------------------------------------

// mailJSON answers like Mail's own JsonResponse: with x-mail-response.
func mailJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("x-mail-response", "true")
	writeJSON(w, status, v)
}

// mailClientError is Mail's 400 for a bad id: a ClientException in JSend
// "fail" (mail/30); MailboxNotCachedException has the same shape (mail/06).
func mailClientError(w http.ResponseWriter, typ, msg string) {
	mailJSON(w, http.StatusBadRequest, map[string]any{"status": "fail", "data": map[string]any{"message": msg, "type": "OCA\\Mail\\Exception\\" + typ}})
}

// mailForbidden is the answer for an unknown message id and for another
// user's message alike: 403 with the body [] (mail/28-29).
func mailForbidden(w http.ResponseWriter) { writeJSON(w, http.StatusForbidden, []any{}) }

// mailServerError is what a PHP type error (a missing required parameter)
// turns into: no word about the field (mail/25).
func mailServerError(w http.ResponseWriter) {
	mailJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "message": "Server error", "data": []any{}, "code": 0})
}

// --- lookups (caller holds a.mu) -----------------------------------------------

func (a *mailApp) accountOf(u *User, id int) *mailAccount {
	if acc := a.accounts[id]; acc != nil && acc.user == u.ID {
		return acc
	}
	return nil
}

func (a *mailApp) mailboxOf(u *User, id int) *mailMailbox {
	mb := a.mailboxes[id]
	if mb == nil || a.accountOf(u, mb.accountID) == nil {
		return nil
	}
	return mb
}

// messageOf finds a cached message of the user, or nil (403 for the caller).
func (a *mailApp) messageOf(u *User, r *http.Request) *mailMsg {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return nil
	}
	m := a.cached[id]
	if m == nil || a.mailboxOf(u, m.mailboxID) == nil {
		return nil
	}
	return m
}

func (a *mailApp) userAccounts(u *User) []*mailAccount {
	var out []*mailAccount
	for _, acc := range a.accounts {
		if acc.user == u.ID {
			out = append(out, acc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (a *mailApp) accountMailboxes(accountID int) []*mailMailbox {
	var out []*mailMailbox
	for _, mb := range a.mailboxes {
		if mb.accountID == accountID {
			out = append(out, mb)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// tick returns a unix second for a new message, never before the last one.
func (a *mailApp) tick(now int64) int64 {
	if now < a.clock {
		now = a.clock
	}
	a.clock = now
	return now
}

// --- accounts and mailboxes --------------------------------------------------------

func (a *mailApp) accountJSON(acc *mailAccount, order int) map[string]any {
	return map[string]any{
		"id": acc.id, "accountId": acc.id, "name": acc.name, "order": order, "emailAddress": acc.email,
		"imapHost": "127.0.0.1", "imapPort": 143, "imapUser": acc.email, "imapSslMode": "none",
		"signature": "", "editorMode": "plaintext", "provisioningId": nil, "showSubscribedOnly": false, "personalNamespace": nil,
		"draftsMailboxId": acc.drafts, "sentMailboxId": acc.sent, "trashMailboxId": acc.trash, "archiveMailboxId": acc.archive,
		"snoozeMailboxId": nil, "sieveEnabled": false, "signatureAboveQuote": false, "signatureMode": 0, "smimeCertificateId": nil,
		"quotaPercentage": nil, "trashRetentionDays": nil, "junkMailboxId": acc.junk, "searchBody": false, "outOfOfficeFollowsSystem": false,
		"smtpHost": "127.0.0.1", "smtpPort": 25, "smtpUser": acc.email, "smtpSslMode": "none", "aliases": []any{},
	}
}

func (a *mailApp) listAccounts(w http.ResponseWriter, _ *http.Request, u *User) {
	out := []any{}
	for i, acc := range a.userAccounts(u) {
		out = append(out, a.accountJSON(acc, i+1))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *mailApp) mailboxJSON(mb *mailMailbox) map[string]any {
	attrs := []string{"\\subscribed"}
	use := []string{}
	var role any = 0
	if mb.role != "" {
		role = mb.role
		use = []string{mb.role}
		if mb.role != "inbox" {
			attrs = append(attrs, "\\"+mb.role)
		}
	}
	unread := 0
	for _, m := range mb.imap {
		if !m.flags["seen"] {
			unread++
		}
	}
	return map[string]any{
		"databaseId": mb.id, "id": base64.StdEncoding.EncodeToString([]byte(mb.name)), "name": mb.name, "accountId": mb.accountID,
		"displayName": mb.name, "attributes": attrs, "delimiter": "/", "specialUse": use, "specialRole": role,
		"mailboxes": []any{}, "syncInBackground": false, "unread": unread, "myAcls": nil, "shared": false,
	}
}

func (a *mailApp) listMailboxes(w http.ResponseWriter, r *http.Request, u *User) {
	id, _ := strconv.Atoi(r.URL.Query().Get("accountId"))
	acc := a.accountOf(u, id)
	if acc == nil {
		mailClientError(w, "ClientException", fmt.Sprintf("Account %d does not exist or you don't have permission to access it", id))
		return
	}
	mbs := a.accountMailboxes(acc.id)
	// The list comes flat and unsorted (mail/05): the order of the cache rows.
	sort.Slice(mbs, func(i, j int) bool { return mailboxRowOrder(mbs[i]) < mailboxRowOrder(mbs[j]) })
	list := []any{}
	for _, mb := range mbs {
		list = append(list, a.mailboxJSON(mb))
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": acc.id, "email": acc.email, "mailboxes": list, "delimiter": "/"})
}

// mailboxRowOrder scrambles mailboxes the way the recorded list is ordered
// (neither by name nor by id), so clients cannot rely on an order.
func mailboxRowOrder(mb *mailMailbox) string {
	return strconv.Itoa((mb.id*7)%11) + mb.name
}

package ncfake

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The outbox: POST /outbox queues a message (201, JSend, mail/22), POST
// /outbox/<id> sends it (202 "Message sent", mail/23): the recipients'
// mailboxes on this server receive it, and the sender's Sent mailbox gets a
// read copy. Both appear only after those mailboxes are synced.

type mailOutboxIn struct {
	AccountID    *int            `json:"accountId"`
	Subject      string          `json:"subject"`
	Body         *string         `json:"body"`
	BodyPlain    *string         `json:"bodyPlain"`
	EditorBody   string          `json:"editorBody"`
	IsHTML       bool            `json:"isHtml"`
	SmimeSign    *bool           `json:"smimeSign"`
	SmimeEncrypt *bool           `json:"smimeEncrypt"`
	To           []mailAddrJSON  `json:"to"`
	Cc           []mailAddrJSON  `json:"cc"`
	Bcc          []mailAddrJSON  `json:"bcc"`
	Attachments  []mailAttachRef `json:"attachments"`
	InReplyTo    *string         `json:"inReplyToMessageId"`
}

type mailAddrJSON struct {
	Label string `json:"label"`
	Email string `json:"email"`
}

type mailAttachRef struct {
	Type     string `json:"type"`
	FileName string `json:"fileName"`
	ID       *int   `json:"id"`
}

func (a *mailApp) createOutbox(w http.ResponseWriter, r *http.Request, u *User) {
	a.createLocal(w, r, u, 0)
}
func (a *mailApp) createDraft(w http.ResponseWriter, r *http.Request, u *User) {
	a.createLocal(w, r, u, 1)
}

func (a *mailApp) createLocal(w http.ResponseWriter, r *http.Request, u *User, typ int) {
	var in mailOutboxIn
	// Required parameters missing are a PHP type error: 500 without a word (mail/25).
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.AccountID == nil || in.SmimeSign == nil || in.SmimeEncrypt == nil {
		mailServerError(w)
		return
	}
	acc := a.accountOf(u, *in.AccountID)
	if acc == nil {
		mailClientError(w, "ClientException", fmt.Sprintf("Account %d does not exist or you don't have permission to access it", *in.AccountID))
		return
	}
	body := ""
	switch {
	case in.Body != nil:
		body = *in.Body
	case in.BodyPlain != nil:
		body = *in.BodyPlain
	}
	o := &mailOutgoing{id: a.next.outbox, typ: typ, accountID: acc.id, user: u.ID, subject: in.Subject, body: body,
		editorBody: in.EditorBody, isHTML: in.IsHTML}
	a.next.outbox++
	if in.InReplyTo != nil {
		o.inReplyTo = *in.InReplyTo
	}
	conv := func(list []mailAddrJSON) []mailAddr {
		var out []mailAddr
		for _, x := range list {
			out = append(out, mailAddr{Label: x.Label, Email: x.Email})
		}
		return out
	}
	o.to, o.cc, o.bcc = conv(in.To), conv(in.Cc), conv(in.Bcc)
	for range len(o.to) + len(o.cc) + len(o.bcc) {
		o.recipientIDs = append(o.recipientIDs, a.next.recipient)
		a.next.recipient++
	}
	// A cloud attachment names a file of the user; one that does not exist
	// (or is a folder) is dropped without a word, as Mail's AttachmentService does.
	for _, ref := range in.Attachments {
		if ref.Type == "local" || ref.Type == "message" || ref.Type == "message-attachment" || ref.FileName == "" {
			continue
		}
		data, err := a.s.ReadFile(u.ID, ref.FileName)
		if err != nil {
			continue
		}
		mt := mime.TypeByExtension(path.Ext(ref.FileName))
		if mt == "" {
			mt = "application/octet-stream"
		}
		o.attachments = append(o.attachments, mailLocalAttachment{id: a.next.attachment, name: path.Base(ref.FileName), mime: mt, data: data})
		a.next.attachment++
	}
	if typ == 1 {
		o.updatedAt = time.Now().Unix()
	}
	a.outbox[o.id] = o
	mailJSON(w, http.StatusCreated, map[string]any{"status": "success", "data": a.outgoingJSON(o)})
}

func (a *mailApp) outgoingJSON(o *mailOutgoing) map[string]any {
	recips := func(list []mailAddr, typ int, offset int) []any {
		out := []any{}
		for i, x := range list {
			out = append(out, map[string]any{"id": o.recipientIDs[offset+i], "messageId": nil, "localMessageId": o.id, "type": typ, "label": x.Label, "email": x.Email})
		}
		return out
	}
	atts := []any{}
	for _, at := range o.attachments {
		atts = append(atts, map[string]any{"id": at.id, "type": "local", "fileName": at.name, "mimeType": at.mime, "createdAt": nil, "localMessageId": o.id})
	}
	var inReplyTo, status any
	if o.inReplyTo != "" {
		inReplyTo = o.inReplyTo
	}
	if o.typ == 1 {
		status = 0
	}
	return map[string]any{
		"id": o.id, "type": o.typ, "accountId": o.accountID, "aliasId": nil, "sendAt": nil, "updatedAt": o.updatedAt,
		"subject": o.subject, "body": o.body, "editorBody": o.editorBody, "isHtml": o.isHTML, "inReplyToMessageId": inReplyTo,
		"attachments": atts, "from": []any{}, "to": recips(o.to, 1, 0), "cc": recips(o.cc, 2, len(o.to)), "bcc": recips(o.bcc, 3, len(o.to)+len(o.cc)),
		"failed": false, "smimeCertificateId": nil, "smimeSign": false, "smimeEncrypt": false, "status": status, "raw": nil, "requestMdn": false,
	}
}

func (a *mailApp) outgoingOf(u *User, r *http.Request) *mailOutgoing {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return nil
	}
	if o := a.outbox[id]; o != nil && o.user == u.ID && o.typ == 0 {
		return o
	}
	return nil
}

func (a *mailApp) listOutbox(w http.ResponseWriter, _ *http.Request, u *User) {
	var list []*mailOutgoing
	for _, o := range a.outbox {
		if o.user == u.ID && o.typ == 0 {
			list = append(list, o)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	out := []any{}
	for _, o := range list {
		out = append(out, a.outgoingJSON(o))
	}
	mailJSON(w, http.StatusOK, map[string]any{"status": "success", "data": map[string]any{"messages": out}})
}

func (a *mailApp) deleteOutbox(w http.ResponseWriter, r *http.Request, u *User) {
	o := a.outgoingOf(u, r)
	if o == nil {
		mailClientError(w, "ClientException", "Message does not exist")
		return
	}
	delete(a.outbox, o.id)
	mailJSON(w, http.StatusAccepted, map[string]any{"status": "success", "data": "Message deleted"})
}

func (a *mailApp) sendOutbox(w http.ResponseWriter, r *http.Request, u *User) {
	o := a.outgoingOf(u, r)
	if o == nil {
		mailClientError(w, "ClientException", "Message does not exist")
		return
	}
	acc := a.accounts[o.accountID]
	now := a.tick(time.Now().Unix())
	msg := &mailMsg{
		subject: o.subject, date: now, from: []mailAddr{{Label: acc.name, Email: acc.email}}, to: o.to, cc: o.cc,
		messageID: fmt.Sprintf("<%d.%d.%s@ncfake>", now, o.id, u.ID), inReplyTo: o.inReplyTo, flags: map[string]bool{},
	}
	if o.isHTML {
		msg.html = o.body
	} else {
		msg.text = o.body
	}
	for i, at := range o.attachments {
		msg.attachments = append(msg.attachments, mailAttach{part: strconv.Itoa(i + 2), name: at.name, mime: at.mime, data: at.data})
	}
	msg.threadRoot = msg.messageID
	if o.inReplyTo != "" {
		// The answered message is found by its Message-ID in the sender's account.
		for _, m := range a.cached {
			if m.messageID == o.inReplyTo && a.mailboxes[m.mailboxID].accountID == acc.id {
				m.flags["answered"] = true
				msg.references = append(append([]string{}, m.references...), m.messageID)
				msg.threadRoot = m.threadRoot
				if msg.threadRoot == "" {
					msg.threadRoot = m.messageID
				}
				break
			}
		}
		if msg.references == nil {
			msg.references = []string{o.inReplyTo}
			msg.threadRoot = o.inReplyTo
		}
	}
	// Deliver to every account of this server that has a recipient's address.
	for _, rcpt := range append(append(append([]mailAddr{}, o.to...), o.cc...), o.bcc...) {
		for _, dest := range a.accounts {
			if !strings.EqualFold(dest.email, rcpt.Email) {
				continue
			}
			if inbox := a.roleMailbox(dest.id, "inbox"); inbox != nil {
				c := msg.clone()
				c.bcc = nil
				a.appendIMAP(inbox, c)
			}
		}
	}
	if sent := a.mailboxes[acc.sent]; sent != nil {
		c := msg.clone()
		c.bcc = o.bcc
		c.flags["seen"] = true
		a.appendIMAP(sent, c)
	}
	delete(a.outbox, o.id)
	mailJSON(w, http.StatusAccepted, map[string]any{"status": "success", "data": "Message sent"})
}

func (m *mailMsg) clone() *mailMsg {
	c := *m
	c.flags = map[string]bool{}
	for k, v := range m.flags {
		c.flags[k] = v
	}
	c.references = append([]string(nil), m.references...)
	return &c
}

func (a *mailApp) roleMailbox(accountID int, role string) *mailMailbox {
	for _, mb := range a.accountMailboxes(accountID) {
		if mb.role == role {
			return mb
		}
	}
	return nil
}

// appendIMAP puts a message on the mail server side of a mailbox.
func (a *mailApp) appendIMAP(mb *mailMailbox, m *mailMsg) {
	mb.nextUID++
	m.uid, m.mailboxID, m.dbID = mb.nextUID, mb.id, 0
	mb.imap = append(mb.imap, m)
}

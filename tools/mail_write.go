package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// sendHints: mail leaves the server for good; a repeat sends it again.
var sendHints = Hints{ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: true}

type mailSendIn struct {
	To          []string `json:"to" jsonschema:"a@b.example or Name <a@b.example>"`
	Cc          []string `json:"cc,omitempty"`
	Bcc         []string `json:"bcc,omitempty"`
	Subject     string   `json:"subject"`
	Body        string   `json:"body" jsonschema:"plain text"`
	Attachments []string `json:"attachments,omitempty" jsonschema:"paths in the user's files"`
	AccountID   int      `json:"account_id,omitempty" jsonschema:"needed with several accounts"`
}

func (in *mailSendIn) Validate() error {
	if len(in.To) == 0 {
		return inputErrorf("to needs at least one recipient")
	}
	if strings.TrimSpace(in.Subject) == "" {
		return inputErrorf("subject is required")
	}
	for _, p := range in.Attachments {
		if _, err := nonRootFilePath("attachments", p); err != nil {
			return err
		}
	}
	return nil
}

type mailSentOut struct {
	Sent        bool     `json:"sent"`
	From        string   `json:"from"`
	To          []string `json:"to"`
	Cc          []string `json:"cc,omitempty"`
	Bcc         []string `json:"bcc,omitempty"`
	Subject     string   `json:"subject"`
	Attachments []string `json:"attachments,omitempty"`
	InReplyTo   int      `json:"in_reply_to,omitempty" jsonschema_description:"Id of the message answered."`
}

func mailSendTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_send",
		Title:       "Send an email",
		Description: "Send a plain-text email now. Cannot be recalled.",
		Hints:       sendHints,
	}, func(ctx context.Context, call *Call, in mailSendIn) (mailSentOut, error) {
		api := call.Client.Mail()
		to, err := mailParseAddrs("to", in.To)
		if err != nil {
			return mailSentOut{}, err
		}
		cc, err := mailParseAddrs("cc", in.Cc)
		if err != nil {
			return mailSentOut{}, err
		}
		bcc, err := mailParseAddrs("bcc", in.Bcc)
		if err != nil {
			return mailSentOut{}, err
		}
		accs, err := mailAccounts(ctx, api)
		if err != nil {
			return mailSentOut{}, err
		}
		acc, err := mailPickAccount(accs, in.AccountID)
		if err != nil {
			return mailSentOut{}, err
		}
		paths, err := mailCheckAttachments(ctx, call.Client, in.Attachments)
		if err != nil {
			return mailSentOut{}, err
		}
		msg := nextcloud.MailOutgoingInput{AccountID: acc.ID, Subject: in.Subject, Body: in.Body, To: to, Cc: cc, Bcc: bcc, Attachments: paths}
		if err := mailSendNow(ctx, api, msg); err != nil {
			return mailSentOut{}, err
		}
		return mailSentOut{Sent: true, From: mailAddr(nextcloud.MailAddress{Label: acc.Name, Email: acc.EmailAddress}),
			To: mailAddrs(to), Cc: mailAddrs(cc), Bcc: mailAddrs(bcc), Subject: in.Subject, Attachments: paths}, nil
	})
}

// mailCheckAttachments makes sure every path is a file: Mail would drop a
// path it cannot read and send the mail without it.
func mailCheckAttachments(ctx context.Context, c *nextcloud.Client, paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		dp, err := nonRootFilePath("attachments", p)
		if err != nil {
			return nil, err
		}
		st, err := c.Stat(ctx, dp)
		if err != nil {
			if errors.Is(err, nextcloud.ErrNotFound) {
				return nil, inputErrorf("Attachment %q does not exist in your files: nothing was sent; check the path with nc_webdav_list_directory", dp)
			}
			return nil, about(err, "attachment %q", dp)
		}
		if st.IsDir {
			return nil, inputErrorf("Attachment %q is a folder: nothing was sent; attach files one by one", dp)
		}
		out = append(out, dp)
	}
	return out, nil
}

// mailSendNow queues the message and sends it. A message whose attachments
// did not all come along, or whose sending failed, is taken out of the
// outbox, so Nextcloud's background job does not send it later behind the
// user's back.
func mailSendNow(ctx context.Context, api *nextcloud.MailAPI, msg nextcloud.MailOutgoingInput) error {
	q, err := api.QueueMessage(ctx, msg)
	if err != nil {
		return mailErr(err, "the new message %q", msg.Subject)
	}
	if len(q.Attachments) != len(msg.Attachments) {
		cleanup := api.DeleteQueued(ctx, q.ID)
		return inputErrorf("Mail attached %d of the %d files (it skips files it cannot read), so nothing was sent%s; check the attachment paths and permissions",
			len(q.Attachments), len(msg.Attachments), mailCleanupNote(cleanup))
	}
	if err := api.SendQueued(ctx, q.ID); err != nil {
		cleanup := api.DeleteQueued(context.WithoutCancel(ctx), q.ID)
		if cleanup != nil && !errors.Is(cleanup, nextcloud.ErrNotFound) && nextcloud.StatusOf(cleanup) != 400 {
			return fmt.Errorf("sending %q failed and the message may still be in the Mail outbox, where Nextcloud could send it later; check the outbox in Mail: %w", msg.Subject, err)
		}
		return mailErr(err, "sending %q (nothing was sent)", msg.Subject)
	}
	return nil
}

func mailCleanupNote(err error) string {
	if err != nil {
		return " (it may still wait in the Mail outbox: delete it there)"
	}
	return ""
}

type mailReplyIn struct {
	MessageID int    `json:"message_id"`
	Body      string `json:"body" jsonschema:"plain text"`
	ReplyAll  bool   `json:"reply_all,omitempty"`
}

func (in *mailReplyIn) Validate() error {
	if err := dtPositiveID("message_id", in.MessageID); err != nil {
		return err
	}
	if strings.TrimSpace(in.Body) == "" {
		return inputErrorf("body is required")
	}
	return nil
}

func mailReplyTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_reply",
		Title:       "Reply to an email",
		Description: "Reply in the message's thread from the receiving account, quoting it. Cannot be recalled.",
		Hints:       sendHints,
	}, func(ctx context.Context, call *Call, in mailReplyIn) (mailSentOut, error) {
		api := call.Client.Mail()
		m, err := api.Message(ctx, in.MessageID)
		if err != nil {
			return mailSentOut{}, mailErr(err, "message %d", in.MessageID)
		}
		accs, err := mailAccounts(ctx, api)
		if err != nil {
			return mailSentOut{}, err
		}
		acc, err := mailPickAccount(accs, m.AccountID)
		if err != nil {
			return mailSentOut{}, err
		}
		own := map[string]bool{strings.ToLower(acc.EmailAddress): true}
		for _, a := range acc.Aliases {
			own[strings.ToLower(a.Alias)] = true
		}
		to := m.ReplyTo
		if len(to) == 0 {
			to = m.From
		}
		if len(to) == 0 {
			return mailSentOut{}, inputErrorf("Message %d has no sender to answer: use nc_mail_send", in.MessageID)
		}
		if own[strings.ToLower(to[0].Email)] {
			// Answering one's own sent message goes to its recipients.
			to = m.To
		}
		var cc []nextcloud.MailAddress
		if in.ReplyAll {
			seen := map[string]bool{}
			for _, a := range to {
				seen[strings.ToLower(a.Email)] = true
			}
			for _, a := range append(append([]nextcloud.MailAddress{}, m.To...), m.Cc...) {
				e := strings.ToLower(a.Email)
				if !own[e] && !seen[e] {
					seen[e] = true
					cc = append(cc, a)
				}
			}
		}
		subject := m.Subject
		if !strings.HasPrefix(strings.ToLower(subject), "re:") {
			subject = "Re: " + subject
		}
		original, _, err := mailBodyText(ctx, d, m)
		if err != nil {
			return mailSentOut{}, err
		}
		body := in.Body + "\n\n" + mailQuote(m, original)
		msg := nextcloud.MailOutgoingInput{AccountID: acc.ID, Subject: subject, Body: body, To: to, Cc: cc, InReplyTo: m.MessageID}
		if err := mailSendNow(ctx, api, msg); err != nil {
			return mailSentOut{}, err
		}
		return mailSentOut{Sent: true, From: mailAddr(nextcloud.MailAddress{Label: acc.Name, Email: acc.EmailAddress}),
			To: mailAddrs(to), Cc: mailAddrs(cc), Subject: subject, InReplyTo: m.DatabaseID}, nil
	})
}

// mailQuote renders "On <date>, <sender> wrote:" and the original, quoted.
func mailQuote(m *nextcloud.MailMessage, text string) string {
	text, cut := clipBytes(strings.TrimRight(text, "\n"), 16<<10)
	if cut {
		text += "\n[…]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "On %s, %s wrote:\n", time.Unix(m.DateInt, 0).UTC().Format("Mon, 2 Jan 2006 15:04 MST"), mailFirst(m.From))
	for _, l := range strings.Split(text, "\n") {
		if l == "" {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> " + l + "\n")
	}
	return b.String()
}

type mailSetFlagsIn struct {
	MessageID int   `json:"message_id"`
	Seen      *bool `json:"seen,omitempty" jsonschema:"read (true) or unread (false)"`
	Flagged   *bool `json:"flagged,omitempty"`
	Important *bool `json:"important,omitempty"`
}

func (in *mailSetFlagsIn) Validate() error {
	if err := dtPositiveID("message_id", in.MessageID); err != nil {
		return err
	}
	if in.Seen == nil && in.Flagged == nil && in.Important == nil {
		return inputErrorf("Nothing to change: pass seen, flagged or important")
	}
	return nil
}

type mailFlagsOut struct {
	ID        int  `json:"id"`
	Seen      bool `json:"seen"`
	Flagged   bool `json:"flagged"`
	Important bool `json:"important"`
}

func mailSetFlagsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_set_flags",
		Title:       "Mark a message",
		Description: "Mark a message read or unread, starred, or important.",
		Hints:       Hints{ReadOnly: false, Destructive: false, Idempotent: true, OpenWorld: false},
	}, func(ctx context.Context, call *Call, in mailSetFlagsIn) (mailFlagsOut, error) {
		api := call.Client.Mail()
		flags := map[string]bool{}
		if in.Seen != nil {
			flags["seen"] = *in.Seen
		}
		if in.Flagged != nil {
			flags["flagged"] = *in.Flagged
		}
		if len(flags) > 0 {
			if err := api.SetFlags(ctx, in.MessageID, flags); err != nil {
				return mailFlagsOut{}, mailErr(err, "message %d", in.MessageID)
			}
		}
		if in.Important != nil {
			if err := api.SetImportant(ctx, in.MessageID, *in.Important); err != nil {
				return mailFlagsOut{}, mailErr(err, "message %d", in.MessageID)
			}
		}
		e, err := api.Envelope(ctx, in.MessageID)
		if err != nil {
			return mailFlagsOut{}, mailErr(err, "message %d", in.MessageID)
		}
		return mailFlagsOut{ID: e.DatabaseID, Seen: e.Flags.Seen, Flagged: e.Flags.Flagged, Important: e.Flags.Important}, nil
	})
}

type mailMoveIn struct {
	MessageID int    `json:"message_id"`
	Mailbox   string `json:"mailbox" jsonschema:"name, role or id"`
}

func (in *mailMoveIn) Validate() error {
	if err := dtPositiveID("message_id", in.MessageID); err != nil {
		return err
	}
	if strings.TrimSpace(in.Mailbox) == "" {
		return inputErrorf("mailbox is required: a name like Archive or an id from nc_mail_list_mailboxes")
	}
	return nil
}

type mailMovedOut struct {
	OldID int `json:"old_id"`
	// NewID is 0 when the message could not be found in the target yet.
	NewID       int        `json:"new_id" jsonschema_description:"The message's id now; 0 if not found yet (list the mailbox)."`
	Mailbox     mailboxRef `json:"mailbox"`
	Permanently bool       `json:"deleted_permanently,omitempty"`
}

func mailMoveTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_move",
		Title:       "Move a message",
		Description: "Move a message to another mailbox of its account. Its id changes: use new_id from the result afterwards.",
		Hints:       Hints{ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: false},
	}, func(ctx context.Context, call *Call, in mailMoveIn) (mailMovedOut, error) {
		api := call.Client.Mail()
		m, err := api.Message(ctx, in.MessageID)
		if err != nil {
			return mailMovedOut{}, mailErr(err, "message %d", in.MessageID)
		}
		dest, err := mailResolveMailbox(ctx, api, m.AccountID, in.Mailbox)
		if err != nil {
			return mailMovedOut{}, err
		}
		if dest.ID == m.MailboxID {
			return mailMovedOut{OldID: m.DatabaseID, NewID: m.DatabaseID, Mailbox: dest}, nil
		}
		kin := mailThreadKin(ctx, api, m.DatabaseID)
		if err := api.Move(ctx, m.DatabaseID, dest.ID); err != nil {
			return mailMovedOut{}, mailErr(err, "message %d", in.MessageID)
		}
		newID, err := mailFindMoved(ctx, call, api, dest, &m.MailEnvelope, kin)
		if err != nil {
			return mailMovedOut{}, fmt.Errorf("message %d was moved to %q, but finding its new id failed: %w", in.MessageID, dest.Name, err)
		}
		return mailMovedOut{OldID: m.DatabaseID, NewID: newID, Mailbox: dest}, nil
	})
}

func mailDeleteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_delete",
		Title:       "Delete a message",
		Description: "Move a message to the account's Trash (its id changes: see new_id). A message already in the Trash is deleted for good.",
		Hints:       Hints{ReadOnly: false, Destructive: true, Idempotent: false, OpenWorld: false},
	}, func(ctx context.Context, call *Call, in mailMessageIn) (mailMovedOut, error) {
		api := call.Client.Mail()
		m, err := api.Message(ctx, in.MessageID)
		if err != nil {
			return mailMovedOut{}, mailErr(err, "message %d", in.MessageID)
		}
		accs, err := mailAccounts(ctx, api)
		if err != nil {
			return mailMovedOut{}, err
		}
		acc, err := mailPickAccount(accs, m.AccountID)
		if err != nil {
			return mailMovedOut{}, err
		}
		trash := mailboxRef{ID: acc.TrashMailboxID, Name: "Trash", AccountID: acc.ID}
		if t, err := mailResolveMailbox(ctx, api, acc.ID, fmt.Sprint(acc.TrashMailboxID)); err == nil {
			trash = t
		}
		kin := mailThreadKin(ctx, api, m.DatabaseID)
		if err := api.Delete(ctx, m.DatabaseID); err != nil {
			return mailMovedOut{}, mailErr(err, "message %d", in.MessageID)
		}
		if acc.TrashMailboxID == 0 || m.MailboxID == acc.TrashMailboxID {
			return mailMovedOut{OldID: m.DatabaseID, Mailbox: trash, Permanently: true}, nil
		}
		newID, err := mailFindMoved(ctx, call, api, trash, &m.MailEnvelope, kin)
		if err != nil {
			return mailMovedOut{}, fmt.Errorf("message %d was moved to the trash, but finding its new id failed: %w", in.MessageID, err)
		}
		return mailMovedOut{OldID: m.DatabaseID, NewID: newID, Mailbox: trash}, nil
	})
}

// mailThreadKin returns the ids of the other messages of a message's
// thread, which can find it again after it moved. Best effort: none on failure.
func mailThreadKin(ctx context.Context, api *nextcloud.MailAPI, id int) []int {
	thread, err := api.Thread(ctx, id)
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range thread {
		if e.DatabaseID != id {
			out = append(out, e.DatabaseID)
		}
	}
	return out
}

// mailFindMoved finds a message's new id in the mailbox it was moved to.
// The move keeps the arrival time (dateInt) and the Message-ID; the new id
// exists once the target is synced (mail/20). Lists show one entry per
// thread, so a message behind a newer one of its thread is found through
// the thread of one of its kin.
func mailFindMoved(ctx context.Context, call *Call, api *nextcloud.MailAPI, dest mailboxRef, env *nextcloud.MailEnvelope, kin []int) (int, error) {
	held, err := api.Messages(ctx, dest.ID, nextcloud.MailListOptions{Limit: 1})
	switch {
	case errors.Is(err, nextcloud.ErrMailboxNotCached):
		err = mailSyncInit(ctx, call, api, dest)
	case err == nil:
		_, err = mailSyncKnown(ctx, call, api, dest, held)
	}
	if err != nil {
		return 0, err
	}
	filter := fmt.Sprintf("start:%d end:%d", env.DateInt-1, env.DateInt+1)
	cands, err := api.Messages(ctx, dest.ID, nextcloud.MailListOptions{Filter: filter, Limit: 50})
	if err != nil {
		return 0, err
	}
	for _, c := range cands {
		if c.MessageID == env.MessageID {
			return c.DatabaseID, nil
		}
	}
	for _, c := range cands {
		if c.ThreadRootID != "" && c.ThreadRootID == env.ThreadRootID {
			kin = append([]int{c.DatabaseID}, kin...)
		}
	}
	for i, id := range kin {
		if i == 5 {
			break
		}
		thread, err := api.Thread(ctx, id)
		if err != nil {
			continue // that one moved too
		}
		for _, t := range thread {
			if t.MessageID == env.MessageID && t.MailboxID == dest.ID {
				return t.DatabaseID, nil
			}
		}
	}
	return 0, nil
}

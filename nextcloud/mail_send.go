package nextcloud

import (
	"context"
	"net/http"
	"strconv"
)

// Sending is two calls (mail/22-23): the message is queued in the outbox,
// then sent from there, which delivers it over SMTP and files a read copy in
// the Sent mailbox.

// MailOutgoingInput is a new outgoing message, plain text.
type MailOutgoingInput struct {
	AccountID int
	Subject   string
	Body      string
	To        []MailAddress
	Cc        []MailAddress
	Bcc       []MailAddress
	// Attachments are paths in the user's Nextcloud files. Mail drops a
	// path it cannot read without saying so: compare MailOutgoing.Attachments.
	Attachments []string
	// InReplyTo is the answered message's RFC Message-ID, angle brackets
	// included; Mail then sets In-Reply-To and flags the original answered (mail/24).
	InReplyTo string
}

// MailOutgoing is a queued message.
type MailOutgoing struct {
	ID          int                      `json:"id"`
	AccountID   int                      `json:"accountId"`
	Subject     string                   `json:"subject"`
	Attachments []MailOutgoingAttachment `json:"attachments"`
	To          []MailAddress            `json:"to"`
}

// MailOutgoingAttachment is a file attached to a queued message.
type MailOutgoingAttachment struct {
	ID       int    `json:"id"`
	FileName string `json:"fileName"`
	MimeType string `json:"mimeType"`
}

// QueueMessage puts a message in the outbox without sending it.
func (m *MailAPI) QueueMessage(ctx context.Context, in MailOutgoingInput) (*MailOutgoing, error) {
	addrs := func(list []MailAddress) []MailAddress {
		if list == nil {
			return []MailAddress{}
		}
		return list
	}
	atts := []map[string]string{}
	for _, p := range in.Attachments {
		atts = append(atts, map[string]string{"type": "cloud", "fileName": p})
	}
	body := map[string]any{
		"accountId": in.AccountID, "subject": in.Subject,
		// Mail 3.7 reads body; later versions read bodyPlain/bodyHtml.
		"body": in.Body, "bodyPlain": in.Body, "editorBody": in.Body, "isHtml": false,
		// Required, or the app fails with a bare 500 (mail/25).
		"smimeSign": false, "smimeEncrypt": false,
		"to": addrs(in.To), "cc": addrs(in.Cc), "bcc": addrs(in.Bcc), "attachments": atts,
	}
	if in.InReplyTo != "" {
		body["inReplyToMessageId"] = in.InReplyTo
	}
	var out MailOutgoing
	if err := m.callJSend(ctx, http.MethodPost, "/outbox", body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SendQueued sends a queued message now.
func (m *MailAPI) SendQueued(ctx context.Context, id int) error {
	return m.callJSend(ctx, http.MethodPost, "/outbox/"+strconv.Itoa(id), nil, nil)
}

// DeleteQueued removes a queued message that was not sent.
func (m *MailAPI) DeleteQueued(ctx context.Context, id int) error {
	return m.callJSend(ctx, http.MethodDelete, "/outbox/"+strconv.Itoa(id), nil, nil)
}

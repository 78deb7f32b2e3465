package tools

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

const (
	// mailBodyCap is how much of a body get_message returns.
	mailBodyCap = 64 << 10
	// mailAttachmentCap is the largest attachment read into memory to extract.
	mailAttachmentCap = 25 << 20
	// mailAttachmentTextCap is how much extracted text get_attachment returns.
	mailAttachmentTextCap = 128 << 10
)

type mailMessageIn struct {
	MessageID int `json:"message_id"`
}

func (in *mailMessageIn) Validate() error { return dtPositiveID("message_id", in.MessageID) }

type mailAttachmentOut struct {
	ID   string `json:"id" jsonschema_description:"attachment_id for nc_mail_get_attachment."`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int64  `json:"size"`
}

type mailThreadEntry struct {
	ID        int    `json:"id"`
	From      string `json:"from"`
	Subject   string `json:"subject"`
	Date      string `json:"date"`
	MailboxID int    `json:"mailbox_id"`
}

type mailMessageOut struct {
	ID        int      `json:"id"`
	MailboxID int      `json:"mailbox_id"`
	AccountID int      `json:"account_id"`
	Subject   string   `json:"subject"`
	From      string   `json:"from" jsonschema_description:"Sender: who wrote this message."`
	To        []string `json:"to"`
	Cc        []string `json:"cc,omitempty"`
	ReplyTo   []string `json:"reply_to,omitempty"`
	Date      string   `json:"date"`
	Unread    bool     `json:"unread,omitempty"`
	Flagged   bool     `json:"flagged,omitempty"`
	Important bool     `json:"important,omitempty"`
	Answered  bool     `json:"answered,omitempty"`
	// Body is the text; an HTML message is converted to readable text.
	Body          string              `json:"body"`
	BodyFormat    string              `json:"body_format" jsonschema_description:"text, or html when converted from HTML."`
	BodyTruncated bool                `json:"body_truncated,omitempty"`
	Attachments   []mailAttachmentOut `json:"attachments,omitempty"`
	Thread        []mailThreadEntry   `json:"thread,omitempty" jsonschema_description:"The other messages of the thread, newest first."`
}

func mailGetMessageTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_get_message",
		Title:       "Read a message",
		Description: "Read one message: headers, body as text, attachments, thread. Does not mark it read.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in mailMessageIn) (mailMessageOut, error) {
		api := call.Client.Mail()
		m, err := api.Message(ctx, in.MessageID)
		if err != nil {
			return mailMessageOut{}, mailErr(err, "message %d", in.MessageID)
		}
		body, format, err := mailBodyText(ctx, d, m)
		if err != nil {
			return mailMessageOut{}, err
		}
		out := mailMessageOut{ID: m.DatabaseID, MailboxID: m.MailboxID, AccountID: m.AccountID, Subject: m.Subject,
			From: mailFirst(m.From), To: mailAddrs(m.To), Cc: mailAddrs(m.Cc), Date: unixRFC3339(m.DateInt),
			Unread: !m.Flags.Seen, Flagged: m.Flags.Flagged, Important: m.Flags.Important, Answered: m.Flags.Answered, BodyFormat: format}
		if len(out.Cc) == 0 {
			out.Cc = nil
		}
		if len(m.ReplyTo) > 0 && (len(m.From) == 0 || !strings.EqualFold(m.ReplyTo[0].Email, m.From[0].Email)) {
			out.ReplyTo = mailAddrs(m.ReplyTo)
		}
		out.Body, out.BodyTruncated = clipBytes(body, mailBodyCap)
		for _, a := range m.Attachments {
			out.Attachments = append(out.Attachments, mailAttachmentOut{ID: a.ID, Name: a.FileName, MIME: a.MIME, Size: a.Size})
		}
		thread, err := api.Thread(ctx, in.MessageID)
		if err != nil {
			return mailMessageOut{}, mailErr(err, "the thread of message %d", in.MessageID)
		}
		for _, e := range thread {
			if e.DatabaseID != m.DatabaseID {
				out.Thread = append(out.Thread, mailThreadEntry{ID: e.DatabaseID, From: mailFirst(e.From), Subject: e.Subject, Date: unixRFC3339(e.DateInt), MailboxID: e.MailboxID})
			}
		}
		return out, nil
	})
}

// mailBodyText returns the body as text: plain text as it is, HTML through
// the document extractor, never raw HTML.
func mailBodyText(ctx context.Context, d *Deps, m *nextcloud.MailMessage) (string, string, error) {
	if !m.HasHTMLBody {
		return m.Body, "text", nil
	}
	doc, err := d.extractor().Extract(ctx, strings.NewReader(m.Body), int64(len(m.Body)), "text/html", extract.Options{Name: "message.html"})
	if err != nil {
		return "", "", fmt.Errorf("message %d: its HTML body could not be turned into text: %w", m.DatabaseID, err)
	}
	return doc.Text(), "html", nil
}

// clipBytes cuts s to at most max bytes on a rune boundary.
func clipBytes(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

type mailGetAttachmentIn struct {
	MessageID    int    `json:"message_id"`
	AttachmentID string `json:"attachment_id"`
	SaveTo       string `json:"save_to,omitempty" jsonschema:"a folder/ or a new file path in the user's files"`
}

func (in *mailGetAttachmentIn) Validate() error {
	if err := dtPositiveID("message_id", in.MessageID); err != nil {
		return err
	}
	if strings.TrimSpace(in.AttachmentID) == "" {
		return inputErrorf("attachment_id is required: see the attachments of nc_mail_get_message")
	}
	if in.SaveTo != "" {
		if _, err := nonRootFilePath("save_to", strings.TrimSuffix(in.SaveTo, "/")); err != nil && strings.Trim(in.SaveTo, "/") != "" {
			return err
		}
	}
	return nil
}

type mailGetAttachmentOut struct {
	Name      string `json:"name"`
	MIME      string `json:"mime"`
	Size      int64  `json:"size"`
	SavedTo   string `json:"saved_to,omitempty" jsonschema_description:"Path of the stored file in the user's files."`
	ETag      string `json:"etag,omitempty"`
	Format    string `json:"format,omitempty" jsonschema_description:"Document format the text was extracted from."`
	Text      string `json:"text,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
	// Image is true when the image itself is in an image content block.
	Image bool `json:"image,omitempty"`
}

func mailGetAttachmentTool(d *Deps) Tool {
	return NewResultTool[mailGetAttachmentIn, mailGetAttachmentOut](d, Spec{
		Name:        "nc_mail_get_attachment",
		Title:       "Get a mail attachment",
		Description: "Read a mail attachment as text or image, or store it in the user's files with save_to.",
		Hints:       Hints{ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: false},
	}, func(ctx context.Context, call *Call, in mailGetAttachmentIn) (*mcp.CallToolResult, error) {
		api := call.Client.Mail()
		m, err := api.Message(ctx, in.MessageID)
		if err != nil {
			return nil, mailErr(err, "message %d", in.MessageID)
		}
		var att *nextcloud.MailAttachment
		var ids []string
		for i := range m.Attachments {
			ids = append(ids, m.Attachments[i].ID)
			if m.Attachments[i].ID == in.AttachmentID {
				att = &m.Attachments[i]
			}
		}
		if att == nil {
			if len(ids) == 0 {
				return nil, inputErrorf("Message %d has no attachments", in.MessageID)
			}
			return nil, inputErrorf("Message %d has no attachment %q; its attachment ids are %s", in.MessageID, in.AttachmentID, strings.Join(ids, ", "))
		}
		out := mailGetAttachmentOut{Name: att.FileName, MIME: att.MIME, Size: att.Size}
		if in.SaveTo != "" {
			return mailSaveAttachment(ctx, call, api, m.DatabaseID, att, in.SaveTo, out)
		}
		if att.Size > mailAttachmentCap {
			return nil, inputErrorf("Attachment %q is %d bytes, more than the %d read here: store it with save_to and open it from the files", att.FileName, att.Size, mailAttachmentCap)
		}
		resp, err := api.Attachment(ctx, m.DatabaseID, att.ID, mailAttachmentCap)
		if err != nil {
			return nil, mailErr(err, "attachment %q of message %d", att.FileName, m.DatabaseID)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if errors.Is(err, nextcloud.ErrTooLarge) {
			return nil, inputErrorf("Attachment %q is more than %d bytes: store it with save_to", att.FileName, mailAttachmentCap)
		}
		if err != nil {
			return nil, about(err, "attachment %q of message %d", att.FileName, m.DatabaseID)
		}
		// The download says application/octet-stream: the type comes from the message (mail/16).
		if filesImageTypes[att.MIME] && len(data) <= filesImageCap {
			out.Image = true
			res, err := StructuredResult(out)
			if err != nil {
				return nil, err
			}
			res.Content = append(res.Content, mcp.NewImageContent(base64.StdEncoding.EncodeToString(data), att.MIME))
			return res, nil
		}
		doc, err := d.extractor().Extract(ctx, bytes.NewReader(data), int64(len(data)), att.MIME, extract.Options{Name: att.FileName})
		if err != nil {
			var xe *extract.Error
			if errors.As(err, &xe) {
				return nil, inputErrorf("Attachment %q (%s) cannot be read as text: %v. Store it with save_to instead", att.FileName, att.MIME, strings.TrimSuffix(xe.Error(), "."))
			}
			return nil, about(err, "attachment %q", att.FileName)
		}
		out.Format = doc.Format
		out.Text, out.Truncated = clipBytes(doc.Text(), mailAttachmentTextCap)
		return StructuredResult(out)
	})
}

// mailSaveAttachment streams the attachment into the user's files, never
// over an existing file.
func mailSaveAttachment(ctx context.Context, call *Call, api *nextcloud.MailAPI, id int, att *nextcloud.MailAttachment, saveTo string, out mailGetAttachmentOut) (*mcp.CallToolResult, error) {
	c := call.Client
	target := strings.TrimSpace(saveTo)
	intoFolder := strings.HasSuffix(target, "/")
	if !intoFolder {
		if st, err := c.Stat(ctx, target); err == nil && st.IsDir {
			intoFolder = true
		}
	}
	if intoFolder {
		name := path.Base(strings.ReplaceAll(att.FileName, "\\", "/"))
		if name == "" || name == "." || name == "/" || name == ".." {
			name = fmt.Sprintf("attachment-%d-%s", id, att.ID)
		}
		target = strings.TrimSuffix(target, "/") + "/" + name
	}
	dp, err := nonRootFilePath("save_to", target)
	if err != nil {
		return nil, err
	}
	if _, err := c.MkdirAll(ctx, path.Dir(dp)); err != nil {
		return nil, about(err, "folder %q", path.Dir(dp))
	}
	resp, err := api.Attachment(ctx, id, att.ID, 0)
	if err != nil {
		return nil, mailErr(err, "attachment %q of message %d", att.FileName, id)
	}
	defer resp.Body.Close()
	wr, err := c.WriteFileStream(ctx, dp, resp.Body, nextcloud.WriteOptions{CreateOnly: true, ContentType: att.MIME})
	if err != nil {
		if errors.Is(err, nextcloud.ErrPreconditionFailed) {
			return nil, inputErrorf("%q already exists and was left as it is: choose another save_to path", dp)
		}
		return nil, about(err, "file %q", dp)
	}
	out.SavedTo, out.ETag = dp, nextcloud.ShortETag(wr.ETag)
	return StructuredResult(out)
}

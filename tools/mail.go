package tools

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strconv"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// mailToolset: Nextcloud Mail. Mail publishes no capability, so the toolset
// is listed when the server has Mail's unified search provider.
func mailToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "mail",
		Description: "Nextcloud Mail: accounts, mailboxes, reading, sending and filing messages.",
		Available:   hasSearchProvider("mail"),
		Tools: []Tool{
			mailListAccountsTool(d), mailListMailboxesTool(d), mailListMessagesTool(d), mailGetMessageTool(d),
			mailGetAttachmentTool(d), mailSendTool(d), mailReplyTool(d), mailSetFlagsTool(d), mailMoveTool(d), mailDeleteTool(d),
		},
	}
}

// hasSearchProvider is the Available func of apps without a capability
// block: they are there when their unified search provider is.
func hasSearchProvider(id string) func(context.Context, *nextcloud.Client, *nextcloud.Capabilities) bool {
	return func(ctx context.Context, c *nextcloud.Client, _ *nextcloud.Capabilities) bool {
		providers, err := c.SearchProviders(ctx)
		if err != nil {
			// Unknown: list the tools; a call will explain what is wrong.
			return true
		}
		for _, p := range providers {
			if p.ID == id {
				return true
			}
		}
		return false
	}
}

// mailErr names the message or mailbox a failure concerns, in Mail's terms.
func mailErr(err error, format string, a ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, a...)
	var ne *nextcloud.Error
	errors.As(err, &ne)
	switch {
	case errors.Is(err, nextcloud.ErrForbidden) && strings.HasPrefix(what, "message"):
		// Mail answers 403 [] for an unknown id and for another user's alike (mail/28-29).
		return inputErrorf("%s does not exist or is not yours (Mail answers HTTP 403 for both); ids change when a message is moved or deleted: list the mailbox again with nc_mail_list_messages", capitalize(what))
	case ne != nil && ne.Status == 400 && strings.HasSuffix(ne.Exception, "ClientException"):
		return inputErrorf("Mail refused %s (HTTP 400: %s): check the ids with nc_mail_list_accounts and nc_mail_list_mailboxes", what, strings.TrimSuffix(ne.Message, "."))
	case ne != nil && ne.Status == 500 && ne.Message == "Server error":
		return fmt.Errorf("%s: Mail failed without saying why (HTTP 500 \"Server error\"); the Nextcloud log has the reason: %w", what, err)
	}
	return about(err, "%s", what)
}

// mailAccounts lists the accounts, or says how to get one.
func mailAccounts(ctx context.Context, api *nextcloud.MailAPI) ([]nextcloud.MailAccount, error) {
	accs, err := api.Accounts(ctx)
	if err != nil {
		return nil, mailErr(err, "the mail account list")
	}
	if len(accs) == 0 {
		return nil, inputErrorf("This Nextcloud user has no mail account: add one in the Mail app first")
	}
	return accs, nil
}

// mailPickAccount chooses the account: the given id, or the only one.
func mailPickAccount(accs []nextcloud.MailAccount, id int) (nextcloud.MailAccount, error) {
	if id != 0 {
		for _, a := range accs {
			if a.ID == id {
				return a, nil
			}
		}
		return nextcloud.MailAccount{}, inputErrorf("account_id %d is not one of your mail accounts (%s)", id, mailAccountList(accs))
	}
	if len(accs) == 1 {
		return accs[0], nil
	}
	return nextcloud.MailAccount{}, inputErrorf("You have %d mail accounts (%s): pass account_id", len(accs), mailAccountList(accs))
}

func mailAccountList(accs []nextcloud.MailAccount) string {
	var parts []string
	for _, a := range accs {
		parts = append(parts, fmt.Sprintf("%d %s", a.ID, a.EmailAddress))
	}
	return strings.Join(parts, ", ")
}

// mailboxRef is a resolved mailbox.
type mailboxRef struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	AccountID int    `json:"account_id"`
}

// mailResolveMailbox finds a mailbox by id, name ("Projects/Alpha",
// case-insensitive) or role ("inbox", "sent", "trash"…), in one account or
// in all of them.
func mailResolveMailbox(ctx context.Context, api *nextcloud.MailAPI, accountID int, spec string) (mailboxRef, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return mailboxRef{}, inputErrorf("mailbox is required: a name like INBOX or an id from nc_mail_list_mailboxes")
	}
	accs, err := mailAccounts(ctx, api)
	if err != nil {
		return mailboxRef{}, err
	}
	if accountID != 0 {
		a, err := mailPickAccount(accs, accountID)
		if err != nil {
			return mailboxRef{}, err
		}
		accs = []nextcloud.MailAccount{a}
	}
	id, numeric := strconv.Atoi(spec)
	var found []mailboxRef
	for _, a := range accs {
		boxes, err := api.Mailboxes(ctx, a.ID)
		if err != nil {
			return mailboxRef{}, mailErr(err, "the mailboxes of account %d", a.ID)
		}
		for _, b := range boxes {
			if (numeric == nil && b.DatabaseID == id) || strings.EqualFold(b.Name, spec) || strings.EqualFold(string(b.SpecialRole), spec) {
				found = append(found, mailboxRef{ID: b.DatabaseID, Name: b.Name, AccountID: a.ID})
			}
		}
	}
	switch len(found) {
	case 0:
		return mailboxRef{}, inputErrorf("No mailbox %q: see the names and ids with nc_mail_list_mailboxes", spec)
	case 1:
		return found[0], nil
	}
	return mailboxRef{}, inputErrorf("Mailbox %q exists in several accounts: pass account_id (%s)", spec, mailAccountList(accs))
}

// mailAddr renders an address as "Name <email>", or just the email.
func mailAddr(a nextcloud.MailAddress) string {
	if a.Label == "" || strings.EqualFold(a.Label, a.Email) {
		return a.Email
	}
	return a.Label + " <" + a.Email + ">"
}

func mailAddrs(list []nextcloud.MailAddress) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, mailAddr(a))
	}
	return out
}

func mailFirst(list []nextcloud.MailAddress) string {
	if len(list) == 0 {
		return ""
	}
	return mailAddr(list[0])
}

// mailParseAddrs reads "Name <a@b>" or "a@b" entries.
func mailParseAddrs(arg string, list []string) ([]nextcloud.MailAddress, error) {
	out := make([]nextcloud.MailAddress, 0, len(list))
	for _, s := range list {
		a, err := mail.ParseAddress(strings.TrimSpace(s))
		if err != nil {
			return nil, inputErrorf("%s: %q is not a mail address; write it like alice@example.com or Alice <alice@example.com>", arg, s)
		}
		out = append(out, nextcloud.MailAddress{Label: a.Name, Email: a.Address})
	}
	return out, nil
}

// mailMessageSummary is a message in a list.
type mailMessageSummary struct {
	ID          int    `json:"id" jsonschema_description:"Message id; changes when the message is moved or deleted."`
	Subject     string `json:"subject"`
	From        string `json:"from"`
	Date        string `json:"date"`
	Unread      bool   `json:"unread,omitempty"`
	Flagged     bool   `json:"flagged,omitempty"`
	Important   bool   `json:"important,omitempty"`
	Answered    bool   `json:"answered,omitempty"`
	Attachments bool   `json:"attachments,omitempty"`
	Preview     string `json:"preview,omitempty"`
	MailboxID   int    `json:"mailbox_id,omitempty"`
}

func mailSummary(e nextcloud.MailEnvelope, withMailbox bool) mailMessageSummary {
	s := mailMessageSummary{ID: e.DatabaseID, Subject: e.Subject, From: mailFirst(e.From), Date: unixRFC3339(e.DateInt),
		Unread: !e.Flags.Seen, Flagged: e.Flags.Flagged, Important: e.Flags.Important, Answered: e.Flags.Answered,
		Attachments: e.Flags.HasAttachments, Preview: clipText(strings.Join(strings.Fields(e.PreviewText), " "), 120)}
	if withMailbox {
		s.MailboxID = e.MailboxID
	}
	return s
}

// mailRoleOrder sorts mailboxes as mail clients show them.
func mailRoleOrder(role nextcloud.MailRole) int {
	switch role {
	case "inbox":
		return 0
	case "drafts":
		return 1
	case "sent":
		return 2
	case "archive":
		return 3
	case "junk":
		return 4
	case "trash":
		return 5
	}
	return 6
}

func sortMailboxes(boxes []nextcloud.MailMailbox) {
	sort.SliceStable(boxes, func(i, j int) bool {
		oi, oj := mailRoleOrder(boxes[i].SpecialRole), mailRoleOrder(boxes[j].SpecialRole)
		if oi != oj {
			return oi < oj
		}
		return strings.ToLower(boxes[i].Name) < strings.ToLower(boxes[j].Name)
	})
}

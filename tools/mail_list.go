package tools

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

type mailAccountOut struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type mailListAccountsOut struct {
	Accounts []mailAccountOut `json:"accounts"`
}

func mailListAccountsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_list_accounts",
		Title:       "List mail accounts",
		Description: "List the user's mail accounts in Nextcloud Mail, with ids and addresses.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ struct{}) (mailListAccountsOut, error) {
		accs, err := call.Client.Mail().Accounts(ctx)
		if err != nil {
			return mailListAccountsOut{}, mailErr(err, "the mail account list")
		}
		out := mailListAccountsOut{Accounts: []mailAccountOut{}}
		for _, a := range accs {
			out.Accounts = append(out.Accounts, mailAccountOut{ID: a.ID, Name: a.Name, Email: a.EmailAddress})
		}
		return out, nil
	})
}

type mailListMailboxesIn struct {
	AccountID int `json:"account_id,omitempty"`
}

type mailMailboxOut struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role,omitempty"`
	Unread    int    `json:"unread,omitempty"`
	AccountID int    `json:"account_id"`
}

type mailListMailboxesOut struct {
	Mailboxes []mailMailboxOut `json:"mailboxes"`
}

func mailListMailboxesTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_list_mailboxes",
		Title:       "List mailboxes",
		Description: "List mail folders with ids, roles (inbox, sent, trash...) and unread counts.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in mailListMailboxesIn) (mailListMailboxesOut, error) {
		api := call.Client.Mail()
		accs, err := mailAccounts(ctx, api)
		if err != nil {
			return mailListMailboxesOut{}, err
		}
		if in.AccountID != 0 {
			a, err := mailPickAccount(accs, in.AccountID)
			if err != nil {
				return mailListMailboxesOut{}, err
			}
			accs = []nextcloud.MailAccount{a}
		}
		out := mailListMailboxesOut{Mailboxes: []mailMailboxOut{}}
		for _, a := range accs {
			boxes, err := api.Mailboxes(ctx, a.ID)
			if err != nil {
				return mailListMailboxesOut{}, mailErr(err, "the mailboxes of account %d", a.ID)
			}
			sortMailboxes(boxes)
			for _, b := range boxes {
				out.Mailboxes = append(out.Mailboxes, mailMailboxOut{ID: b.DatabaseID, Name: b.Name, Role: string(b.SpecialRole), Unread: b.Unread, AccountID: a.ID})
			}
		}
		return out, nil
	})
}

type mailListMessagesIn struct {
	Mailbox    string `json:"mailbox" jsonschema:"name (INBOX, Projects/Alpha), role or id"`
	AccountID  int    `json:"account_id,omitempty" jsonschema:"when names repeat across accounts"`
	Query      string `json:"query,omitempty" jsonschema:"words in subject or body; also from: to: is:starred"`
	UnreadOnly bool   `json:"unread_only,omitempty"`
	Limit      int    `json:"limit,omitempty" jsonschema:"1-100 (default 20)"`
	Cursor     string `json:"cursor,omitempty"`
}

func (in *mailListMessagesIn) Validate() error {
	if strings.TrimSpace(in.Mailbox) == "" {
		return inputErrorf("mailbox is required: a name like INBOX or an id from nc_mail_list_mailboxes")
	}
	if in.Limit < 0 || in.Limit > 100 {
		return inputErrorf("limit must be between 1 and 100")
	}
	return nil
}

type mailListMessagesOut struct {
	Mailbox    mailboxRef           `json:"mailbox"`
	Messages   []mailMessageSummary `json:"messages"`
	NextCursor string               `json:"next_cursor,omitempty" jsonschema_description:"Pass as cursor for the next page; absent on the last."`
}

func mailListMessagesTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_mail_list_messages",
		Title:       "List messages",
		Description: "List a mailbox newest first, one entry per thread, after syncing it.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in mailListMessagesIn) (mailListMessagesOut, error) {
		api := call.Client.Mail()
		filter, err := nextcloud.MailFilter(in.Query, in.UnreadOnly)
		if err != nil {
			return mailListMessagesOut{}, inputErrorf("query: %v", err)
		}
		var cur *mailCursor
		if in.Cursor != "" {
			if cur, err = decodeMailCursor(in.Cursor, filter); err != nil {
				return mailListMessagesOut{}, err
			}
		}
		var box mailboxRef
		if cur != nil {
			box = mailboxRef{ID: cur.Mailbox, Name: cur.Name, AccountID: cur.Account}
			if !cur.sameMailbox(in.Mailbox) {
				return mailListMessagesOut{}, inputErrorf("cursor belongs to mailbox %q, not %q: leave cursor out to list %q", cur.Name, in.Mailbox, in.Mailbox)
			}
		} else if box, err = mailResolveMailbox(ctx, api, in.AccountID, in.Mailbox); err != nil {
			return mailListMessagesOut{}, err
		}
		limit := in.Limit
		if limit == 0 {
			limit = 20
		}
		page, next, err := mailPage(ctx, call, api, box, filter, limit, cur)
		if err != nil {
			return mailListMessagesOut{}, err
		}
		out := mailListMessagesOut{Mailbox: box, Messages: []mailMessageSummary{}}
		for _, e := range page {
			out.Messages = append(out.Messages, mailSummary(e, false))
		}
		if next != nil {
			out.NextCursor = next.encode()
		}
		return out, nil
	})
}

// mailCursor continues a listing. Mail's own cursor is a second (dateInt)
// and its next page is strictly older, so messages sharing the last
// second would be skipped (mail/09). This cursor asks for that second again
// and leaves out the messages already returned from it.
type mailCursor struct {
	Mailbox int    `json:"m"`
	Account int    `json:"a"`
	Name    string `json:"n"`
	Filter  string `json:"f"`
	Second  int64  `json:"t"`
	Seen    []int  `json:"s"`
}

// sameMailbox reports whether spec (name, role or id) may name the cursor's
// mailbox; a role cannot be checked without a lookup and is taken as given.
func (c *mailCursor) sameMailbox(spec string) bool {
	spec = strings.TrimSpace(spec)
	if id, err := strconv.Atoi(spec); err == nil {
		return id == c.Mailbox
	}
	switch strings.ToLower(spec) {
	case "inbox", "sent", "drafts", "trash", "junk", "archive":
		return true
	}
	return strings.EqualFold(spec, c.Name)
}

func (c *mailCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeMailCursor(s, filter string) (*mailCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c mailCursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.Mailbox == 0 {
		return nil, inputErrorf("cursor is not one nc_mail_list_messages returned: leave it out to start from the newest")
	}
	if c.Filter != filter {
		return nil, inputErrorf("cursor belongs to a listing with another query or unread_only: repeat those, or leave cursor out")
	}
	return &c, nil
}

// mailPage fetches one page. The first page syncs the mailbox first, as the
// app requires: a mailbox never synced is filled (init), otherwise the
// page's ids are synced and the page is read again when anything changed.
func mailPage(ctx context.Context, call *Call, api *nextcloud.MailAPI, box mailboxRef, filter string, limit int, cur *mailCursor) ([]nextcloud.MailEnvelope, *mailCursor, error) {
	opts := nextcloud.MailListOptions{Limit: limit + 1, Filter: filter}
	if cur != nil {
		opts.Cursor = cur.Second + 1
		opts.Limit += len(cur.Seen)
	}
	list, err := api.Messages(ctx, box.ID, opts)
	if errors.Is(err, nextcloud.ErrMailboxNotCached) {
		if err := mailSyncInit(ctx, call, api, box); err != nil {
			return nil, nil, err
		}
		list, err = api.Messages(ctx, box.ID, opts)
	} else if err == nil && cur == nil {
		var changed bool
		if changed, err = mailSyncKnown(ctx, call, api, box, list); err == nil && changed {
			list, err = api.Messages(ctx, box.ID, opts)
		}
	}
	if err != nil {
		return nil, nil, mailErr(err, "mailbox %q", box.Name)
	}
	var page []nextcloud.MailEnvelope
	for _, e := range list {
		if cur != nil && e.DateInt == cur.Second && slices.Contains(cur.Seen, e.DatabaseID) {
			continue
		}
		page = append(page, e)
	}
	if len(page) <= limit {
		return page, nil, nil
	}
	page = page[:limit]
	last := page[limit-1].DateInt
	next := &mailCursor{Mailbox: box.ID, Account: box.AccountID, Name: box.Name, Filter: filter, Second: last}
	if cur != nil && cur.Second == last {
		next.Seen = append(next.Seen, cur.Seen...)
	}
	for _, e := range page {
		if e.DateInt == last {
			next.Seen = append(next.Seen, e.DatabaseID)
		}
	}
	return page, next, nil
}

// mailSyncInit fills the cache of a mailbox never synced; a large mailbox
// takes several rounds.
func mailSyncInit(ctx context.Context, call *Call, api *nextcloud.MailAPI, box mailboxRef) error {
	for round := 1; ; round++ {
		call.Progress(ctx, float64(round), 0, "syncing mailbox "+box.Name)
		_, err := api.Sync(ctx, box.ID, nil, true)
		if errors.Is(err, nextcloud.ErrMailSyncIncomplete) && round < 10 {
			continue
		}
		return mailErr(err, "the sync of mailbox %q", box.Name)
	}
}

// mailSyncKnown syncs a mailbox whose cache exists, telling the app which
// messages this page holds so that the answer stays small. It reports
// whether anything arrived or vanished.
func mailSyncKnown(ctx context.Context, call *Call, api *nextcloud.MailAPI, box mailboxRef, held []nextcloud.MailEnvelope) (bool, error) {
	ids := make([]int, 0, len(held))
	for _, e := range held {
		ids = append(ids, e.DatabaseID)
	}
	if len(ids) == 0 {
		// With no ids the app would send the whole mailbox back: hold the newest message instead.
		newest, err := api.Messages(ctx, box.ID, nextcloud.MailListOptions{Limit: 1})
		if err != nil {
			return false, err
		}
		for _, e := range newest {
			ids = append(ids, e.DatabaseID)
		}
	}
	for round := 1; ; round++ {
		res, err := api.Sync(ctx, box.ID, ids, false)
		switch {
		case errors.Is(err, nextcloud.ErrMailboxNotCached):
			return true, mailSyncInit(ctx, call, api, box)
		case errors.Is(err, nextcloud.ErrMailSyncIncomplete) && round < 10:
			continue
		case err != nil:
			return false, err
		}
		return len(res.NewMessages) > 0 || len(res.VanishedMessages) > 0 || len(ids) == 0, nil
	}
}

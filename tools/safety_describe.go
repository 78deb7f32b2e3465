package tools

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// confirmers put each irreversible (or conditional) tool's call into one
// short question naming exactly what goes. A tool without one is asked
// about by name and targets (TestSafetyClassesComplete requires one).
func confirmers() map[string]confirmer {
	return map[string]confirmer{
		"nc_contacts_delete_contact":     confirmDeleteContact,
		"nc_contacts_delete_addressbook": confirmDeleteAddressBook,
		"nc_tables_delete_row":           confirmDeleteRow,
		"nc_sharing_delete":              confirmDeleteShare,
		"nc_sharing_create":              confirmCreateShare,
		"nc_sharing_create_link":         confirmCreateLink,
		"nc_mail_send":                   confirmMailSend,
		"nc_mail_reply":                  confirmMailReply,
		"nc_mail_delete":                 confirmMailDelete,
		"nc_talk_send_message":           confirmTalkSend,
		"nc_notifications_dismiss":       confirmDismiss,
		"nc_news_remove_feed":            confirmRemoveFeed,
		"nc_deck_delete_label":           confirmDeleteLabel,
		"nc_deck_delete_comment":         confirmDeleteComment,
		"nc_bookmarks_delete":            confirmDeleteBookmark,
		"nc_webdav_download_file":        confirmDownloadOverwrite,
	}
}

// args reads a call's arguments loosely: the input schema has checked them.
type args map[string]any

func (a args) str(k string) string {
	switch v := a[k].(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	}
	return ""
}

func (a args) num(k string) int {
	n, _ := strconv.Atoi(a.str(k))
	return n
}

func (a args) flag(k string) bool { b, _ := a[k].(bool); return b }

func (a args) strs(k string) []string {
	var out []string
	if l, ok := a[k].([]any); ok {
		for _, v := range l {
			if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
	}
	return out
}

// quote shortens user text for a question and quotes it.
func quote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return "“" + s + "”"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func confirmDeleteContact(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	book, obj, err := findContact(ctx, c, a.str("addressbook"), a.str("uid"))
	if err != nil {
		return "", false, err
	}
	name := obj.Card.PreferredValue("FN")
	if name == "" {
		name = a.str("uid")
	}
	return fmt.Sprintf("Delete the contact %s from the address book %s for good?", quote(name), quote(bookName(book))), true, nil
}

func bookName(b nextcloud.AddressBook) string {
	if b.DisplayName != "" {
		return b.DisplayName
	}
	return b.Name
}

func confirmDeleteAddressBook(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	book, err := resolveAddressBook(ctx, c, a.str("name"))
	if err != nil {
		return "", false, err
	}
	n := -1
	ms, err := c.DAVRequest(ctx, "PROPFIND", book.Href, "1", nil,
		[]byte(`<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>`))
	if err == nil {
		n = max(len(ms.Responses)-1, 0)
	}
	q := "Delete the address book " + quote(bookName(book))
	if n >= 0 {
		q += " with " + plural(n, "contact", "contacts") + " in it"
	}
	return q + " for good?", true, nil
}

func confirmDeleteRow(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	api, err := c.TablesAPI(ctx)
	if err != nil {
		return "", false, err
	}
	id := a.num("row_id")
	row, err := api.Row(ctx, id)
	if err != nil {
		return "", false, err
	}
	table := "table " + strconv.Itoa(row.TableID)
	if t, err := api.Table(ctx, row.TableID); err == nil && t.Title != "" {
		table = "table " + quote(t.Title)
	}
	cols, _ := api.Columns(ctx, row.TableID)
	values := nextcloud.DecodeRow(cols, *row)
	keys := nextcloud.TableColumnKeys(cols)
	var cells []string
	for _, col := range cols {
		if v, ok := values[keys[col.ID]]; ok && v != nil && fmt.Sprint(v) != "" {
			cells = append(cells, col.Title+": "+fmt.Sprint(v))
		}
		if len(cells) == 3 {
			break
		}
	}
	q := fmt.Sprintf("Delete row %d", id)
	if len(cells) > 0 {
		q += " (" + strings.TrimSuffix(strings.TrimPrefix(quote(strings.Join(cells, ", ")), "“"), "”") + ")"
	}
	return q + " from " + table + " for good?", true, nil
}

func shareRecipient(s *nextcloud.Share) string {
	switch {
	case s.Type == nextcloud.ShareLink:
		return "everyone with the public link"
	case s.ShareWithName != "" && s.ShareWithName != s.ShareWith:
		return s.ShareWithName + " (" + s.ShareWith + ")"
	}
	return s.ShareWith
}

func confirmDeleteShare(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	s, err := c.GetShare(ctx, a.str("id"))
	if err != nil {
		return "", false, err
	}
	q := fmt.Sprintf("Stop sharing %s with %s?", quote(s.Path), shareRecipient(s))
	if s.Type == nextcloud.ShareLink {
		q += " The link stops working and cannot be made again."
	}
	return q, true, nil
}

func confirmCreateShare(_ context.Context, _ *nextcloud.Client, a args) (string, bool, error) {
	kind := a.str("type")
	if kind == "" {
		kind = "user"
	}
	access := "read"
	if p := a.strs("permissions"); len(p) > 0 {
		access = strings.Join(p, ", ")
	}
	return fmt.Sprintf("Share %s with %s %s (%s)? They can see it at once.", quote(a.str("path")), kind, quote(a.str("share_with")), access), true, nil
}

func confirmCreateLink(_ context.Context, _ *nextcloud.Client, a args) (string, bool, error) {
	access := a.str("access")
	if access == "" {
		access = "read"
	}
	q := fmt.Sprintf("Create a public link to %s (%s)? Anyone with the link can open it", quote(a.str("path")), access)
	if a.str("password") != "" {
		q += " with the password"
	}
	return q + ".", true, nil
}

func confirmMailSend(_ context.Context, _ *nextcloud.Client, a args) (string, bool, error) {
	to := append(append(a.strs("to"), a.strs("cc")...), a.strs("bcc")...)
	q := fmt.Sprintf("Send the mail %s to %s?", quote(a.str("subject")), strings.Join(to, ", "))
	if n := len(a.strs("attachments")); n > 0 {
		q = strings.TrimSuffix(q, "?") + " with " + plural(n, "attachment", "attachments") + "?"
	}
	return q, true, nil
}

func confirmMailReply(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	m, err := c.Mail().Message(ctx, a.num("message_id"))
	if err != nil {
		return "", false, err
	}
	to := mailAddresses(m.From)
	if len(m.ReplyTo) > 0 {
		to = mailAddresses(m.ReplyTo)
	}
	if a.flag("reply_all") {
		to = append(to, mailAddresses(append(m.To, m.Cc...))...)
		to = append(to, "(all recipients)")
	}
	return fmt.Sprintf("Send a reply to %s about %s?", strings.Join(to, ", "), quote(m.Subject)), true, nil
}

func mailAddresses(l []nextcloud.MailAddress) []string {
	var out []string
	for _, a := range l {
		out = append(out, a.Email)
	}
	return out
}

// confirmMailDelete asks only when the message is already in the Trash,
// where deleting expunges it.
func confirmMailDelete(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	api := c.Mail()
	m, err := api.Message(ctx, a.num("message_id"))
	if err != nil {
		return "", false, err
	}
	accs, err := api.Accounts(ctx)
	if err != nil {
		return "", false, err
	}
	for _, acc := range accs {
		if acc.ID == m.AccountID && acc.TrashMailboxID != 0 && acc.TrashMailboxID == m.MailboxID {
			from := strings.Join(mailAddresses(m.From), ", ")
			return fmt.Sprintf("Delete the mail %s from %s for good? It is already in the Trash.", quote(m.Subject), from), true, nil
		}
	}
	return "", false, nil
}

func confirmTalkSend(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	where := "conversation " + a.str("token")
	if conv, err := c.Conversation(ctx, a.str("token")); err == nil && conv.DisplayName != "" {
		where = quote(conv.DisplayName)
	}
	return fmt.Sprintf("Post %s in %s? Everyone in it can read it at once.", quote(a.str("message")), where), true, nil
}

func confirmDismiss(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	id := a.num("id")
	list, err := c.Notifications(ctx)
	if err != nil {
		return "", false, err
	}
	for _, n := range list {
		if n.ID == id {
			return fmt.Sprintf("Dismiss the %s notification %s? It cannot be shown again.", n.App, quote(n.Subject)), true, nil
		}
	}
	return "", false, &nextcloud.Error{Status: http.StatusNotFound}
}

func confirmRemoveFeed(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	id := a.num("feed_id")
	feeds, err := c.News().Feeds(ctx)
	if err != nil {
		return "", false, err
	}
	for _, f := range feeds.Feeds {
		if f.ID == id {
			q := "Unsubscribe from the feed " + quote(cmp.Or(f.Title, f.URL))
			q += " and delete its articles"
			if f.UnreadCount != nil && *f.UnreadCount > 0 {
				q += " (" + plural(*f.UnreadCount, "unread", "unread") + ")"
			}
			return q + ", starred ones included?", true, nil
		}
	}
	return "", false, &nextcloud.Error{Status: http.StatusNotFound}
}

func confirmDeleteLabel(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	l, err := c.Deck().Label(ctx, a.num("board_id"), a.num("label_id"))
	if err != nil {
		return "", false, err
	}
	return fmt.Sprintf("Delete the Deck label %s? It is removed from every card that has it.", quote(l.Title)), true, nil
}

func confirmDeleteComment(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	card, id := a.num("card_id"), a.num("comment_id")
	for offset := 0; offset < 1000; offset += 100 {
		list, err := c.Deck().Comments(ctx, card, 100, offset)
		if err != nil {
			return "", false, err
		}
		for _, cm := range list {
			if cm.ID == id {
				return fmt.Sprintf("Delete the comment %s on Deck card %d for good?", quote(cm.Message), card), true, nil
			}
		}
		if len(list) < 100 {
			break
		}
	}
	return "", false, &nextcloud.Error{Status: http.StatusNotFound}
}

func confirmDeleteBookmark(ctx context.Context, c *nextcloud.Client, a args) (string, bool, error) {
	b, err := c.Bookmarks().Bookmark(ctx, a.num("bookmark_id"))
	if err != nil {
		return "", false, err
	}
	return fmt.Sprintf("Delete the bookmark %s (%s) for good?", quote(cmp.Or(b.Title, b.URL)), b.URL), true, nil
}

// confirmDownloadOverwrite asks only when a local file may be replaced:
// local files have no trash bin.
func confirmDownloadOverwrite(_ context.Context, _ *nextcloud.Client, a args) (string, bool, error) {
	if !a.flag("overwrite") {
		return "", false, nil
	}
	return fmt.Sprintf("Download %s and replace what is at the local path %s? A replaced local file cannot be recovered.", quote(a.str("path")), quote(a.str("local_path"))), true, nil
}

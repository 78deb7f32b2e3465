package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"net/mail"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Delimiters around untrusted text in text content. Brackets that rarely
// occur in writing, so a quoted delimiter inside the text is neutralised
// rather than mistaken for the end.
const (
	untrustedOpen  = "⟦untrusted "
	untrustedClose = "⟧"
	untrustedEnd   = "⟦/untrusted⟧"
)

// Author kinds that --lockdown withholds.
const (
	kindGuest        = "guest"
	kindFederated    = "federated"
	kindPublicUpload = "public-upload"
	// kindAnonymous: an action without an account behind it (through a
	// public link or from another server), which the activity stream
	// reports without a user.
	kindAnonymous = "anonymous"
)

// untrustedSource says where a tool's result carries text written by
// someone other than the signed-in user.
type untrustedSource struct {
	// Items is where the items are: "" for the result itself, "messages[]"
	// for each element of an array, "last_message" for a nested object,
	// joined with dots ("conversations[].last_message").
	Items string
	// Author is the item's field (dotted path) holding the author's user id
	// or address; an empty author means the user.
	Author string
	// Addresses: Author holds an email address.
	Addresses bool
	// Text are the fields (paths below the item) holding what the author
	// wrote; strings and arrays of strings.
	Text []string
	// Always: every item is by someone else, whatever Author says (feeds).
	Always bool
	// unknown, when set, says of an item that it does not name who wrote
	// it, so it counts as someone else's (author=unknown).
	unknown func(item map[string]any) bool
	// kind tells guests, federated users and public uploads apart, for --lockdown.
	kind func(item map[string]any) string
	// lookup finds the authors when the result does not carry them (files
	// and notes: the owner), for all items at once and in their order; each
	// is stored in its item under AddAuthor.
	lookup    func(ctx context.Context, c *nextcloud.Client, a args, items []map[string]any, lockdown bool) []authorship
	AddAuthor string
	// wrap, when set, says whether the item's text is text (not base64).
	wrap func(item map[string]any) bool
}

// untrustedSources is the one table of tools whose results carry other
// people's text.
func untrustedSources() map[string]untrustedSource {
	talk := func(items string) untrustedSource {
		return untrustedSource{Items: items, Author: "author_id", Text: []string{"text"}, kind: talkKind}
	}
	event := func(items string) untrustedSource {
		return untrustedSource{Items: items, Author: "organizer", Addresses: true, Text: []string{"title", "description", "location"}}
	}
	return map[string]untrustedSource{
		"nc_talk_read_messages":      talk("messages[]"),
		"nc_talk_list_conversations": talk("conversations[].last_message"),
		"nc_talk_get_conversation":   talk("last_message"),
		"nc_deck_list_comments":      {Items: "comments[]", Author: "author", Text: []string{"message"}},
		"nc_calendar_list_events":    event("events[]"),
		"nc_calendar_get_event":      event(""),
		"nc_mail_get_message":        {Items: "", Author: "from", Addresses: true, Text: []string{"subject", "body"}},
		"nc_mail_list_messages":      {Items: "messages[]", Author: "from", Addresses: true, Text: []string{"subject", "preview"}},
		"nc_mail_get_attachment":     {Items: "", Always: true, Text: []string{"text"}},
		"nc_news_list_items":         {Items: "items[]", Author: "author", Always: true, Text: []string{"title", "text"}},
		"nc_collectives_read_page":   {Items: "", Author: "page.last_editor", Text: []string{"content"}},
		"nc_forms_list_submissions":  {Items: "submissions[]", Author: "respondent_id", Text: []string{"answers[].values"}, kind: formsKind},
		"nc_webdav_read_file": {Items: "", AddAuthor: "owner_id", Text: []string{"content"}, lookup: fileOwnerLookup,
			wrap: func(item map[string]any) bool { return item["encoding"] == "text" }},
		"nc_notes_get_note":     {Items: "", AddAuthor: "owner_id", Text: []string{"title", "content"}, lookup: noteOwners},
		"nc_notes_search_notes": {Items: "results[]", AddAuthor: "owner_id", Text: []string{"title", "snippet"}, lookup: noteOwners},
		// The index keeps who wrote each file and event (owner, organiser).
		"nc_search_content":     {Items: "hits[]", Addresses: true, Text: []string{"title", "snippet"}, lookup: hitAuthors},
		"nc_notifications_list": {Items: "notifications[]", Author: "actor", Text: []string{"subject", "message"}, kind: actorTypeKind},
		// An activity without a user came through a public link or from
		// another server.
		"nc_activity_list": {Items: "activities[]", Author: "user", Text: []string{"subject", "message"}, unknown: noActivityUser,
			kind: func(item map[string]any) string {
				if noActivityUser(item) {
					return kindAnonymous
				}
				return ""
			}},
		// Nextcloud's search names no authors; the providers that quote
		// what people wrote count as someone else's.
		"nc_search_unified": {Items: "results[]", Text: []string{"title", "subline"}, unknown: quotingProvider},
	}
}

// noActivityUser: the activity names no user (omitted when empty).
func noActivityUser(item map[string]any) bool {
	u, _ := item["user"].(string)
	return u == ""
}

// actorTypeKind reads a notification's actor_type.
func actorTypeKind(item map[string]any) string {
	switch item["actor_type"] {
	case nextcloud.ActorGuest:
		return kindGuest
	case nextcloud.ActorFederated:
		return kindFederated
	}
	return ""
}

// quotingProvider: unified-search providers whose title or subline is a
// message, comment or mail someone wrote (Talk messages, file and card
// comments, mail, collective pages).
func quotingProvider(item map[string]any) bool {
	p, _ := item["provider"].(string)
	switch {
	case p == "comments", p == "search-deck-comment", p == "mail",
		strings.HasPrefix(p, "talk-message"), strings.HasPrefix(p, "collectives-page"):
		return true
	}
	return false
}

// authorship is what a lookup found out about one item.
type authorship struct {
	author, kind string
	// unknown: the lookup failed, so the item counts as someone else's.
	unknown bool
}

// fileOwnerLookup is fileOwner for the file a read names.
func fileOwnerLookup(ctx context.Context, c *nextcloud.Client, a args, items []map[string]any, lockdown bool) []authorship {
	author, kind, err := fileOwner(ctx, c, a, lockdown)
	out := make([]authorship, len(items))
	for i := range out {
		out[i] = authorship{author: author, kind: kind, unknown: err != nil}
	}
	return out
}

func talkKind(item map[string]any) string {
	switch item["author_type"] {
	case "guests", "emails":
		return kindGuest
	case "federated_users":
		return kindFederated
	}
	return ""
}

// hitAuthors reads the author the index kept with each content-search hit
// (a file's owner, an event's organiser). Only --lockdown asks for more:
// once, which folders take uploads through a public link, since a hit
// there is the user's own file with anyone's words in it.
func hitAuthors(ctx context.Context, c *nextcloud.Client, _ args, items []map[string]any, lockdown bool) []authorship {
	out := make([]authorship, len(items))
	var uploads []string
	asked, known := false, false
	for i, it := range items {
		out[i].author, _ = it["author"].(string)
		if !lockdown || it["app"] != "files" {
			continue
		}
		if strings.Contains(out[i].author, "@") {
			out[i].kind = kindFederated
			continue
		}
		if !asked {
			var err error
			uploads, err = c.PublicUploadFolders(ctx)
			asked, known = true, err == nil
		}
		if !known {
			out[i].unknown = true
			continue
		}
		if p, _ := it["path"].(string); inAnyFolder(p, uploads) {
			out[i].kind = kindPublicUpload
		}
	}
	return out
}

// formsKind: answers through a public link come from "anon-user-…" ids.
func formsKind(item map[string]any) string {
	if id, _ := item["respondent_id"].(string); strings.HasPrefix(id, "anon-user-") {
		return kindGuest
	}
	return ""
}

// fileOwner finds a file's owner and, for --lockdown, whether it comes from
// another server or from a folder that takes uploads through a public link.
func fileOwner(ctx context.Context, c *nextcloud.Client, a args, lockdown bool) (string, string, error) {
	o, err := c.FileOwner(ctx, a.str("path"))
	if err != nil {
		return "", "", err
	}
	if !lockdown {
		return o.OwnerID, "", nil
	}
	if o.Federated() {
		return o.OwnerID, kindFederated, nil
	}
	folders, err := c.PublicUploadFolders(ctx)
	if err != nil {
		return "", "", err
	}
	p, err := nextcloud.DisplayPath(a.str("path"))
	if err != nil {
		return "", "", err
	}
	if inAnyFolder(p, folders) {
		return o.OwnerID, kindPublicUpload, nil
	}
	return o.OwnerID, "", nil
}

// inAnyFolder reports whether p lies inside one of folders.
func inAnyFolder(p string, folders []string) bool {
	for _, f := range folders {
		if strings.HasPrefix(p, strings.TrimSuffix(f, "/")+"/") {
			return true
		}
	}
	return false
}

// markUntrusted marks the items of a successful result that other people
// wrote: untrusted: true in the structured content, delimiters in the text,
// and under --lockdown their text withheld.
func (g *guard) markUntrusted(ctx context.Context, tool string, req mcp.CallToolRequest, res *mcp.CallToolResult) *mcp.CallToolResult {
	src, ok := g.sources[tool]
	if !ok || res == nil || res.IsError || res.StructuredContent == nil {
		return res
	}
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return res
	}
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&root) != nil || root["not_done"] == true {
		return res
	}
	c, err := g.deps.Factory.Client(ctx)
	if err != nil {
		return res
	}
	me, err := g.whoAmI(ctx, c, src.Addresses)
	if err != nil {
		// Not knowing who the user is, everything counts as someone else's.
		me = &identity{}
	}
	type marked struct {
		item   map[string]any
		author string
	}
	var found []marked
	withheld, changed := false, false
	var items []map[string]any
	eachAt(root, src.Items, func(item map[string]any) { items = append(items, item) })
	var looked []authorship
	if src.lookup != nil && len(items) > 0 {
		looked = src.lookup(ctx, c, args(req.GetArguments()), items, g.safety.Lockdown)
	}
	for len(looked) < len(items) && src.lookup != nil {
		looked = append(looked, authorship{unknown: true})
	}
	for i, item := range items {
		author, kind, unknown := "", "", false
		if src.lookup != nil {
			author, kind, unknown = looked[i].author, looked[i].kind, looked[i].unknown
			if src.AddAuthor != "" && !unknown {
				item[src.AddAuthor] = author
				changed = true
			}
		} else if src.Author != "" {
			author = stringAt(item, src.Author)
		}
		if src.unknown != nil && src.unknown(item) {
			unknown = true
		}
		if src.kind != nil {
			kind = src.kind(item)
		}
		mine := author == "" || me.isMe(authorAddress(author, src.Addresses))
		if mine && !unknown && kind != kindPublicUpload {
			// The user's own items are not a guest's, whatever the app says;
			// but what lands in their upload folder came from anyone.
			kind = ""
		}
		if mine && !unknown && !src.Always && kind == "" {
			continue
		}
		item["untrusted"] = true
		changed = true
		if g.safety.Lockdown && kind != "" {
			for _, f := range src.Text {
				clearAt(item, f)
			}
			item["withheld"] = withheldNote(kind, author)
			withheld = true
			continue
		}
		if src.wrap == nil || src.wrap(item) {
			found = append(found, marked{item, author})
		}
	}
	if !changed {
		return res
	}
	structured, err := json.Marshal(root)
	if err != nil {
		return res
	}
	for _, m := range found {
		for _, f := range src.Text {
			wrapAt(m.item, f, m.author)
		}
	}
	text, err := marshalNoEscape(root)
	if err != nil {
		return res
	}
	out := *res
	out.StructuredContent = json.RawMessage(structured)
	out.Content = nil
	for _, ct := range res.Content {
		if tc, ok := ct.(mcp.TextContent); ok && tc.Text == string(raw) {
			tc.Text = text
			out.Content = append(out.Content, tc)
			continue
		}
		if _, isImage := ct.(mcp.ImageContent); isImage && withheld {
			continue
		}
		out.Content = append(out.Content, ct)
	}
	return &out
}

// authorAddress takes the address out of "Name <a@b>" when the author is
// an address.
func authorAddress(author string, address bool) string {
	if !address {
		return author
	}
	if a, err := mail.ParseAddress(nextcloud.CalAddressEmail(author)); err == nil {
		return a.Address
	}
	return author
}

func withheldNote(kind, author string) string {
	who := map[string]string{kindGuest: "a guest", kindFederated: "a user of another server", kindPublicUpload: "someone uploading through a public link",
		kindAnonymous: "someone without an account here (a public link or another server)"}[kind]
	if author != "" && kind != kindPublicUpload {
		who += " (" + author + ")"
	}
	return "Withheld by --lockdown: written by " + who + "."
}

// eachAt calls fn for every object the path names.
func eachAt(v any, path string, fn func(map[string]any)) {
	if path == "" {
		if m, ok := v.(map[string]any); ok {
			fn(m)
		}
		return
	}
	seg, rest, _ := strings.Cut(path, ".")
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	if name, isArray := strings.CutSuffix(seg, "[]"); isArray {
		list, _ := m[name].([]any)
		for _, el := range list {
			eachAt(el, rest, fn)
		}
		return
	}
	if next, ok := m[seg]; ok && next != nil {
		eachAt(next, rest, fn)
	}
}

// stringAt reads the string at a dotted path.
func stringAt(m map[string]any, path string) string {
	var v any = m
	for seg := range strings.SplitSeq(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[seg]
	}
	s, _ := v.(string)
	return s
}

// updateStrings replaces every string the path (below item) names.
func updateStrings(item map[string]any, path string, fn func(string) any) {
	seg, rest, more := strings.Cut(path, ".")
	name, isArray := strings.CutSuffix(seg, "[]")
	v, ok := item[name]
	if !ok {
		return
	}
	if isArray && more {
		list, _ := v.([]any)
		for _, el := range list {
			if m, ok := el.(map[string]any); ok {
				updateStrings(m, rest, fn)
			}
		}
		return
	}
	if more {
		if m, ok := v.(map[string]any); ok {
			updateStrings(m, rest, fn)
		}
		return
	}
	switch x := v.(type) {
	case string:
		if x != "" {
			item[name] = fn(x)
		}
	case []any:
		for i, el := range x {
			if s, ok := el.(string); ok && s != "" {
				x[i] = fn(s)
			}
		}
	}
}

func clearAt(item map[string]any, path string) {
	updateStrings(item, path, func(string) any { return "" })
}

func wrapAt(item map[string]any, path, author string) {
	updateStrings(item, path, func(s string) any { return wrapUntrusted(s, author) })
}

// wrapUntrusted puts delimiters around text; delimiters inside it lose
// their brackets so they cannot end the span early.
func wrapUntrusted(s, author string) string {
	s = strings.NewReplacer("⟦", "[", "⟧", "]").Replace(s)
	who := "author=" + author
	if author == "" {
		who = "author=unknown"
	}
	return untrustedOpen + who + untrustedClose + s + untrustedEnd
}

func marshalNoEscape(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// withRestoreHint adds restore_with to a reversible delete's result.
func withRestoreHint(res *mcp.CallToolResult, tool string) *mcp.CallToolResult {
	raw, err := json.Marshal(res.StructuredContent)
	if err != nil {
		return res
	}
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&root) != nil || root["not_done"] == true {
		return res
	}
	root["restore_with"] = tool
	b, err := json.Marshal(root)
	if err != nil {
		return res
	}
	out := *res
	out.StructuredContent = json.RawMessage(b)
	out.Content = nil
	for _, ct := range res.Content {
		if tc, ok := ct.(mcp.TextContent); ok && tc.Text == string(raw) {
			tc.Text = string(b)
		}
		out.Content = append(out.Content, ct)
	}
	return &out
}

package ncfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// --- envelopes ----------------------------------------------------------------

func addrsJSON(as []mailAddr) []any {
	out := []any{}
	for _, a := range as {
		out = append(out, map[string]any{"label": a.Label, "email": a.Email})
	}
	return out
}

func importantTag(user string) map[string]any {
	return map[string]any{"id": 1, "userId": user, "displayName": "Important", "imapLabel": "$label1", "color": "#FF7A66", "isDefaultTag": true}
}

func (m *mailMsg) flagsJSON() map[string]any {
	f := map[string]any{"hasAttachments": len(m.attachments) > 0, "important": m.important}
	for _, k := range []string{"seen", "flagged", "answered", "deleted", "draft", "forwarded", "$junk", "$notjunk", "mdnsent"} {
		f[k] = m.flags[k]
	}
	return f
}

// previewText is the start of the text, newlines widened as Mail's preview shows them.
func (m *mailMsg) previewText() string {
	t := m.text
	if t == "" {
		t = htmlToPreview(m.html)
	}
	t = strings.ReplaceAll(t, "\n", "  ")
	if r := []rune(t); len(r) > 100 {
		t = string(r[:100])
	}
	return t
}

// htmlToPreview drops tags: good enough for a preview line.
func htmlToPreview(h string) string {
	var b strings.Builder
	in := false
	for _, r := range h {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func (a *mailApp) envelopeJSON(m *mailMsg, user string) map[string]any {
	var tags any = []any{}
	if m.important {
		tags = map[string]any{"$label1": importantTag(user)}
	}
	var inReplyTo any
	if m.inReplyTo != "" {
		inReplyTo = m.inReplyTo
	}
	refs := m.references
	if refs == nil {
		refs = []string{}
	}
	return map[string]any{
		"databaseId": m.dbID, "uid": m.uid, "subject": m.subject, "dateInt": m.date, "flags": m.flagsJSON(), "tags": tags,
		"from": addrsJSON(m.from), "to": addrsJSON(m.to), "cc": addrsJSON(m.cc), "bcc": addrsJSON(m.bcc),
		"mailboxId": m.mailboxID, "messageId": m.messageID, "inReplyTo": inReplyTo, "references": refs,
		"threadRootId": m.threadRoot, "imipMessage": false, "previewText": m.previewText(), "encrypted": false,
	}
}

// --- listing ------------------------------------------------------------------------

// cachedIn returns the cached messages of a mailbox, newest first.
func (a *mailApp) cachedIn(mb *mailMailbox) []*mailMsg {
	var out []*mailMsg
	for _, m := range a.cached {
		if m.mailboxID == mb.id {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].date != out[j].date {
			return out[i].date > out[j].date
		}
		return out[i].dbID > out[j].dbID
	})
	return out
}

// threadHeads keeps the newest message of each thread (mail/08: 11 messages, 9 entries).
func threadHeads(newestFirst []*mailMsg) []*mailMsg {
	seen := map[string]bool{}
	var out []*mailMsg
	for _, m := range newestFirst {
		if m.threadRoot != "" {
			if seen[m.threadRoot] {
				continue
			}
			seen[m.threadRoot] = true
		}
		out = append(out, m)
	}
	return out
}

func (a *mailApp) listMessages(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	id, _ := strconv.Atoi(q.Get("mailboxId"))
	mb := a.mailboxOf(u, id)
	if mb == nil {
		mailClientError(w, "ClientException", fmt.Sprintf("Mailbox %d does not exist", id))
		return
	}
	if !mb.cached {
		mailClientError(w, "MailboxNotCachedException", fmt.Sprintf("mailbox %d is not cached", id))
		return
	}
	match := parseMailFilter(q.Get("filter"))
	cursor, hasCursor := int64(0), false
	if c := q.Get("cursor"); c != "" {
		if n, err := strconv.ParseInt(c, 10, 64); err == nil {
			cursor, hasCursor = n, true
		}
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	out := []any{}
	for _, m := range threadHeads(a.cachedIn(mb)) {
		// The next page is dateInt < cursor, strictly: entries sharing the
		// cursor's second are skipped (mail/09).
		if hasCursor && m.date >= cursor {
			continue
		}
		if !match(m) {
			continue
		}
		out = append(out, a.envelopeJSON(m, u.ID))
		if limit > 0 && len(out) == limit {
			break
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// parseMailFilter reads Mail's filter string: space-separated key:value
// tokens, values percent-encoded. Different keys are AND-ed except subject
// and body, which are OR-ed with each other; a repeated key OR-s its values;
// text without a key is ignored.
func parseMailFilter(filter string) func(*mailMsg) bool {
	byKey := map[string][]string{}
	for _, tok := range strings.Fields(filter) {
		k, v, ok := strings.Cut(tok, ":")
		if !ok {
			continue
		}
		if dec, err := url.QueryUnescape(v); err == nil {
			v = dec
		}
		byKey[strings.ToLower(k)] = append(byKey[strings.ToLower(k)], v)
	}
	contains := func(hay, needle string) bool {
		return strings.Contains(strings.ToLower(hay), strings.ToLower(needle))
	}
	addrMatch := func(as []mailAddr, vals []string) bool {
		for _, v := range vals {
			for _, a := range as {
				if contains(a.Email, v) || contains(a.Label, v) {
					return true
				}
			}
		}
		return false
	}
	flag := func(m *mailMsg, name string) bool {
		switch name {
		case "unread":
			return !m.flags["seen"]
		case "read":
			return m.flags["seen"]
		case "starred":
			return m.flags["flagged"]
		case "important":
			return m.important
		case "answered":
			return m.flags["answered"]
		}
		return false
	}
	return func(m *mailMsg) bool {
		for k, vals := range byKey {
			ok := true
			switch k {
			case "is", "not":
				ok = false
				for _, v := range vals {
					if flag(m, v) == (k == "is") {
						ok = true
					}
				}
			case "from":
				ok = addrMatch(m.from, vals)
			case "to":
				ok = addrMatch(m.to, vals)
			case "cc":
				ok = addrMatch(m.cc, vals)
			case "bcc":
				ok = addrMatch(m.bcc, vals)
			case "subject", "body":
				ok = false
				for _, v := range byKey["subject"] {
					ok = ok || contains(m.subject, v)
				}
				for _, v := range byKey["body"] {
					ok = ok || contains(m.text, v) || contains(htmlToPreview(m.html), v)
				}
			case "start":
				for _, v := range vals {
					n, _ := strconv.ParseInt(v, 10, 64)
					ok = ok && m.date >= n
				}
			case "end":
				for _, v := range vals {
					n, _ := strconv.ParseInt(v, 10, 64)
					ok = ok && m.date <= n
				}
			case "flags":
				for _, v := range vals {
					if v == "attachments" {
						ok = ok && len(m.attachments) > 0
					}
				}
			case "tags":
				ok = false
				for _, v := range vals {
					for _, t := range strings.Split(v, ",") {
						ok = ok || (t == "$label1" && m.important)
					}
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
}

// --- sync -----------------------------------------------------------------------------

func (a *mailApp) sync(w http.ResponseWriter, r *http.Request, u *User) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	mb := a.mailboxOf(u, id)
	if mb == nil {
		mailClientError(w, "ClientException", fmt.Sprintf("Mailbox %d does not exist", id))
		return
	}
	var in struct {
		IDs  []int `json:"ids"`
		Init bool  `json:"init"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil && r.ContentLength > 0 {
		mailServerError(w)
		return
	}
	if !in.Init && !mb.cached {
		// A partial sync of a mailbox never synced: 428 with [].
		writeJSON(w, http.StatusPreconditionRequired, []any{})
		return
	}
	a.syncCache(mb)
	known := map[int]bool{}
	for _, id := range in.IDs {
		known[id] = true
	}
	msgs := a.cachedIn(mb)
	newMsgs, changed, vanished := []any{}, []any{}, []any{}
	if len(in.IDs) == 0 {
		// Nothing held: every cached message is new, threads unfolded (mail/07).
		for _, m := range msgs {
			newMsgs = append(newMsgs, a.envelopeJSON(m, u.ID))
		}
	} else {
		oldest := int64(-1)
		for _, m := range msgs {
			if known[m.dbID] && (oldest < 0 || m.date < oldest) {
				oldest = m.date
			}
		}
		// New are the thread heads not held that reach into the held window
		// or beyond it (mail/19: none new while all heads are held).
		for _, m := range threadHeads(msgs) {
			if !known[m.dbID] && oldest >= 0 && m.date >= oldest {
				newMsgs = append(newMsgs, a.envelopeJSON(m, u.ID))
			}
		}
		present := map[int]*mailMsg{}
		for _, m := range msgs {
			present[m.dbID] = m
		}
		// Every held message comes back as changed, changed or not (mail/19).
		for _, id := range in.IDs {
			if m := present[id]; m != nil {
				changed = append(changed, a.envelopeJSON(m, u.ID))
			} else {
				vanished = append(vanished, id)
			}
		}
	}
	unread := 0
	for _, m := range msgs {
		if !m.flags["seen"] {
			unread++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"newMessages": newMsgs, "changedMessages": changed, "vanishedMessages": vanished,
		"stats": map[string]any{"total": len(msgs), "unread": unread}})
}

// syncCache brings the mailbox's cache up to its IMAP state: messages that
// arrived get a databaseId, messages gone from IMAP leave the cache.
func (a *mailApp) syncCache(mb *mailMailbox) {
	inIMAP := map[*mailMsg]bool{}
	for _, m := range mb.imap {
		inIMAP[m] = true
		if m.dbID == 0 {
			m.dbID = a.next.message
			a.next.message++
			a.cached[m.dbID] = m
		}
	}
	for id, m := range a.cached {
		if m.mailboxID == mb.id && !inIMAP[m] {
			delete(a.cached, id)
		}
	}
	mb.cached = true
}

// --- one message ----------------------------------------------------------------------

func (a *mailApp) getEnvelope(w http.ResponseWriter, r *http.Request, u *User) {
	m := a.messageOf(u, r)
	if m == nil {
		mailForbidden(w)
		return
	}
	writeJSON(w, http.StatusOK, a.envelopeJSON(m, u.ID))
}

func (a *mailApp) getBody(w http.ResponseWriter, r *http.Request, u *User) {
	m := a.messageOf(u, r)
	if m == nil {
		mailForbidden(w)
		return
	}
	mb := a.mailboxes[m.mailboxID]
	body := m.text
	if m.html != "" {
		body = m.html
	}
	atts := []any{}
	for _, at := range m.attachments {
		atts = append(atts, map[string]any{
			"id": at.part, "messageId": m.uid, "fileName": at.name, "mime": at.mime, "size": len(at.data), "cid": nil,
			"disposition": "attachment", "downloadUrl": "http://" + r.Host + mailBase + "/messages/" + strconv.Itoa(m.dbID) + "/attachment/" + at.part,
			"mimeUrl": "/index.php/apps/theming/img/core/filetypes/application.svg", "isImage": strings.HasPrefix(at.mime, "image/"), "isCalendarEvent": false,
		})
	}
	replyTo := m.replyTo
	if replyTo == nil {
		replyTo = m.from
	}
	flags := m.flagsJSON()
	delete(flags, "$junk")
	delete(flags, "$notjunk")
	out := map[string]any{
		"uid": m.uid, "messageId": m.messageID, "from": addrsJSON(m.from), "to": addrsJSON(m.to), "replyTo": addrsJSON(replyTo),
		"cc": addrsJSON(m.cc), "bcc": addrsJSON(m.bcc), "subject": m.subject, "dateInt": m.date, "flags": flags,
		"hasHtmlBody": m.html != "", "dispositionNotificationTo": "", "hasDkimSignature": false, "unsubscribeUrl": nil,
		"isOneClickUnsubscribe": false, "unsubscribeMailto": nil, "scheduling": []any{}, "body": body, "signature": nil,
		"attachments": atts, "accountId": mb.accountID, "mailboxId": m.mailboxID, "databaseId": m.dbID, "isSenderTrusted": false,
		"smime": map[string]any{"isSigned": false, "signatureIsValid": nil, "isEncrypted": false},
	}
	if m.html != "" {
		// An HTML body comes without the signature key (mail/13 against 12).
		delete(out, "signature")
	}
	writeJSON(w, http.StatusOK, out)
}

// getThread lists the thread across every mailbox of the account, newest
// first (mail/14); a message without thread data is 404 [].
func (a *mailApp) getThread(w http.ResponseWriter, r *http.Request, u *User) {
	m := a.messageOf(u, r)
	if m == nil {
		mailForbidden(w)
		return
	}
	if m.threadRoot == "" {
		writeJSON(w, http.StatusNotFound, []any{})
		return
	}
	account := a.mailboxes[m.mailboxID].accountID
	var thread []*mailMsg
	for _, o := range a.cached {
		if o.threadRoot == m.threadRoot && a.mailboxes[o.mailboxID].accountID == account {
			thread = append(thread, o)
		}
	}
	sort.Slice(thread, func(i, j int) bool {
		if thread[i].date != thread[j].date {
			return thread[i].date > thread[j].date
		}
		return thread[i].dbID > thread[j].dbID
	})
	out := []any{}
	for _, o := range thread {
		out = append(out, a.envelopeJSON(o, u.ID))
	}
	writeJSON(w, http.StatusOK, out)
}

// getAttachment sends the part's bytes as application/octet-stream, not
// their real type (mail/16).
func (a *mailApp) getAttachment(w http.ResponseWriter, r *http.Request, u *User) {
	m := a.messageOf(u, r)
	if m == nil {
		mailForbidden(w)
		return
	}
	for _, at := range m.attachments {
		if at.part == r.PathValue("part") {
			w.Header().Set("Content-Disposition", `attachment; filename="`+at.name+`"`)
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Length", strconv.Itoa(len(at.data)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(at.data)
			return
		}
	}
	mailClientError(w, "AttachmentNotFoundException", "Attachment does not exist")
}

// --- changes ------------------------------------------------------------------------

func (a *mailApp) setFlags(w http.ResponseWriter, r *http.Request, u *User) {
	m := a.messageOf(u, r)
	if m == nil {
		mailForbidden(w)
		return
	}
	var in struct {
		Flags map[string]bool `json:"flags"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Flags == nil {
		mailServerError(w)
		return
	}
	for k, v := range in.Flags {
		switch k {
		case "seen", "flagged", "answered", "deleted", "draft", "$junk", "$notjunk":
			m.flags[k] = v
		}
	}
	writeJSON(w, http.StatusOK, []any{})
}

// setTag: "important" is the tag $label1, not a flag (mail/18).
func (a *mailApp) setTag(w http.ResponseWriter, r *http.Request, u *User) {
	a.tag(w, r, u, true)
}

func (a *mailApp) removeTag(w http.ResponseWriter, r *http.Request, u *User) {
	a.tag(w, r, u, false)
}

func (a *mailApp) tag(w http.ResponseWriter, r *http.Request, u *User, on bool) {
	m := a.messageOf(u, r)
	if m == nil {
		mailForbidden(w)
		return
	}
	if r.PathValue("label") != "$label1" {
		mailClientError(w, "ClientException", "Tag does not exist")
		return
	}
	m.important = on
	writeJSON(w, http.StatusOK, importantTag(u.ID))
}

// moveTo takes the message out of its mailbox (cache and IMAP) and appends
// it to dest with a new UID; it gets a new databaseId when dest is synced.
func (a *mailApp) moveTo(m *mailMsg, dest *mailMailbox) {
	src := a.mailboxes[m.mailboxID]
	for i, o := range src.imap {
		if o == m {
			src.imap = append(src.imap[:i], src.imap[i+1:]...)
			break
		}
	}
	delete(a.cached, m.dbID)
	m.dbID = 0
	m.mailboxID = dest.id
	dest.nextUID++
	m.uid = dest.nextUID
	dest.imap = append(dest.imap, m)
}

func (a *mailApp) move(w http.ResponseWriter, r *http.Request, u *User) {
	m := a.messageOf(u, r)
	if m == nil {
		mailForbidden(w)
		return
	}
	var in struct {
		Dest *int `json:"destFolderId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Dest == nil {
		mailServerError(w)
		return
	}
	dest := a.mailboxOf(u, *in.Dest)
	if dest == nil {
		mailClientError(w, "ClientException", fmt.Sprintf("Mailbox %d does not exist", *in.Dest))
		return
	}
	if dest.id != m.mailboxID {
		a.moveTo(m, dest)
	}
	writeJSON(w, http.StatusOK, []any{})
}

// deleteMessage moves the message to the account's trash; inside the trash
// it is expunged (mail/21).
func (a *mailApp) deleteMessage(w http.ResponseWriter, r *http.Request, u *User) {
	m := a.messageOf(u, r)
	if m == nil {
		mailForbidden(w)
		return
	}
	mb := a.mailboxes[m.mailboxID]
	acc := a.accounts[mb.accountID]
	trash := a.mailboxes[acc.trash]
	if trash == nil || trash.id == mb.id {
		for i, o := range mb.imap {
			if o == m {
				mb.imap = append(mb.imap[:i], mb.imap[i+1:]...)
				break
			}
		}
		delete(a.cached, m.dbID)
	} else {
		a.moveTo(m, trash)
	}
	writeJSON(w, http.StatusOK, []any{})
}

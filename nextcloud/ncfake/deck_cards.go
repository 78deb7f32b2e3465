package ncfake

import (
	"net/http"
	"sort"
	"time"
)

// cardOf finds a card of the request's board. A deleted card answers
// 403 "Card is deleted" as Deck does; a card of another board 403 too.
func (a *deckApp) cardOf(w http.ResponseWriter, r *http.Request, b *deckBoard) *deckCard {
	c := a.cards[intPathValue(r, "cardId")]
	if c == nil {
		deckDenied(w)
		return nil
	}
	s := a.stacks[c.stackID]
	if s == nil || s.boardID != b.id {
		deckDenied(w)
		return nil
	}
	if c.deletedAt != 0 {
		deckFail(w, http.StatusForbidden, "Card is deleted")
		return nil
	}
	return c
}

// editableCard resolves board and card and checks the edit right and that
// the board is not archived; it answers the failure itself.
func (a *deckApp) editableCard(w http.ResponseWriter, r *http.Request, u *User) (*deckBoard, *deckCard) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return nil, nil
	}
	c := a.cardOf(w, r, b)
	if c == nil {
		return nil, nil
	}
	if !acc.edit {
		deckDenied(w)
		return nil, nil
	}
	if b.archived {
		deckFail(w, http.StatusInternalServerError, "Operation not allowed. This board is archived.")
		return nil, nil
	}
	return b, c
}

func (a *deckApp) createCard(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	s := a.stack(w, r, b)
	if s == nil {
		return
	}
	if !acc.edit {
		deckDenied(w)
		return
	}
	m := deckBody(r)
	title, ok := deckNonEmpty(m, "title")
	if !ok {
		deckFail(w, http.StatusBadRequest, "title must be provided and must be not empty")
		return
	}
	if b.archived {
		deckFail(w, http.StatusInternalServerError, "Operation not allowed. This board is archived.")
		return
	}
	order, ok := deckNumeric(m, "order")
	if !ok {
		order = 999
	}
	typ, _ := deckNonEmpty(m, "type")
	if typ == "" {
		typ = "plain"
	}
	desc, _ := m["description"].(string)
	due, _ := m["duedate"].(string)
	c := &deckCard{id: a.next.card, stackID: s.id, order: order, title: title, description: desc, typ: typ, owner: u.ID, duedate: due}
	a.next.card++
	a.cards[c.id] = c
	c.createdAt = a.touch(b, s, c)
	writeJSON(w, http.StatusOK, a.cardJSON(c, cardStyle{changed: true, ownerString: true, nullLists: true}))
}

func (a *deckApp) getCard(w http.ResponseWriter, r *http.Request, u *User) {
	b, _ := a.board(w, r, u)
	if b == nil {
		return
	}
	c := a.cardOf(w, r, b)
	if c == nil {
		return
	}
	deckWriteWithETag(w, r, deckETag(c.lastModified), a.cardJSON(c, cardStyle{}))
}

// updateCard is Deck's full replacement: title, type and owner are required,
// an omitted description becomes "", an omitted due date none, an omitted
// order 0; archived and done change only when sent. The card moves to the
// stack named in the URL.
func (a *deckApp) updateCard(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	c := a.cardOf(w, r, b)
	if c == nil {
		return
	}
	s := a.stack(w, r, b)
	if s == nil {
		return
	}
	if !acc.edit {
		deckDenied(w)
		return
	}
	m := deckBody(r)
	for _, k := range []string{"title", "type", "owner"} {
		if _, ok := deckNonEmpty(m, k); !ok {
			deckFail(w, http.StatusBadRequest, k+" must be provided and must be not empty")
			return
		}
	}
	if b.archived {
		deckFail(w, http.StatusInternalServerError, "Operation not allowed. This board is archived.")
		return
	}
	c.title, _ = m["title"].(string)
	c.typ, _ = m["type"].(string)
	desc, _ := m["description"].(string)
	c.prevDesc, c.description = c.description, desc
	c.order, _ = deckNumeric(m, "order")
	c.duedate, _ = m["duedate"].(string)
	if v, ok := m["archived"].(bool); ok {
		c.archived = v
	}
	if v, present := m["done"]; present {
		c.done, _ = v.(string)
	}
	c.stackID = s.id
	c.lastEditor = u.ID
	a.touch(b, s, c)
	writeJSON(w, http.StatusOK, a.cardJSON(c, cardStyle{changed: true}))
}

// deleteCard works on an archived board too (recorded: deck/55 after 51).
func (a *deckApp) deleteCard(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	c := a.cardOf(w, r, b)
	if c == nil {
		return
	}
	if !acc.edit {
		deckDenied(w)
		return
	}
	c.deletedAt = a.touch(b, a.stacks[c.stackID], c)
	writeJSON(w, http.StatusOK, a.cardJSON(c, cardStyle{changed: true}))
}

// reorderCard moves a card to position order of the target stack, renumbers
// that stack's cards and answers them in their new order.
func (a *deckApp) reorderCard(w http.ResponseWriter, r *http.Request, u *User) {
	b, c := a.editableCard(w, r, u)
	if c == nil {
		return
	}
	m := deckBody(r)
	order, ok := deckNumeric(m, "order")
	if !ok {
		deckFail(w, http.StatusBadRequest, "order must be provided and must be numeric")
		return
	}
	target, ok := deckNumeric(m, "stackId")
	if !ok {
		deckFail(w, http.StatusBadRequest, "stackId must be provided and must be numeric")
		return
	}
	ts := a.stacks[target]
	if ts == nil || ts.boardID != b.id || ts.deletedAt != 0 {
		deckDenied(w)
		return
	}
	from := a.stacks[c.stackID]
	var others []*deckCard
	for _, x := range a.sortedCards(ts.id, false) {
		if x.id != c.id {
			others = append(others, x)
		}
	}
	order = min(max(order, 0), len(others))
	ordered := append(append(append([]*deckCard{}, others[:order]...), c), others[order:]...)
	c.stackID = ts.id
	c.lastEditor = u.ID
	t := a.touch(b, ts, c)
	if from != nil {
		from.lastModified = t
	}
	out := []any{}
	for i, x := range ordered {
		x.order = i
		out = append(out, a.cardJSON(x, cardStyle{changed: true, ownerString: true, nullLists: true}))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *deckApp) assignLabel(w http.ResponseWriter, r *http.Request, u *User) {
	b, c := a.editableCard(w, r, u)
	if c == nil {
		return
	}
	id, _ := deckNumeric(deckBody(r), "labelId")
	l := a.labels[id]
	if l == nil || l.boardID != b.id {
		deckDenied(w)
		return
	}
	if !deckContainsInt(c.labels, id) {
		c.labels = append(c.labels, id)
		a.touch(b, a.stacks[c.stackID], c)
	}
	writeJSON(w, http.StatusOK, nil)
}

func (a *deckApp) removeLabel(w http.ResponseWriter, r *http.Request, u *User) {
	b, c := a.editableCard(w, r, u)
	if c == nil {
		return
	}
	id, _ := deckNumeric(deckBody(r), "labelId")
	if l := a.labels[id]; l == nil || l.boardID != b.id {
		deckDenied(w)
		return
	}
	c.labels = deckRemoveInt(c.labels, id)
	a.touch(b, a.stacks[c.stackID], c)
	writeJSON(w, http.StatusOK, nil)
}

func deckContainsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (a *deckApp) assignUser(w http.ResponseWriter, r *http.Request, u *User) {
	b, c := a.editableCard(w, r, u)
	if c == nil {
		return
	}
	uid, _ := deckNonEmpty(deckBody(r), "userId")
	member := uid == b.owner
	for _, acl := range b.acl {
		member = member || acl.participant == uid
	}
	if !member {
		deckFail(w, http.StatusBadRequest, "The user is not part of the board")
		return
	}
	for _, x := range c.assigned {
		if x.uid == uid {
			deckFail(w, http.StatusBadRequest, "The user is already assigned to the card")
			return
		}
	}
	x := deckAssignment{id: a.next.assignment, uid: uid}
	a.next.assignment++
	c.assigned = append(c.assigned, x)
	a.touch(b, a.stacks[c.stackID], c)
	writeJSON(w, http.StatusOK, a.assignmentJSON(c, x))
}

func (a *deckApp) unassignUser(w http.ResponseWriter, r *http.Request, u *User) {
	b, c := a.editableCard(w, r, u)
	if c == nil {
		return
	}
	uid, _ := deckNonEmpty(deckBody(r), "userId")
	for i, x := range c.assigned {
		if x.uid == uid {
			c.assigned = append(c.assigned[:i], c.assigned[i+1:]...)
			a.touch(b, a.stacks[c.stackID], c)
			writeJSON(w, http.StatusOK, a.assignmentJSON(c, x))
			return
		}
	}
	deckFail(w, http.StatusNotFound, "No assignment for "+uid+" found.")
}

// commentCard finds a card the user may read, for the OCS comment endpoints.
func (a *deckApp) commentCard(w http.ResponseWriter, r *http.Request, u *User) *deckCard {
	c := a.cards[intPathValue(r, "cardId")]
	if c != nil && c.deletedAt == 0 {
		if s := a.stacks[c.stackID]; s != nil && a.access(a.boards[s.boardID], u) != nil {
			return c
		}
	}
	writeOCSError(w, r, http.StatusForbidden, 403, "Permission denied")
	return nil
}

func (a *deckApp) commentJSON(c *deckComment, withReply bool) map[string]any {
	m := map[string]any{"id": c.id, "objectId": c.cardID, "message": c.message, "actorId": c.actor, "actorType": "users",
		"actorDisplayName": a.participant(c.actor)["displayname"], "creationDateTime": c.created.UTC().Format("2006-01-02T15:04:05-07:00"),
		"mentions": []any{}}
	if p := a.comments[c.parent]; withReply && p != nil {
		m["replyTo"] = a.commentJSON(p, false)
	}
	return m
}

func (a *deckApp) listComments(w http.ResponseWriter, r *http.Request, u *User) {
	card := a.commentCard(w, r, u)
	if card == nil {
		return
	}
	var list []*deckComment
	for _, c := range a.comments {
		if c.cardID == card.id {
			list = append(list, c)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id > list[j].id })
	q := r.URL.Query()
	limit, offset := 20, 0
	if v, ok := deckNumeric(map[string]any{"v": q.Get("limit")}, "v"); ok && v > 0 {
		limit = v
	}
	if v, ok := deckNumeric(map[string]any{"v": q.Get("offset")}, "v"); ok && v > 0 {
		offset = v
	}
	out := []any{}
	for i := offset; i < len(list) && i < offset+limit; i++ {
		out = append(out, a.commentJSON(list[i], true))
	}
	writeOCS(w, r, out)
}

func (a *deckApp) createComment(w http.ResponseWriter, r *http.Request, u *User) {
	card := a.commentCard(w, r, u)
	if card == nil {
		return
	}
	m := deckBody(r)
	msg, _ := m["message"].(string)
	parent, _ := deckNumeric(m, "parentId")
	if parent != 0 {
		if p := a.comments[parent]; p == nil || p.cardID != card.id {
			writeOCSError(w, r, http.StatusBadRequest, 400, "Invalid parent id: The parent comment was not found or belongs to a different card")
			return
		}
	}
	c := &deckComment{id: a.next.comment, cardID: card.id, parent: parent, message: msg, actor: u.ID, created: time.Now()}
	a.next.comment++
	a.comments[c.id] = c
	writeOCS(w, r, a.commentJSON(c, true))
}

// comment finds a comment of the card; only its author may change it.
func (a *deckApp) comment(w http.ResponseWriter, r *http.Request, card *deckCard, u *User) *deckComment {
	c := a.comments[intPathValue(r, "commentId")]
	if c == nil || c.cardID != card.id {
		writeOCSError(w, r, http.StatusNotFound, 404, "Not found")
		return nil
	}
	if c.actor != u.ID {
		writeOCSError(w, r, http.StatusForbidden, 403, "Only authors are allowed to edit their comment.")
		return nil
	}
	return c
}

func (a *deckApp) updateComment(w http.ResponseWriter, r *http.Request, u *User) {
	card := a.commentCard(w, r, u)
	if card == nil {
		return
	}
	c := a.comment(w, r, card, u)
	if c == nil {
		return
	}
	c.message, _ = deckBody(r)["message"].(string)
	writeOCS(w, r, a.commentJSON(c, true))
}

func (a *deckApp) deleteComment(w http.ResponseWriter, r *http.Request, u *User) {
	card := a.commentCard(w, r, u)
	if card == nil {
		return
	}
	c := a.comment(w, r, card, u)
	if c == nil {
		return
	}
	delete(a.comments, c.id)
	writeOCS(w, r, []any{})
}

func (a *deckApp) config(w http.ResponseWriter, r *http.Request, _ *User) {
	writeOCS(w, r, map[string]any{"calendar": true, "cardDetailsInModal": true, "cardIdBadge": false, "groupLimit": []any{}})
}

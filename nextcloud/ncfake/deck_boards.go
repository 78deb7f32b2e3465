package ncfake

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// deckBody decodes a JSON request body; Deck reads missing params as null.
func deckBody(r *http.Request) map[string]any {
	m := map[string]any{}
	_ = json.NewDecoder(r.Body).Decode(&m)
	return m
}

// nonEmpty returns a string param that is present and not empty.
func deckNonEmpty(m map[string]any, key string) (string, bool) {
	s, ok := m[key].(string)
	return s, ok && s != ""
}

// numeric returns a number param (JSON number or numeric string).
func deckNumeric(m map[string]any, key string) (int, bool) {
	switch v := m[key].(type) {
	case float64:
		return int(v), true
	case string:
		var n json.Number = json.Number(strings.TrimSpace(v))
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// checkTitleColor is Deck's validation of a board or label.
func deckCheckTitleColor(w http.ResponseWriter, m map[string]any) (title, color string, ok bool) {
	title, ok = deckNonEmpty(m, "title")
	if !ok {
		deckFail(w, http.StatusBadRequest, "title must be provided and must be not empty")
		return "", "", false
	}
	if len([]rune(title)) > 100 {
		deckFail(w, http.StatusBadRequest, "title cannot be longer than 100 characters ")
		return "", "", false
	}
	color, ok = deckNonEmpty(m, "color")
	if !ok {
		deckFail(w, http.StatusBadRequest, "color must be provided and must be not empty")
		return "", "", false
	}
	if len(color) > 6 {
		deckFail(w, http.StatusBadRequest, "color cannot be longer than 6 characters ")
		return "", "", false
	}
	return title, color, true
}

func (a *deckApp) listBoards(w http.ResponseWriter, r *http.Request, u *User) {
	since, answered := a.ifModifiedSince(w, r)
	if answered {
		return
	}
	style := boardListed
	if d := r.URL.Query().Get("details"); d == "true" || d == "1" {
		style = boardListDetails
	}
	var ids []int
	for id, b := range a.boards {
		if a.rights(b, u) != nil && b.lastModified >= since {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	out := []any{}
	h := md5.New()
	for _, id := range ids {
		b := a.boards[id]
		out = append(out, a.boardJSON(b, u, style))
		h.Write([]byte(deckETag(b.lastModified)))
	}
	deckWriteWithETag(w, r, hex.EncodeToString(h.Sum(nil)), out)
}

// defaultDeckLabels are the labels Deck puts on every new board.
var defaultDeckLabels = [][2]string{{"Finished", "31CC7C"}, {"To review", "317CCC"}, {"Action needed", "FF7A66"}, {"Later", "F1DB50"}}

func (a *deckApp) newBoard(owner, title, color string) *deckBoard {
	b := &deckBoard{id: a.next.board, title: title, color: color, owner: owner}
	a.next.board++
	a.boards[b.id] = b
	for _, l := range defaultDeckLabels {
		a.newLabel(b, l[0], l[1])
	}
	a.touch(b, nil, nil)
	return b
}

func (a *deckApp) newLabel(b *deckBoard, title, color string) *deckLabel {
	l := &deckLabel{id: a.next.label, boardID: b.id, title: title, color: color}
	a.next.label++
	a.labels[l.id] = l
	return l
}

func (a *deckApp) createBoard(w http.ResponseWriter, r *http.Request, u *User) {
	title, color, ok := deckCheckTitleColor(w, deckBody(r))
	if !ok {
		return
	}
	b := a.newBoard(u.ID, title, color)
	writeJSON(w, http.StatusOK, a.boardJSON(b, u, boardCreated))
}

func (a *deckApp) getBoard(w http.ResponseWriter, r *http.Request, u *User) {
	b, _ := a.board(w, r, u)
	if b == nil {
		return
	}
	deckWriteWithETag(w, r, deckETag(b.lastModified), a.boardJSON(b, u, boardFull))
}

func (a *deckApp) updateBoard(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	if !acc.manage {
		deckDenied(w)
		return
	}
	m := deckBody(r)
	title, color, ok := deckCheckTitleColor(w, m)
	if !ok {
		return
	}
	// Deck's update defaults archived to false when it is not sent.
	archived, _ := m["archived"].(bool)
	b.title, b.color, b.archived = title, color, archived
	a.touch(b, nil, nil)
	writeJSON(w, http.StatusOK, a.boardJSON(b, u, boardFull))
}

func (a *deckApp) deleteBoard(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	if !acc.manage {
		deckDenied(w)
		return
	}
	b.deletedAt = a.touch(b, nil, nil)
	writeJSON(w, http.StatusOK, a.boardJSON(b, u, boardFull))
}

// undoDeleteBoard: Deck checks read access before undoing, and a deleted
// board grants none, so the REST undo of a deleted board answers 403.
func (a *deckApp) undoDeleteBoard(w http.ResponseWriter, r *http.Request, u *User) {
	b, _ := a.board(w, r, u)
	if b == nil {
		return
	}
	writeJSON(w, http.StatusOK, a.boardJSON(b, u, boardFull))
}

func (a *deckApp) addACL(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	if !acc.share {
		deckDenied(w)
		return
	}
	m := deckBody(r)
	who, ok := deckNonEmpty(m, "participant")
	if !ok {
		deckFail(w, http.StatusBadRequest, "participant must be provided and must be not empty")
		return
	}
	a.s.mu.Lock()
	_, known := a.s.users[who]
	a.s.mu.Unlock()
	if !known {
		deckFail(w, http.StatusBadRequest, "The user does not exist")
		return
	}
	edit, _ := m["permissionEdit"].(bool)
	share, _ := m["permissionShare"].(bool)
	manage, _ := m["permissionManage"].(bool)
	acl := &deckACL{id: a.next.acl, participant: who, edit: edit, share: share, manage: manage}
	a.next.acl++
	b.acl = append(b.acl, acl)
	a.touch(b, nil, nil)
	writeJSON(w, http.StatusOK, a.aclJSON(b, acl))
}

func (a *deckApp) deleteACL(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	if !acc.share {
		deckDenied(w)
		return
	}
	id := intPathValue(r, "aclId")
	for i, acl := range b.acl {
		if acl.id == id {
			b.acl = append(b.acl[:i], b.acl[i+1:]...)
			a.touch(b, nil, nil)
			writeJSON(w, http.StatusOK, a.aclJSON(b, acl))
			return
		}
	}
	deckDenied(w)
}

// stack finds a live stack of the request's board.
func (a *deckApp) stack(w http.ResponseWriter, r *http.Request, b *deckBoard) *deckStack {
	s := a.stacks[intPathValue(r, "stackId")]
	if s == nil || s.boardID != b.id || s.deletedAt != 0 {
		deckDenied(w)
		return nil
	}
	return s
}

func (a *deckApp) stacksWithCards(b *deckBoard, archived bool, since int64) []any {
	out := []any{}
	for _, s := range a.sortedStacks(b.id) {
		cards := []any{}
		for _, c := range a.sortedCards(s.id, archived) {
			if c.lastModified < since {
				continue
			}
			st := cardStyle{}
			if archived {
				st = cardStyle{changed: true, ownerString: true, nullLists: true}
			}
			cards = append(cards, a.cardJSON(c, st))
		}
		out = append(out, a.stackJSON(s, cards))
	}
	return out
}

func (a *deckApp) listStacks(w http.ResponseWriter, r *http.Request, u *User) {
	b, _ := a.board(w, r, u)
	if b == nil {
		return
	}
	since, answered := a.ifModifiedSince(w, r)
	if answered {
		return
	}
	writeJSON(w, http.StatusOK, a.stacksWithCards(b, false, since))
}

func (a *deckApp) listArchivedStacks(w http.ResponseWriter, r *http.Request, u *User) {
	b, _ := a.board(w, r, u)
	if b == nil {
		return
	}
	writeJSON(w, http.StatusOK, a.stacksWithCards(b, true, 0))
}

func (a *deckApp) getStack(w http.ResponseWriter, r *http.Request, u *User) {
	b, _ := a.board(w, r, u)
	if b == nil {
		return
	}
	s := a.stack(w, r, b)
	if s == nil {
		return
	}
	cards := []any{}
	for _, c := range a.sortedCards(s.id, false) {
		st := cardStyle{ownerString: true}
		j := a.cardJSON(c, st)
		j["labels"] = nil
		cards = append(cards, j)
	}
	deckWriteWithETag(w, r, deckETag(s.lastModified), a.stackJSON(s, cards))
}

// checkStack is Deck's validation of a stack.
func deckCheckStack(w http.ResponseWriter, m map[string]any) (string, int, bool) {
	title, ok := deckNonEmpty(m, "title")
	if !ok {
		deckFail(w, http.StatusBadRequest, "title must be provided and must be not empty")
		return "", 0, false
	}
	order, ok := deckNumeric(m, "order")
	if !ok {
		deckFail(w, http.StatusBadRequest, "order must be provided and must be numeric")
		return "", 0, false
	}
	return title, order, true
}

func (a *deckApp) createStack(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	if !acc.manage {
		deckDenied(w)
		return
	}
	title, order, ok := deckCheckStack(w, deckBody(r))
	if !ok {
		return
	}
	s := &deckStack{id: a.next.stack, boardID: b.id, title: title, order: order}
	a.next.stack++
	a.stacks[s.id] = s
	a.touch(b, s, nil)
	writeJSON(w, http.StatusOK, a.stackJSON(s, nil))
}

func (a *deckApp) updateStack(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	s := a.stack(w, r, b)
	if s == nil {
		return
	}
	if !acc.manage {
		deckDenied(w)
		return
	}
	title, order, ok := deckCheckStack(w, deckBody(r))
	if !ok {
		return
	}
	s.title, s.order = title, order
	a.touch(b, s, nil)
	writeJSON(w, http.StatusOK, a.stackJSON(s, nil))
}

func (a *deckApp) deleteStack(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	s := a.stack(w, r, b)
	if s == nil {
		return
	}
	if !acc.manage {
		deckDenied(w)
		return
	}
	t := a.touch(b, s, nil)
	s.deletedAt = t
	for _, c := range a.cards {
		if c.stackID == s.id && c.deletedAt == 0 {
			c.deletedAt = t
		}
	}
	writeJSON(w, http.StatusOK, a.stackJSON(s, nil))
}

// label finds a label of the request's board.
func (a *deckApp) label(w http.ResponseWriter, r *http.Request, b *deckBoard) *deckLabel {
	l := a.labels[intPathValue(r, "labelId")]
	if l == nil || l.boardID != b.id {
		deckDenied(w)
		return nil
	}
	return l
}

func (a *deckApp) getLabel(w http.ResponseWriter, r *http.Request, u *User) {
	b, _ := a.board(w, r, u)
	if b == nil {
		return
	}
	if l := a.label(w, r, b); l != nil {
		writeJSON(w, http.StatusOK, a.labelJSON(l, nil))
	}
}

func (a *deckApp) createLabel(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	if !acc.manage {
		deckDenied(w)
		return
	}
	title, color, ok := deckCheckTitleColor(w, deckBody(r))
	if !ok {
		return
	}
	l := a.newLabel(b, title, color)
	a.touch(b, nil, nil)
	writeJSON(w, http.StatusOK, a.labelJSON(l, nil))
}

func (a *deckApp) updateLabel(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	l := a.label(w, r, b)
	if l == nil {
		return
	}
	if !acc.manage {
		deckDenied(w)
		return
	}
	title, color, ok := deckCheckTitleColor(w, deckBody(r))
	if !ok {
		return
	}
	l.title, l.color = title, color
	l.lastModified = a.touch(b, nil, nil)
	writeJSON(w, http.StatusOK, a.labelJSON(l, nil))
}

func (a *deckApp) deleteLabel(w http.ResponseWriter, r *http.Request, u *User) {
	b, acc := a.board(w, r, u)
	if b == nil {
		return
	}
	l := a.label(w, r, b)
	if l == nil {
		return
	}
	if !acc.manage {
		deckDenied(w)
		return
	}
	delete(a.labels, l.id)
	for _, c := range a.cards {
		c.labels = deckRemoveInt(c.labels, l.id)
	}
	a.touch(b, nil, nil)
	writeJSON(w, http.StatusOK, a.labelJSON(l, nil))
}

func deckRemoveInt(list []int, v int) []int {
	out := list[:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

package ncfake

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// deckApp serves the Deck 1.13 REST API and its OCS comments, shaped like
// the recordings in shared/nextcloud-api/deck.
type deckApp struct {
	s *Server

	mu       sync.Mutex
	clock    int64
	next     deckIDs
	boards   map[int]*deckBoard
	stacks   map[int]*deckStack
	cards    map[int]*deckCard
	labels   map[int]*deckLabel
	comments map[int]*deckComment
	// imsWorks makes If-Modified-Since filter as Deck documents instead of
	// failing with HTTP 500 as Deck 1.13.10 does on Nextcloud 29.
	imsWorks bool
}

type deckIDs struct{ board, stack, card, label, acl, assignment, comment int }

type deckBoard struct {
	id                      int
	title, color, owner     string
	archived                bool
	deletedAt, lastModified int64
	acl                     []*deckACL
}

type deckACL struct {
	id                  int
	participant         string
	edit, share, manage bool
}

type deckStack struct {
	id, boardID, order      int
	title                   string
	deletedAt, lastModified int64
}

type deckCard struct {
	id, stackID, order                int
	title, description, prevDesc, typ string
	owner, lastEditor, duedate, done  string
	archived                          bool
	createdAt, lastModified           int64
	deletedAt                         int64
	labels                            []int
	assigned                          []deckAssignment
}

type deckAssignment struct {
	id  int
	uid string
}

type deckLabel struct {
	id, boardID  int
	title, color string
	lastModified int64
}

type deckComment struct {
	id, cardID, parent int
	message, actor     string
	created            time.Time
}

func newDeckApp(s *Server) *deckApp {
	return &deckApp{
		s:      s,
		next:   deckIDs{1, 1, 1, 1, 1, 1, 1},
		boards: map[int]*deckBoard{}, stacks: map[int]*deckStack{}, cards: map[int]*deckCard{},
		labels: map[int]*deckLabel{}, comments: map[int]*deckComment{},
	}
}

const deckREST = "/index.php/apps/deck/api/{ver}"

func (a *deckApp) routes(mux *http.ServeMux) {
	rest := func(pattern string, h func(w http.ResponseWriter, r *http.Request, u *User)) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+deckREST+path, a.restHandler(h))
	}
	rest("GET /boards", a.listBoards)
	rest("POST /boards", a.createBoard)
	rest("GET /boards/{boardId}", a.getBoard)
	rest("PUT /boards/{boardId}", a.updateBoard)
	rest("DELETE /boards/{boardId}", a.deleteBoard)
	rest("POST /boards/{boardId}/undo_delete", a.undoDeleteBoard)
	rest("POST /boards/{boardId}/acl", a.addACL)
	rest("DELETE /boards/{boardId}/acl/{aclId}", a.deleteACL)
	rest("GET /boards/{boardId}/stacks", a.listStacks)
	rest("GET /boards/{boardId}/stacks/archived", a.listArchivedStacks)
	rest("POST /boards/{boardId}/stacks", a.createStack)
	rest("GET /boards/{boardId}/stacks/{stackId}", a.getStack)
	rest("PUT /boards/{boardId}/stacks/{stackId}", a.updateStack)
	rest("DELETE /boards/{boardId}/stacks/{stackId}", a.deleteStack)
	rest("POST /boards/{boardId}/stacks/{stackId}/cards", a.createCard)
	rest("GET /boards/{boardId}/stacks/{stackId}/cards/{cardId}", a.getCard)
	rest("PUT /boards/{boardId}/stacks/{stackId}/cards/{cardId}", a.updateCard)
	rest("DELETE /boards/{boardId}/stacks/{stackId}/cards/{cardId}", a.deleteCard)
	rest("PUT /boards/{boardId}/stacks/{stackId}/cards/{cardId}/reorder", a.reorderCard)
	rest("PUT /boards/{boardId}/stacks/{stackId}/cards/{cardId}/assignLabel", a.assignLabel)
	rest("PUT /boards/{boardId}/stacks/{stackId}/cards/{cardId}/removeLabel", a.removeLabel)
	rest("PUT /boards/{boardId}/stacks/{stackId}/cards/{cardId}/assignUser", a.assignUser)
	rest("PUT /boards/{boardId}/stacks/{stackId}/cards/{cardId}/unassignUser", a.unassignUser)
	rest("GET /boards/{boardId}/labels/{labelId}", a.getLabel)
	rest("POST /boards/{boardId}/labels", a.createLabel)
	rest("PUT /boards/{boardId}/labels/{labelId}", a.updateLabel)
	rest("DELETE /boards/{boardId}/labels/{labelId}", a.deleteLabel)

	ocs := func(pattern string, h func(w http.ResponseWriter, r *http.Request, u *User)) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" /ocs/v2.php/apps/deck/api/v1.0"+path, a.s.ocsAppHandler("deck", &a.mu, h))
	}
	ocs("GET /cards/{cardId}/comments", a.listComments)
	ocs("POST /cards/{cardId}/comments", a.createComment)
	ocs("PUT /cards/{cardId}/comments/{commentId}", a.updateComment)
	ocs("DELETE /cards/{cardId}/comments/{commentId}", a.deleteComment)
	ocs("GET /config", a.config)
}

// restHandler serves a Deck REST route; only API versions 1.0 and 1.1 exist.
func (a *deckApp) restHandler(h handlerFunc) http.HandlerFunc {
	next := a.s.appRESTHandler("deck", &a.mu, h)
	return func(w http.ResponseWriter, r *http.Request) {
		if v := r.PathValue("ver"); v != "v1.0" && v != "v1.1" {
			writeAppRouteNotFound(w)
			return
		}
		next(w, r)
	}
}

// deckFail is Deck's plain error shape.
func deckFail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": status, "message": msg})
}

func deckDenied(w http.ResponseWriter) { deckFail(w, http.StatusForbidden, "Permission denied") }

// tick is the clock for lastModified: wall seconds, but strictly increasing
// so every change gets a new ETag even within one second.
func (a *deckApp) tick() int64 {
	now := time.Now().Unix()
	if now <= a.clock {
		now = a.clock + 1
	}
	a.clock = now
	return now
}

// deckETag is how Deck derives ETags: the md5 of lastModified.
func deckETag(lastModified int64) string {
	sum := md5.Sum([]byte(strconv.FormatInt(lastModified, 10)))
	return hex.EncodeToString(sum[:])
}

// writeWithETag sets the quoted ETag header and answers 304 when the client
// already holds that version, as Nextcloud's app framework does.
func deckWriteWithETag(w http.ResponseWriter, r *http.Request, etag string, v any) {
	w.Header().Set("ETag", `"`+etag+`"`)
	for _, m := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if strings.Trim(strings.TrimSpace(m), `"`) == etag {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	writeJSON(w, http.StatusOK, v)
}

func intPathValue(r *http.Request, name string) int {
	id, err := strconv.Atoi(r.PathValue(name))
	if err != nil {
		return -1
	}
	return id
}

// participant is the user object Deck embeds.
func (a *deckApp) participant(uid string) map[string]any {
	name := uid
	a.s.mu.Lock()
	if u := a.s.users[uid]; u != nil && u.DisplayName != "" {
		name = u.DisplayName
	}
	a.s.mu.Unlock()
	return map[string]any{"primaryKey": uid, "uid": uid, "displayname": name, "type": 0}
}

// access is what a user may do on a board; nil when the board is missing,
// deleted or not shared with them (Deck answers 403 for all three).
type deckAccess struct{ read, edit, manage, share bool }

func (a *deckApp) access(b *deckBoard, u *User) *deckAccess {
	if b == nil || b.deletedAt != 0 {
		return nil
	}
	return a.rights(b, u)
}

// rights is access without the deletion check: deleted boards still list.
func (a *deckApp) rights(b *deckBoard, u *User) *deckAccess {
	if b == nil {
		return nil
	}
	if b.owner == u.ID {
		return &deckAccess{true, true, true, true}
	}
	for _, acl := range b.acl {
		if acl.participant == u.ID {
			return &deckAccess{true, acl.edit, acl.manage, acl.share}
		}
	}
	return nil
}

// board finds the board of the request the user may read; it answers 403 and
// returns nil otherwise.
func (a *deckApp) board(w http.ResponseWriter, r *http.Request, u *User) (*deckBoard, *deckAccess) {
	b := a.boards[intPathValue(r, "boardId")]
	acc := a.access(b, u)
	if acc == nil {
		deckDenied(w)
		return nil, nil
	}
	return b, acc
}

func (a *deckApp) boardUsers(b *deckBoard) []any {
	users := []any{a.participant(b.owner)}
	for _, acl := range b.acl {
		users = append(users, a.participant(acl.participant))
	}
	return users
}

func (a *deckApp) labelJSON(l *deckLabel, cardID any) map[string]any {
	return map[string]any{"id": l.id, "title": l.title, "color": l.color, "boardId": l.boardID, "cardId": cardID,
		"lastModified": l.lastModified, "ETag": deckETag(l.lastModified)}
}

func (a *deckApp) boardLabels(b *deckBoard) []any {
	var ids []int
	for id, l := range a.labels {
		if l.boardID == b.id {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	out := []any{}
	for _, id := range ids {
		out = append(out, a.labelJSON(a.labels[id], nil))
	}
	return out
}

func (a *deckApp) aclJSON(b *deckBoard, acl *deckACL) map[string]any {
	return map[string]any{"id": acl.id, "participant": a.participant(acl.participant), "type": 0, "boardId": b.id,
		"permissionEdit": acl.edit, "permissionShare": acl.share, "permissionManage": acl.manage, "owner": false}
}

// boardStyle picks one of the board shapes the recordings show.
type boardStyle int

const (
	boardFull        boardStyle = iota // GET, PUT, DELETE
	boardCreated                       // POST: empty members and stacks
	boardListed                        // list without details: empty sub-lists, "shared"
	boardListDetails                   // list with details=true
)

func (a *deckApp) boardJSON(b *deckBoard, u *User, style boardStyle) map[string]any {
	acc := a.rights(b, u)
	if acc == nil {
		acc = &deckAccess{}
	}
	acl := []any{}
	for _, x := range b.acl {
		acl = append(acl, a.aclJSON(b, x))
	}
	m := map[string]any{
		"id": b.id, "title": b.title, "owner": a.participant(b.owner), "color": b.color, "archived": b.archived,
		"labels": a.boardLabels(b), "acl": acl,
		"permissions": map[string]any{"PERMISSION_READ": acc.read, "PERMISSION_EDIT": acc.edit, "PERMISSION_MANAGE": acc.manage, "PERMISSION_SHARE": acc.share},
		"users":       a.boardUsers(b), "stacks": a.stackList(b), "activeSessions": []any{},
		"deletedAt": b.deletedAt, "lastModified": b.lastModified,
		"settings": map[string]any{"notify-due": "assigned", "calendar": true}, "ETag": deckETag(b.lastModified),
	}
	switch style {
	case boardCreated:
		m["users"], m["stacks"], m["settings"] = []any{}, []any{}, []any{}
	case boardListed:
		m["labels"], m["users"], m["stacks"], m["settings"] = []any{}, []any{}, []any{}, []any{}
		m["shared"] = a.sharedFlag(b, u)
	case boardListDetails:
		m["shared"] = a.sharedFlag(b, u)
	}
	return m
}

func (a *deckApp) sharedFlag(b *deckBoard, u *User) int {
	if b.owner == u.ID {
		return 0
	}
	return 1
}

// sortedStacks returns a board's live stacks by order, then id.
func (a *deckApp) sortedStacks(boardID int) []*deckStack {
	var out []*deckStack
	for _, s := range a.stacks {
		if s.boardID == boardID && s.deletedAt == 0 {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].order != out[j].order {
			return out[i].order < out[j].order
		}
		return out[i].id < out[j].id
	})
	return out
}

// stackList is the stacks of a board without cards (board JSON).
func (a *deckApp) stackList(b *deckBoard) []any {
	out := []any{}
	for _, s := range a.sortedStacks(b.id) {
		out = append(out, a.stackJSON(s, nil))
	}
	return out
}

// stackJSON leaves "cards" out when there are none, as Deck does.
func (a *deckApp) stackJSON(s *deckStack, cards []any) map[string]any {
	m := map[string]any{"id": s.id, "title": s.title, "boardId": s.boardID, "deletedAt": s.deletedAt,
		"lastModified": s.lastModified, "order": s.order, "ETag": deckETag(s.lastModified)}
	if len(cards) > 0 {
		m["cards"] = cards
	}
	return m
}

// sortedCards returns a stack's live cards, archived or not, by order then id.
func (a *deckApp) sortedCards(stackID int, archived bool) []*deckCard {
	var out []*deckCard
	for _, c := range a.cards {
		if c.stackID == stackID && c.deletedAt == 0 && c.archived == archived {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].order != out[j].order {
			return out[i].order < out[j].order
		}
		return out[i].id < out[j].id
	})
	return out
}

// cardStyle picks one of the card shapes the recordings show.
type cardStyle struct {
	// changed is the shape of create/update/delete/reorder answers, with
	// descriptionPrev, notified and related*; otherwise the read shape.
	changed bool
	// ownerString sends the owner as a bare user id.
	ownerString bool
	// nullLists sends labels, assignees and attachments as null.
	nullLists bool
}

func (a *deckApp) cardJSON(c *deckCard, st cardStyle) map[string]any {
	var owner any = a.participant(c.owner)
	if st.ownerString {
		owner = c.owner
	}
	var labels, assigned any
	if !st.nullLists {
		ls := []any{}
		for _, id := range c.labels {
			if l := a.labels[id]; l != nil {
				ls = append(ls, a.labelJSON(l, c.id))
			}
		}
		as := []any{}
		for _, x := range c.assigned {
			as = append(as, a.assignmentJSON(c, x))
		}
		labels, assigned = ls, as
	}
	m := map[string]any{
		"id": c.id, "title": c.title, "description": c.description, "stackId": c.stackID, "type": c.typ,
		"lastModified": c.lastModified, "lastEditor": deckNullable(c.lastEditor), "createdAt": c.createdAt,
		"labels": labels, "assignedUsers": assigned, "attachments": nil, "attachmentCount": 0,
		"owner": owner, "order": c.order, "archived": c.archived, "done": deckNullable(c.done), "duedate": deckNullable(c.duedate),
		"deletedAt": c.deletedAt, "commentsUnread": 0, "commentsCount": a.commentCount(c.id), "ETag": deckETag(c.lastModified),
	}
	if st.changed {
		m["descriptionPrev"] = deckNullable(c.prevDesc)
		m["notified"], m["relatedStack"], m["relatedBoard"] = false, nil, nil
		m["attachmentCount"] = nil
	} else {
		m["overdue"] = a.overdue(c)
		if !st.nullLists {
			m["attachments"] = []any{}
		}
	}
	return m
}

// overdue is Deck's 0..3 scale; the fake knows only "not" (0) and "past" (3).
func (a *deckApp) overdue(c *deckCard) int {
	if c.duedate == "" || c.done != "" {
		return 0
	}
	if t, err := time.Parse(time.RFC3339, c.duedate); err == nil && t.Before(time.Now()) {
		return 3
	}
	return 0
}

func (a *deckApp) assignmentJSON(c *deckCard, x deckAssignment) map[string]any {
	return map[string]any{"id": x.id, "participant": a.participant(x.uid), "cardId": c.id, "type": 0}
}

func (a *deckApp) commentCount(cardID int) int {
	n := 0
	for _, c := range a.comments {
		if c.cardID == cardID {
			n++
		}
	}
	return n
}

func deckNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// touch records a change of a card, stack and board (any may be nil).
func (a *deckApp) touch(b *deckBoard, s *deckStack, c *deckCard) int64 {
	t := a.tick()
	if c != nil {
		c.lastModified = t
	}
	if s != nil {
		s.lastModified = t
	}
	if b != nil {
		b.lastModified = t
	}
	return t
}

// ifModifiedSince handles the header on list endpoints: Deck 1.13.10 on
// NC 29 fails with HTTP 500 for any value (a missing sabre/http class).
// It reports whether the request was answered, and the parsed time otherwise.
func (a *deckApp) ifModifiedSince(w http.ResponseWriter, r *http.Request) (since int64, answered bool) {
	h := r.Header.Get("If-Modified-Since")
	if h == "" {
		return 0, false
	}
	if !a.imsWorks {
		id := fmt.Sprintf("fake%016d", a.tick())
		writeJSON(w, http.StatusInternalServerError, map[string]any{"status": 500,
			"message":   fmt.Sprintf("Internal server error: Please contact the server administrator if this error reappears multiple times, please include the request ID %q below in your report.", id),
			"requestId": id})
		return 0, true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		deckFail(w, http.StatusBadRequest, "Invalid If-Modified-Since header provided.")
		return 0, true
	}
	return t.Unix(), false
}

package ncfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// formsApp serves the Forms 4.3.14 OCS API v3 shaped like
// shared/nextcloud-api/forms: writes answer an id, an unknown form is a 400
// and a missing permission a 403, both with an empty message.
type formsApp struct {
	s *Server

	mu    sync.Mutex
	next  formsIDs
	forms map[int]*form
}

type formsIDs struct{ form, question, option, share, submission, answer int }

type form struct {
	id                        int
	hash, title, description  string
	owner                     string
	created, updated, expires int64
	anonymous, multiple       bool
	questions                 []*formQuestion
	shares                    []formShare
	submissions               []*formSubmission
}

type formQuestion struct {
	id, order              int
	typ, text, description string
	required               bool
	options                []formOption
}

type formOption struct {
	id, order int
	text      string
}

type formShare struct {
	id          int
	user        string
	permissions []string
}

type formSubmission struct {
	id        int
	user      string
	timestamp int64
	answers   []formAnswer
}

type formAnswer struct {
	id, questionID int
	text           string
}

func newFormsApp(s *Server) *formsApp {
	return &formsApp{s: s, next: formsIDs{1, 1, 1, 1, 1, 1}, forms: map[int]*form{}}
}

func (a *formsApp) routes(mux *http.ServeMux) {
	h := func(pattern string, fn handlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" /ocs/v2.php/apps/forms/api/v3"+path, a.s.ocsAppHandler("forms", &a.mu, fn))
	}
	h("GET /forms", a.list)
	h("POST /forms", a.create)
	h("GET /forms/{id}", a.get)
	h("PATCH /forms/{id}", a.update)
	h("DELETE /forms/{id}", a.remove)
	h("GET /forms/{id}/questions", a.listQuestions)
	h("POST /forms/{id}/questions", a.createQuestion)
	h("PATCH /forms/{id}/questions/{qid}", a.updateQuestion)
	h("DELETE /forms/{id}/questions/{qid}", a.deleteQuestion)
	h("POST /forms/{id}/questions/{qid}/options", a.createOptions)
	h("POST /forms/{id}/shares", a.createShare)
	h("GET /forms/{id}/submissions", a.listSubmissions)
	h("POST /forms/{id}/submissions", a.submit)
	h("DELETE /forms/{id}/submissions", a.deleteSubmissions)
}

// user finds an account; a.mu is held, s.mu is taken only briefly.
func (a *formsApp) user(id string) *User {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return a.s.users[id]
}

// permissions: the owner has all; a share grants the ones it lists.
func (f *form) permissions(user string) []string {
	if f.owner == user {
		return []string{"edit", "results", "results_delete", "submit", "embed"}
	}
	for _, sh := range f.shares {
		if sh.user == user {
			return append([]string(nil), sh.permissions...)
		}
	}
	return nil
}

// formFor finds the form of the path; an unknown id is a 400 with an empty
// message (forms/19), a form the user may not use a 403. It has answered
// when it returns nil.
func (a *formsApp) formFor(w http.ResponseWriter, r *http.Request, u *User, need string) *form {
	id, _ := strconv.Atoi(r.PathValue("id"))
	f := a.forms[id]
	if f == nil {
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "")
		return nil
	}
	if !slices.Contains(f.permissions(u.ID), need) {
		writeOCSError(w, r, http.StatusForbidden, http.StatusForbidden, "")
		return nil
	}
	return f
}

func (a *formsApp) questionJSON(formID int, q *formQuestion) map[string]any {
	opts := []any{}
	for _, o := range q.options {
		opts = append(opts, map[string]any{"id": o.id, "questionId": q.id, "order": o.order, "text": o.text})
	}
	return map[string]any{"id": q.id, "formId": formID, "order": q.order, "type": q.typ, "isRequired": q.required, "text": q.text,
		"name": "", "description": q.description, "extraSettings": []any{}, "options": opts, "accept": []any{}}
}

func (a *formsApp) questionsJSON(f *form) []any {
	out := []any{}
	for _, q := range f.questions {
		out = append(out, a.questionJSON(f.id, q))
	}
	return out
}

func (a *formsApp) formJSON(f *form, u *User) map[string]any {
	shares := []any{}
	if f.owner == u.ID {
		for _, sh := range f.shares {
			shares = append(shares, a.shareJSON(f, sh))
		}
	}
	perms := f.permissions(u.ID)
	return map[string]any{"id": f.id, "hash": f.hash, "title": f.title, "description": f.description, "ownerId": f.owner,
		"fileId": nil, "fileFormat": nil, "created": f.created, "access": map[string]bool{"permitAllUsers": false, "showToAllUsers": false},
		"expires": f.expires, "isAnonymous": f.anonymous, "submitMultiple": f.multiple, "showExpiration": false, "lastUpdated": f.updated,
		"submissionMessage": nil, "state": 0, "questions": a.questionsJSON(f), "shares": shares, "permissions": perms,
		"canSubmit": slices.Contains(perms, "submit"), "submissionCount": len(f.submissions)}
}

func (a *formsApp) shareJSON(f *form, sh formShare) map[string]any {
	name := sh.user
	if su := a.user(sh.user); su != nil {
		name = su.DisplayName
	}
	return map[string]any{"id": sh.id, "formId": f.id, "shareType": 0, "shareWith": sh.user, "permissions": sh.permissions, "displayName": name}
}

// list answers partial stubs: the owned ones carry submissionCount, the
// shared ones do not (forms/12, 23).
func (a *formsApp) list(w http.ResponseWriter, r *http.Request, u *User) {
	shared := r.URL.Query().Get("type") == "shared"
	ids := make([]int, 0, len(a.forms))
	for id := range a.forms {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := []any{}
	for _, id := range ids {
		f := a.forms[id]
		owned := f.owner == u.ID
		if owned == shared || (shared && f.permissions(u.ID) == nil) {
			continue
		}
		stub := map[string]any{"id": f.id, "hash": f.hash, "title": f.title, "expires": f.expires, "lastUpdated": f.updated,
			"permissions": f.permissions(u.ID), "partial": true, "state": 0}
		if owned {
			stub["submissionCount"] = len(f.submissions)
		}
		out = append(out, stub)
	}
	writeOCS(w, r, out)
}

func (a *formsApp) create(w http.ResponseWriter, r *http.Request, u *User) {
	now := time.Now().Unix()
	f := &form{id: a.next.form, owner: u.ID, created: now, updated: now, hash: formHash(a.next.form)}
	a.next.form++
	a.forms[f.id] = f
	writeOCS(w, r, a.formJSON(f, u))
}

// formHash is a 16-character share hash, deterministic for the fake.
func formHash(id int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := md5hex(fmt.Sprint("form-", id))
	var b strings.Builder
	for i := 0; i < 16; i++ {
		v, _ := strconv.ParseUint(sum[2*i:2*i+2], 16, 8)
		b.WriteByte(alphabet[int(v)%len(alphabet)])
	}
	return b.String()
}

func (a *formsApp) get(w http.ResponseWriter, r *http.Request, u *User) {
	if f := a.formFor(w, r, u, "submit"); f != nil {
		writeOCS(w, r, a.formJSON(f, u))
	}
}

func decodeKeyValues(r *http.Request) (map[string]json.RawMessage, bool) {
	var in struct {
		KeyValuePairs map[string]json.RawMessage `json:"keyValuePairs"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || len(in.KeyValuePairs) == 0 {
		return nil, false
	}
	return in.KeyValuePairs, true
}

// update applies keyValuePairs. Some keys are refused with an empty 403
// (forms/03); ownerId on its own transfers the form (forms/22).
func (a *formsApp) update(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.formFor(w, r, u, "edit")
	if f == nil {
		return
	}
	kv, ok := decodeKeyValues(r)
	if !ok {
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "This form is not valid")
		return
	}
	for _, k := range []string{"id", "hash", "created", "lastUpdated", "fileId"} {
		if _, bad := kv[k]; bad {
			writeOCSError(w, r, http.StatusForbidden, http.StatusForbidden, "")
			return
		}
	}
	if raw, ok := kv["ownerId"]; ok {
		var to string
		if len(kv) != 1 || json.Unmarshal(raw, &to) != nil || a.user(to) == nil {
			writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "")
			return
		}
		f.owner = to
		f.updated = time.Now().Unix()
		writeOCS(w, r, to)
		return
	}
	for k, raw := range kv {
		switch k {
		case "title":
			_ = json.Unmarshal(raw, &f.title)
		case "description":
			_ = json.Unmarshal(raw, &f.description)
		case "expires":
			_ = json.Unmarshal(raw, &f.expires)
		case "isAnonymous":
			_ = json.Unmarshal(raw, &f.anonymous)
		case "submitMultiple":
			_ = json.Unmarshal(raw, &f.multiple)
		}
	}
	f.updated = time.Now().Unix()
	writeOCS(w, r, f.id)
}

func (a *formsApp) remove(w http.ResponseWriter, r *http.Request, u *User) {
	if f := a.formFor(w, r, u, "edit"); f != nil {
		delete(a.forms, f.id)
		writeOCS(w, r, f.id)
	}
}

func (a *formsApp) listQuestions(w http.ResponseWriter, r *http.Request, u *User) {
	if f := a.formFor(w, r, u, "submit"); f != nil {
		writeOCS(w, r, a.questionsJSON(f))
	}
}

func (a *formsApp) createQuestion(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.formFor(w, r, u, "edit")
	if f == nil {
		return
	}
	var in struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	switch in.Type {
	case "multiple", "multiple_unique", "dropdown", "short", "long", "date", "datetime", "time", "file":
	default:
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "Invalid type")
		return
	}
	q := &formQuestion{id: a.next.question, order: len(f.questions) + 1, typ: in.Type, text: in.Text}
	a.next.question++
	f.questions = append(f.questions, q)
	f.updated = time.Now().Unix()
	writeOCS(w, r, a.questionJSON(f.id, q))
}

func (a *formsApp) question(w http.ResponseWriter, r *http.Request, f *form) *formQuestion {
	qid, _ := strconv.Atoi(r.PathValue("qid"))
	for _, q := range f.questions {
		if q.id == qid {
			return q
		}
	}
	writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "")
	return nil
}

func (a *formsApp) updateQuestion(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.formFor(w, r, u, "edit")
	if f == nil {
		return
	}
	q := a.question(w, r, f)
	if q == nil {
		return
	}
	kv, ok := decodeKeyValues(r)
	if !ok {
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "")
		return
	}
	for k, raw := range kv {
		switch k {
		case "isRequired":
			_ = json.Unmarshal(raw, &q.required)
		case "description":
			_ = json.Unmarshal(raw, &q.description)
		case "text":
			_ = json.Unmarshal(raw, &q.text)
		}
	}
	f.updated = time.Now().Unix()
	writeOCS(w, r, q.id)
}

func (a *formsApp) deleteQuestion(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.formFor(w, r, u, "edit")
	if f == nil {
		return
	}
	q := a.question(w, r, f)
	if q == nil {
		return
	}
	f.questions = slices.DeleteFunc(f.questions, func(x *formQuestion) bool { return x == q })
	for i, x := range f.questions {
		x.order = i + 1
	}
	writeOCS(w, r, q.id)
}

func (a *formsApp) createOptions(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.formFor(w, r, u, "edit")
	if f == nil {
		return
	}
	q := a.question(w, r, f)
	if q == nil {
		return
	}
	var in struct {
		OptionTexts []string `json:"optionTexts"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || len(in.OptionTexts) == 0 {
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "")
		return
	}
	out := []any{}
	for _, t := range in.OptionTexts {
		o := formOption{id: a.next.option, order: len(q.options) + 1, text: t}
		a.next.option++
		q.options = append(q.options, o)
		out = append(out, map[string]any{"id": o.id, "questionId": q.id, "order": o.order, "text": o.text})
	}
	writeOCS(w, r, out)
}

func (a *formsApp) createShare(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.formFor(w, r, u, "edit")
	if f == nil {
		return
	}
	var in struct {
		ShareType   int      `json:"shareType"`
		ShareWith   string   `json:"shareWith"`
		Permissions []string `json:"permissions"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || in.ShareType != 0 || a.user(in.ShareWith) == nil {
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "Invalid shareType")
		return
	}
	if len(in.Permissions) == 0 {
		in.Permissions = []string{"submit"}
	}
	sh := formShare{id: a.next.share, user: in.ShareWith, permissions: in.Permissions}
	a.next.share++
	f.shares = append(f.shares, sh)
	writeOCS(w, r, a.shareJSON(f, sh))
}

// submit stores a response: answers keyed by question id, values always
// string lists, option ids for choice questions (forms/13, 14).
func (a *formsApp) submit(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.formFor(w, r, u, "submit")
	if f == nil {
		return
	}
	var in struct {
		Answers map[string][]string `json:"answers"`
	}
	invalid := func() {
		writeOCSError(w, r, http.StatusBadRequest, http.StatusBadRequest, "At least one submitted answer is not valid")
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		invalid()
		return
	}
	sub := &formSubmission{id: a.next.submission, user: u.ID, timestamp: time.Now().Unix()}
	for _, q := range f.questions {
		vals := in.Answers[strconv.Itoa(q.id)]
		if q.required && len(vals) == 0 {
			invalid()
			return
		}
		if q.typ != "multiple" && len(vals) > 1 {
			invalid()
			return
		}
		for _, v := range vals {
			text := v
			if q.typ == "multiple" || q.typ == "multiple_unique" || q.typ == "dropdown" {
				oid, _ := strconv.Atoi(v)
				i := slices.IndexFunc(q.options, func(o formOption) bool { return o.id == oid })
				if i < 0 {
					invalid()
					return
				}
				text = q.options[i].text
			}
			sub.answers = append(sub.answers, formAnswer{questionID: q.id, text: text})
		}
	}
	// Answers are checked before a second submission is refused (forms/14).
	if !f.multiple && slices.ContainsFunc(f.submissions, func(s *formSubmission) bool { return s.user == u.ID }) {
		writeOCSError(w, r, http.StatusForbidden, http.StatusForbidden, "Already submitted")
		return
	}
	for i := range sub.answers {
		sub.answers[i].id = a.next.answer
		a.next.answer++
	}
	a.next.submission++
	f.submissions = append(f.submissions, sub)
	writeOCS(w, r, []any{})
}

func (a *formsApp) listSubmissions(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.formFor(w, r, u, "results")
	if f == nil {
		return
	}
	if r.URL.Query().Get("fileFormat") == "csv" {
		a.writeCSV(w, f)
		return
	}
	subs := []any{}
	for i := len(f.submissions) - 1; i >= 0; i-- {
		s := f.submissions[i]
		answers := []any{}
		for _, an := range s.answers {
			answers = append(answers, map[string]any{"id": an.id, "submissionId": s.id, "fileId": nil, "questionId": an.questionID, "text": an.text})
		}
		subs = append(subs, map[string]any{"id": s.id, "formId": f.id, "userId": s.user, "timestamp": s.timestamp, "answers": answers,
			"userDisplayName": a.displayName(s.user)})
	}
	writeOCS(w, r, map[string]any{"submissions": subs, "questions": a.questionsJSON(f)})
}

func (a *formsApp) displayName(user string) string {
	if u := a.user(user); u != nil {
		return u.DisplayName
	}
	return user
}

// writeCSV is the export: a UTF-8 BOM, ISO 8601 times, a file name (forms/18).
func (a *formsApp) writeCSV(w http.ResponseWriter, f *form) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	// Forms quotes every field, which encoding/csv cannot be told to do.
	line := func(fields []string) {
		for i, v := range fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(v, `"`, `""`) + `"`)
		}
		b.WriteByte('\n')
	}
	head := []string{"User ID", "User display name", "Timestamp"}
	for _, q := range f.questions {
		head = append(head, q.text)
	}
	line(head)
	for _, s := range f.submissions {
		row := []string{s.user, a.displayName(s.user), time.Unix(s.timestamp, 0).UTC().Format("2006-01-02T15:04:05-07:00")}
		for _, q := range f.questions {
			var vals []string
			for _, an := range s.answers {
				if an.questionID == q.id {
					vals = append(vals, an.text)
				}
			}
			row = append(row, strings.Join(vals, "; "))
		}
		line(row)
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s (responses).csv"`, f.title))
	w.Header().Set("Content-Type", "text/csv;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	_, _ = w.Write(b.Bytes())
}

func (a *formsApp) deleteSubmissions(w http.ResponseWriter, r *http.Request, u *User) {
	if f := a.formFor(w, r, u, "results_delete"); f != nil {
		f.submissions = nil
		writeOCS(w, r, f.id)
	}
}

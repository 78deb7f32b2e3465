package ncfake

import (
	"fmt"
	"slices"
	"time"
)

// Seeding for News, Cookbook, Bookmarks and Forms, used by the demo and by
// tests that need data a user cannot make through the API alone (answers
// from other people, a subscription without a round trip).

// SubscribeNewsFeed subscribes user to a feed page put with PutWebPage, in
// the folder of that name (made when missing; "" is the root), as News'
// POST feeds would. It returns the feed id.
func (s *Server) SubscribeNewsFeed(user, url, folder string) (int, error) {
	page, ok := s.web.fetch(url)
	if !ok {
		return 0, fmt.Errorf("no web page at %s: PutWebPage it first", url)
	}
	parsed, err := parseFeed(page.body)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", url, err)
	}
	a := s.news
	a.mu.Lock()
	defer a.mu.Unlock()
	folderID := 0
	if folder != "" {
		for _, f := range a.folders {
			if f.owner == user && f.name == folder {
				folderID = f.id
			}
		}
		if folderID == 0 {
			folderID = a.addFolder(user, folder).id
		}
	}
	f := &newsFeed{id: a.next.feed, folderID: folderID, owner: user, url: url, title: parsed.title, lnk: parsed.link, added: time.Now().Unix()}
	a.next.feed++
	a.feeds[f.id] = f
	a.addItems(f, parsed)
	return f.id, nil
}

// AddRecipe stores a schema.org recipe for user, normalised as Cookbook
// saves it, and returns its id.
func (s *Server) AddRecipe(user string, doc map[string]any) int {
	a := s.cookbook
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	rc := &recipe{id: a.next, owner: user, created: now, changed: now}
	a.next++
	a.recipes[rc.id] = rc
	cp := map[string]any{}
	for k, v := range doc {
		cp[k] = v
	}
	normalizeRecipe(cp)
	cp["id"] = fmt.Sprint(rc.id)
	cp["dateCreated"] = now.UTC().Format("2006-01-02T15:04:05-07:00")
	cp["dateModified"] = cp["dateCreated"]
	rc.doc = cp
	return rc.id
}

// AddBookmarkFolder makes a folder for user below parent (-1 is the root)
// and returns its id.
func (s *Server) AddBookmarkFolder(user, title string, parent int) int {
	a := s.bookmarks
	a.mu.Lock()
	defer a.mu.Unlock()
	f := &bmFolder{id: a.next.folder, parent: parent, owner: user, title: title}
	a.next.folder++
	a.folders[f.id] = f
	if p := a.folders[parent]; p != nil {
		p.children = append(p.children, bmChild{folder: true, id: f.id})
	}
	return f.id
}

// AddBookmark bookmarks url for user in the folders (the root when none)
// and returns its id.
func (s *Server) AddBookmark(user, url, title, description string, tags []string, folders ...int) int {
	a := s.bookmarks
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	b := &bookmark{id: a.next.bookmark, owner: user, url: url, title: title, desc: description, added: now, lastModified: now,
		checked: true, tags: slices.Clone(tags)}
	a.next.bookmark++
	if b.title == "" {
		b.title = url
	}
	a.bookmarks[b.id] = b
	if len(folders) == 0 {
		folders = []int{-1}
	}
	for _, f := range folders {
		a.addToFolder(b, f)
	}
	return b.id
}

// FormSeedQuestion is a question for AddForm; Options make it a choice question.
type FormSeedQuestion struct {
	Type, Text string
	Required   bool
	Options    []string
}

// AddForm makes a form owned by owner and returns its id.
func (s *Server) AddForm(owner, title, description string, questions ...FormSeedQuestion) int {
	a := s.forms
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now().Unix()
	f := &form{id: a.next.form, owner: owner, title: title, description: description, created: now, updated: now, hash: formHash(a.next.form)}
	a.next.form++
	for _, sq := range questions {
		q := &formQuestion{id: a.next.question, order: len(f.questions) + 1, typ: sq.Type, text: sq.Text, required: sq.Required}
		a.next.question++
		for _, o := range sq.Options {
			q.options = append(q.options, formOption{id: a.next.option, order: len(q.options) + 1, text: o})
			a.next.option++
		}
		f.questions = append(f.questions, q)
	}
	a.forms[f.id] = f
	return f.id
}

// ShareForm lets user answer the form (and more, with permissions).
func (s *Server) ShareForm(formID int, user string, permissions ...string) {
	a := s.forms
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(permissions) == 0 {
		permissions = []string{"submit"}
	}
	if f := a.forms[formID]; f != nil {
		f.shares = append(f.shares, formShare{id: a.next.share, user: user, permissions: permissions})
		a.next.share++
	}
}

// SubmitForm records user's response; answers are keyed by question text,
// with option texts for choice questions.
func (s *Server) SubmitForm(formID int, user string, answers map[string][]string) error {
	a := s.forms
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.forms[formID]
	if f == nil {
		return fmt.Errorf("no form %d", formID)
	}
	sub := &formSubmission{id: a.next.submission, user: user, timestamp: time.Now().Unix()}
	for _, q := range f.questions {
		for _, v := range answers[q.text] {
			if len(q.options) > 0 && !slices.ContainsFunc(q.options, func(o formOption) bool { return o.text == v }) {
				return fmt.Errorf("question %q has no option %q", q.text, v)
			}
			sub.answers = append(sub.answers, formAnswer{id: a.next.answer, questionID: q.id, text: v})
			a.next.answer++
		}
	}
	a.next.submission++
	f.submissions = append(f.submissions, sub)
	return nil
}

package ncfake

import (
	"context"
	"fmt"
	"os"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A note is a file in the user's Notes folder (the notesPath setting): its
// id is the file id, internalPath is the file's path, and WebDAV sees it
// with its owner (oc:owner-id). The Notes side stays authoritative here:
// every change through the Notes API is written through to the file, but a
// WebDAV change to a note's file does not reach the Notes API.

// newFileID hands out the next file id, shared by files and notes as in
// Nextcloud's one file cache.
func (a *filesApp) newFileID() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.nextID++
	return int(a.nextID)
}

// notesDir is the user's Notes folder. Caller holds a.mu.
func (a *notesApp) notesDir(user string) string {
	return "/" + strings.Trim(a.settingsOf(user)["notesPath"], "/")
}

// notePath is where a note of that category and title lives. Caller holds a.mu.
func (a *notesApp) notePath(user, category, title, suffix string) string {
	dir := a.notesDir(user)
	if category != "" {
		dir += "/" + category
	}
	return dir + "/" + title + suffix
}

// fileTaken reports whether another file already holds the name a note
// would get, so the title gets " (2)" as Notes' generateFileName does.
// Caller holds a.mu.
func (a *notesApp) fileTaken(user, category, title string, self int) bool {
	p := a.notePath(user, category, title, a.settingsOf(user)["fileSuffix"])
	f := a.s.files
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.homes[user]
	if h == nil {
		return false
	}
	m := h.meta[p]
	return m != nil && m.id != int64(self)
}

// writeNoteFile writes the note's file, moving it from oldPath after a
// rename or a new category and removing category folders left empty, as
// Notes does. The fake keeps going when the file cannot be written: the
// Notes side is what its tests look at. Caller holds a.mu.
func (a *notesApp) writeNoteFile(user string, n *fakeNote, oldPath string) {
	f := a.s.files
	f.mu.Lock()
	defer f.mu.Unlock()
	ctx := context.Background()
	h := f.homeOf(user)
	if f.mkdirAll(h, path.Dir(n.path)) != nil {
		return
	}
	if oldPath != "" && oldPath != n.path && h.meta[oldPath] != nil && h.meta[n.path] == nil {
		if f.move(ctx, h, oldPath, n.path) == nil {
			f.pruneEmptyFolders(ctx, h, path.Dir(oldPath), a.notesDir(user))
		}
	}
	m, err := f.writeFile(ctx, h, n.path, []byte(n.content), n.modified)
	if err == nil && m.id != int64(n.id) {
		m.id = int64(n.id)
		m.etag = f.fileETag(m.id)
	}
}

// deleteNoteFile removes the note's file: the user's own goes to the trash
// bin; one shared with them leaves their files only (Nextcloud unshares it
// from them). Caller holds a.mu.
func (a *notesApp) deleteNoteFile(user string, n *fakeNote) {
	if n == nil {
		return
	}
	f := a.s.files
	f.mu.Lock()
	defer f.mu.Unlock()
	ctx := context.Background()
	h := f.homes[user]
	if h == nil || h.meta[n.path] == nil || h.meta[n.path].id != int64(n.id) {
		return
	}
	var err error
	if h.meta[n.path].share != nil {
		err = f.remove(ctx, h, n.path)
	} else {
		err = f.moveToTrash(ctx, h, n.path)
	}
	if err == nil {
		f.pruneEmptyFolders(ctx, h, path.Dir(n.path), a.notesDir(user))
	}
}

// pruneEmptyFolders removes dir and its empty parents below stop. Caller holds a.mu.
func (a *filesApp) pruneEmptyFolders(ctx context.Context, h *fileHome, dir, stop string) {
	for dir != stop && strings.HasPrefix(dir, stop+"/") {
		m := h.meta[dir]
		if m == nil || !m.dir || m.share != nil || len(h.children(dir)) > 0 {
			return
		}
		if a.remove(ctx, h, dir) != nil {
			return
		}
		dir = path.Dir(dir)
	}
}

// ShareNote shares owner's note with recipient, who keeps it in their Notes
// folder under the same category, as after moving the received share there:
// their Notes app lists it with the same id, and WebDAV names owner as the
// file's owner. As with ShareWith, the recipient gets a copy; later edits
// do not cross over.
func (s *Server) ShareNote(owner string, id int, recipient string) error {
	a := s.notes
	ownerName := s.displayNameOf(owner)
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.byUser[owner][id]
	if n == nil {
		return fmt.Errorf("ncfake: share note %d of %s: %w", id, owner, os.ErrNotExist)
	}
	if a.byUser[recipient][id] != nil {
		return fmt.Errorf("ncfake: note %d is already shared with %s", id, recipient)
	}
	title := a.uniqueTitle(recipient, n.title, n.category, id)
	target := a.notePath(recipient, n.category, title, path.Ext(n.path))
	if err := a.mountNotes(owner, n.path, recipient, target, ownerName); err != nil {
		return err
	}
	n.shared = true
	a.receive(recipient, n, n.category, title, target, owner, ownerName)
	return nil
}

// ShareNoteCategory shares owner's category folder with recipient, who
// keeps it in their Notes folder as the same category: every note in it
// (and in its subcategories) is theirs to read, owned by owner.
func (s *Server) ShareNoteCategory(owner, category, recipient string) error {
	a := s.notes
	ownerName := s.displayNameOf(owner)
	category = strings.Trim(category, "/")
	if category == "" {
		return fmt.Errorf("ncfake: share a category, not the whole Notes folder")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	src := a.notesDir(owner) + "/" + category
	target := a.notesDir(recipient) + "/" + category
	if err := a.mountNotes(owner, src, recipient, target, ownerName); err != nil {
		return err
	}
	for _, n := range a.byUser[owner] {
		if n.category == category || strings.HasPrefix(n.category, category+"/") {
			a.receive(recipient, n, n.category, n.title, target+strings.TrimPrefix(n.path, src), owner, ownerName)
		}
	}
	return nil
}

// receive puts the recipient's copy of a shared note in their notes. Caller holds a.mu.
func (a *notesApp) receive(recipient string, n *fakeNote, category, title, p, owner, ownerName string) {
	if a.byUser[recipient] == nil {
		a.byUser[recipient] = map[int]*fakeNote{}
	}
	c := *n
	c.category, c.title, c.path, c.owner, c.ownerName = category, title, p, owner, ownerName
	a.byUser[recipient][n.id] = &c
}

// mountNotes mounts owner's file or folder src at target in recipient's
// files. Caller holds a.mu (the notes lock).
func (a *notesApp) mountNotes(owner, src, recipient, target, ownerName string) error {
	f := a.s.files
	f.mu.Lock()
	defer f.mu.Unlock()
	from, err := f.userHome(owner)
	if err != nil {
		return err
	}
	to, err := f.userHome(recipient)
	if err != nil {
		return err
	}
	if to.meta[target] != nil {
		return fmt.Errorf("ncfake: %s already exists in %s's files", target, recipient)
	}
	if err := f.mkdirAll(to, path.Dir(target)); err != nil {
		return err
	}
	return f.mountAt(context.Background(), from, src, to, target, ownerName)
}

// maxNoteTitle is the longest title (file name without suffix) Notes makes.
const maxNoteTitle = 100

// safeNoteTitle is the file name Notes makes of a title (NoteUtil's
// getSafeTitle): characters other systems refuse in names are dropped, then
// leading dots and spaces, only the first line counts, white space becomes
// a plain space, and at most 100 characters remain.
func safeNoteTitle(title string) string {
	title, _, _ = strings.Cut(strings.ReplaceAll(sanitizeNoteName(title), "\r", "\n"), "\n")
	title = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, title))
	title = truncateRunes(title, maxNoteTitle)
	if title == "" {
		return "New note"
	}
	return title
}

// safeNoteCategory is the category folder Notes makes: each level
// sanitised like a title, empty levels dropped.
func safeNoteCategory(category string) string {
	var levels []string
	for _, l := range strings.Split(category, "/") {
		if l = sanitizeNoteName(l); l != "" {
			levels = append(levels, l)
		}
	}
	return strings.Join(levels, "/")
}

func sanitizeNoteName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`*|/\:"<>?`, r) {
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, ". \t\r\f\v")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

package index

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Kinds of skipped files.
const (
	SkipTooLarge = "too_large"
	SkipNoText   = "no_text"
	SkipFailed   = "failed"
)

// spoolThreshold: files up to this size are extracted from memory, larger
// ones from a temporary file, so memory stays bounded with several workers.
const spoolThreshold = 8 << 20

// filesWalk is one files sync in progress.
type filesWalk struct {
	docs     map[string]storedDoc
	byFileID map[int64]storedDoc
	skipped  map[string]storedSkip
	folders  map[string]string
	// walked are folders listed in this run, with the etag to store once
	// everything below them is indexed.
	walked map[string]string
	// incomplete folders had a file that could not be fetched: their etag
	// is not stored, so the next sync looks again.
	incomplete map[string]bool
	gone       []string
	jobs       []nextcloud.FileEntry
	// children are the stored documents, skipped files and folders by
	// parent folder, as loaded: what a folder listing is compared with.
	children map[string][]string
}

// markIncomplete keeps the folders above p from storing their new etags.
func (w *filesWalk) markIncomplete(p string) {
	for dir := path.Dir(p); ; dir = path.Dir(dir) {
		w.incomplete[dir] = true
		if dir == "/" {
			return
		}
	}
}

type storedSkip struct {
	ETag   string
	FileID int64
	Parent string
}

// syncFiles walks the chosen folders from the top, descending only into
// folders whose etag changed (Nextcloud propagates a change's new etag up
// to the root), so an unchanged folder costs one PROPFIND. Renames are
// recognised by file id and etag and cost no download; files that are
// gone from a listed folder leave the index.
func (r *run) syncFiles() error {
	roots, err := r.ix.Folders()
	if err != nil {
		return err
	}
	w := &filesWalk{walked: map[string]string{}, incomplete: map[string]bool{}}
	if err := r.loadFilesState(w); err != nil {
		return err
	}
	if err := r.pruneOutside(w, roots); err != nil {
		return err
	}
	var missing []string
	for _, root := range roots {
		self, err := r.c.Stat(r.ctx, root)
		if errors.Is(err, nextcloud.ErrNotFound) {
			missing = append(missing, root)
			w.gone = append(w.gone, root)
			continue
		}
		if err != nil {
			return err
		}
		if !self.IsDir {
			missing = append(missing, root)
			continue
		}
		if w.folders[root] == self.ETag {
			continue
		}
		if err := r.walkFolder(w, root, self.ETag); err != nil {
			return err
		}
	}
	r.total = len(w.jobs)
	r.report(false)
	if err := r.fetchFiles(w); err != nil {
		return err
	}
	if err := r.applyGone(w); err != nil {
		return err
	}
	err = r.flush(func(tx *sql.Tx) error {
		for dir, etag := range w.walked {
			if w.incomplete[dir] {
				continue
			}
			if _, err := tx.ExecContext(r.ctx, "INSERT INTO folders(path, etag) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET etag = excluded.etag", dir, etag); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("the indexed folder %s is not a folder on the server any more: run `nextcloud-mcp index remove %s` or create it again", strings.Join(missing, ", "), missing[0])
	}
	return nil
}

func (r *run) loadFilesState(w *filesWalk) error {
	var err error
	if w.docs, err = r.ix.docsOf(r.ctx, SourceFiles, nil); err != nil {
		return err
	}
	w.byFileID = map[int64]storedDoc{}
	for _, d := range w.docs {
		if d.FileID != 0 {
			w.byFileID[d.FileID] = d
		}
	}
	db, err := r.ix.handle(r.ctx)
	if err != nil {
		return err
	}
	w.skipped = map[string]storedSkip{}
	rows, err := db.QueryContext(r.ctx, "SELECT key, etag, fileid, parent FROM skipped WHERE source = ?", SourceFiles)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		var s storedSkip
		if err := rows.Scan(&k, &s.ETag, &s.FileID, &s.Parent); err != nil {
			rows.Close()
			return err
		}
		w.skipped[k] = s
	}
	rows.Close()
	w.folders = map[string]string{}
	rows, err = db.QueryContext(r.ctx, "SELECT path, etag FROM folders")
	if err != nil {
		return err
	}
	for rows.Next() {
		var p, e string
		if err := rows.Scan(&p, &e); err != nil {
			rows.Close()
			return err
		}
		w.folders[p] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	w.children = map[string][]string{}
	for k, d := range w.docs {
		w.children[d.Parent] = append(w.children[d.Parent], k)
	}
	for k, s := range w.skipped {
		w.children[s.Parent] = append(w.children[s.Parent], k)
	}
	for p := range w.folders {
		if p != "/" {
			w.children[path.Dir(p)] = append(w.children[path.Dir(p)], p)
		}
	}
	return nil
}

// pruneOutside drops what lies outside every chosen folder (a folder the
// user removed).
func (r *run) pruneOutside(w *filesWalk, roots []string) error {
	inside := func(p string) bool {
		return slices.ContainsFunc(roots, func(root string) bool { return within(p, root) })
	}
	for key := range w.docs {
		if !inside(key) {
			if err := r.del(key); err != nil {
				return err
			}
			delete(w.byFileID, w.docs[key].FileID)
			delete(w.docs, key)
		}
	}
	var skips, dirs []string
	for k := range w.skipped {
		if !inside(k) {
			skips = append(skips, k)
			delete(w.skipped, k)
		}
	}
	for k := range w.folders {
		if !inside(k) {
			dirs = append(dirs, k)
			delete(w.folders, k)
		}
	}
	if len(skips)+len(dirs) == 0 {
		return nil
	}
	return r.exec(func(tx *sql.Tx) error {
		for _, k := range skips {
			if _, err := tx.ExecContext(r.ctx, "DELETE FROM skipped WHERE source = ? AND key = ?", SourceFiles, k); err != nil {
				return err
			}
		}
		for _, k := range dirs {
			if _, err := tx.ExecContext(r.ctx, "DELETE FROM folders WHERE path = ?", k); err != nil {
				return err
			}
		}
		return nil
	})
}

// walkFolder lists dir and decides for each child: descend, keep, rename,
// skip or fetch. Children the listing no longer has are collected as gone.
func (r *run) walkFolder(w *filesWalk, dir, etag string) error {
	if err := r.ctx.Err(); err != nil {
		return context.Cause(r.ctx)
	}
	_, children, err := r.c.ListDir(r.ctx, dir)
	if errors.Is(err, nextcloud.ErrNotFound) {
		// Deleted after its parent was listed: what it held goes too, and
		// the folders above keep their old etags so the next sync looks
		// again rather than trusting a listing that is already out of date.
		w.gone = append(w.gone, dir)
		w.markIncomplete(dir)
		return nil
	}
	if err != nil {
		return err
	}
	w.walked[dir] = etag
	listed := map[string]bool{}
	for _, ch := range children {
		listed[ch.Path] = true
		if ch.IsDir {
			if w.folders[ch.Path] != ch.ETag {
				if err := r.walkFolder(w, ch.Path, ch.ETag); err != nil {
					return err
				}
			}
			continue
		}
		if err := r.considerFile(w, ch); err != nil {
			return err
		}
	}
	for _, key := range w.children[dir] {
		if !listed[key] {
			w.gone = append(w.gone, key)
		}
	}
	return nil
}

// considerFile decides what one listed file needs.
func (r *run) considerFile(w *filesWalk, f nextcloud.FileEntry) error {
	if d, ok := w.docs[f.Path]; ok && d.ETag == f.ETag {
		return nil
	}
	if s, ok := w.skipped[f.Path]; ok && s.ETag == f.ETag {
		return nil
	}
	parent := path.Dir(f.Path)
	if d, ok := w.byFileID[f.FileID]; ok && f.FileID != 0 && d.ETag == f.ETag && d.Key != f.Path {
		// Moved or renamed: same file id and content, new path.
		old := d.Key
		delete(w.docs, old)
		d.Key, d.Parent = f.Path, parent
		w.docs[f.Path] = d
		w.byFileID[f.FileID] = d
		r.rep.Updated++
		return r.exec(func(tx *sql.Tx) error { return renameFileDoc(r.ctx, tx, r.ix.trigramText, d.ID, f) })
	}
	if f.Size > r.ix.opts.MaxFileSize {
		return r.skip(w, f, SkipTooLarge, fmt.Sprintf("larger than %d MB", r.ix.opts.MaxFileSize>>20))
	}
	if noText(f.ContentType) {
		return r.skip(w, f, SkipNoText, "no text in "+f.ContentType)
	}
	w.jobs = append(w.jobs, f)
	return nil
}

// noText lists types that hold no text worth a download. Everything else is
// handed to the extractor, which says what it cannot read.
func noText(contentType string) bool {
	ct, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	for _, p := range []string{"image/", "video/", "audio/", "font/", "model/"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	switch ct {
	case "application/octet-stream", "application/zip", "application/x-tar", "application/gzip", "application/x-gzip",
		"application/x-7z-compressed", "application/x-rar-compressed", "application/vnd.rar", "application/x-bzip2",
		"application/x-xz", "application/x-iso9660-image", "application/x-executable", "application/x-msdownload",
		"application/vnd.android.package-archive", "application/java-archive", "application/x-sqlite3",
		"application/x-apple-diskimage", "application/x-deb", "application/x-rpm", "application/wasm":
		return true
	}
	return false
}

func (r *run) skip(w *filesWalk, f nextcloud.FileEntry, kind, reason string) error {
	r.rep.Skipped++
	w.skipped[f.Path] = storedSkip{ETag: f.ETag, FileID: f.FileID, Parent: path.Dir(f.Path)}
	if _, ok := w.docs[f.Path]; ok {
		// It was indexed before and changed into something skipped.
		if err := r.del(f.Path); err != nil {
			return err
		}
		delete(w.docs, f.Path)
	}
	return r.exec(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(r.ctx, `INSERT INTO skipped(source, key, parent, etag, fileid, size, kind, reason) VALUES (?,?,?,?,?,?,?,?)
ON CONFLICT(source, key) DO UPDATE SET parent = excluded.parent, etag = excluded.etag, fileid = excluded.fileid, size = excluded.size, kind = excluded.kind, reason = excluded.reason`,
			SourceFiles, f.Path, path.Dir(f.Path), f.ETag, f.FileID, f.Size, kind, reason)
		return err
	})
}

// fileText is a downloaded and extracted file.
type fileText struct {
	entry   nextcloud.FileEntry
	title   string
	text    string
	extract error
}

// fetchFiles downloads and extracts the queued files with the workers and
// writes each result as it arrives: the cheap ones first, committed before
// the costly ones start (byCost).
func (r *run) fetchFiles(w *filesWalk) error {
	cheap, costly := byCost(w.jobs)
	if err := r.fetchSome(w, cheap); err != nil {
		return err
	}
	if len(cheap) > 0 && len(costly) > 0 {
		if err := r.flush(nil); err != nil {
			return err
		}
	}
	return r.fetchSome(w, costly)
}

func (r *run) fetchSome(w *filesWalk, jobs []nextcloud.FileEntry) error {
	return fetchEach(r.ctx, r.ix.opts.Workers, jobs, r.fetchFile, func(f nextcloud.FileEntry, ft *fileText, err error) error {
		r.done++
		if err != nil {
			if r.ctx.Err() != nil {
				return context.Cause(r.ctx)
			}
			// A download that failed (network, server error, deleted
			// meanwhile) is retried by the next sync: its folders keep
			// their old etag.
			r.ix.opts.Logger.Warn("could not download a file to index", "path", f.Path, "err", err)
			w.markIncomplete(f.Path)
			r.report(false)
			return nil
		}
		if ft.extract != nil {
			kind := SkipFailed
			if errors.Is(ft.extract, extract.ErrUnsupported) {
				kind = SkipNoText
			}
			return r.skip(w, f, kind, ft.extract.Error())
		}
		if _, ok := w.skipped[f.Path]; ok {
			delete(w.skipped, f.Path)
			if err := r.exec(func(tx *sql.Tx) error {
				_, err := tx.ExecContext(r.ctx, "DELETE FROM skipped WHERE source = ? AND key = ?", SourceFiles, f.Path)
				return err
			}); err != nil {
				return err
			}
		}
		_, existed := w.docs[f.Path]
		return r.put(fileDoc(f, ft.title, ft.text), existed)
	})
}

// fetchFile downloads one file (bounded by the size cap; big files go
// through a temporary file) and extracts its text.
func (r *run) fetchFile(ctx context.Context, f nextcloud.FileEntry) (*fileText, error) {
	fc, err := r.c.ReadFile(ctx, f.Path, nextcloud.ReadOptions{MaxBytes: r.ix.opts.MaxFileSize})
	if err != nil {
		return nil, err
	}
	defer fc.Body.Close()
	if fc.ETag != "" {
		// The listing's etag can be older than the bytes just read; keep the
		// one that matches them.
		f.ETag = fc.ETag
	}
	var ra io.ReaderAt
	var size int64
	if f.Size <= spoolThreshold {
		b, err := io.ReadAll(fc.Body)
		if err != nil {
			return nil, err
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	} else {
		tmp, err := os.CreateTemp(r.ix.dir, ".download-*")
		if err != nil {
			return nil, fmt.Errorf("spool %s: %w", f.Path, err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if size, err = io.Copy(tmp, fc.Body); err != nil {
			return nil, err
		}
		ra = tmp
	}
	ct := f.ContentType
	if ct == "" {
		ct = fc.ContentType
	}
	out := &fileText{entry: f}
	doc, err := r.ix.opts.Extractor.Extract(ctx, ra, size, ct, extract.Options{Name: path.Base(f.Path)})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out.extract = err
		return out, nil
	}
	out.title, out.text = doc.Title, doc.Text()
	return out, nil
}

func fileDoc(f nextcloud.FileEntry, docTitle, text string) doc {
	return doc{
		Source: SourceFiles, App: AppFiles, Key: f.Path, Parent: path.Dir(f.Path),
		Title: f.Name, TitleText: fileTitleText(f.Name, docTitle), Body: text,
		Meta: folderWords(path.Dir(f.Path)), Modified: f.Modified, ETag: f.ETag, FileID: f.FileID,
		Open: fileOpen(f.Path), Author: f.OwnerID,
	}
}

func fileOpen(p string) OpenRef {
	return OpenRef{Tool: "nc_webdav_read_file", Args: map[string]any{"path": strings.TrimPrefix(p, "/")}}
}

// fileTitleText is what is indexed as a file's title: its name, then the
// document's own title when it has one.
func fileTitleText(name, docTitle string) string {
	if docTitle == "" || docTitle == name {
		return name
	}
	return name + "\n" + docTitle
}

// folderWords turns "/Documents/Projects" into "Documents Projects".
func folderWords(dir string) string {
	return strings.TrimSpace(strings.ReplaceAll(dir, "/", " "))
}

// renameFileDoc moves a document to a new path and re-indexes its title and
// folder from the text already held, without a download.
func renameFileDoc(ctx context.Context, tx *sql.Tx, trigramText func(string) string, id int64, f nextcloud.FileEntry) error {
	var titleText, body string
	if err := tx.QueryRowContext(ctx, "SELECT title, body FROM fts_words WHERE rowid = ?", id).Scan(&titleText, &body); err != nil {
		return err
	}
	_, docTitle, _ := strings.Cut(titleText, "\n")
	titleText = fileTitleText(f.Name, docTitle)
	meta := folderWords(path.Dir(f.Path))
	if _, err := tx.ExecContext(ctx, "UPDATE docs SET key = ?, parent = ?, title = ?, modified = ?, open = ?, author = ? WHERE id = ?",
		f.Path, path.Dir(f.Path), f.Name, f.Modified.Unix(), mustJSON(fileOpen(f.Path)), f.OwnerID, id); err != nil {
		return err
	}
	if err := deleteText(ctx, tx, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO fts_words(rowid, title, body, meta) VALUES (?,?,?,?)", id, titleText, body, meta); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO fts_tri(rowid, title, body, meta) VALUES (?,?,?,?)", id, titleText, trigramText(body), meta)
	return err
}

// applyGone deletes what disappeared, after renames were applied, so a
// moved file is not deleted under its old path.
func (r *run) applyGone(w *filesWalk) error {
	for _, p := range w.gone {
		p := p
		for key := range w.docs {
			if within(key, p) {
				r.rep.Deleted++
				delete(w.docs, key)
			}
		}
		if err := r.exec(func(tx *sql.Tx) error {
			like := p + "/"
			if p == "/" {
				like = "/"
			}
			for _, q := range []string{
				"DELETE FROM docs WHERE source = 'files' AND (key = ? OR substr(key, 1, ?) = ?)",
				"DELETE FROM skipped WHERE source = 'files' AND (key = ? OR substr(key, 1, ?) = ?)",
				"DELETE FROM folders WHERE (path = ? OR substr(path, 1, ?) = ?)",
			} {
				if _, err := tx.ExecContext(r.ctx, q, p, len(like), like); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

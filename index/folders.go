package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// settingsFile keeps the user's folder choice beside the database, so
// clearing or rebuilding the index does not forget it.
const settingsFile = "settings.json"

type settings struct {
	// Folders are the roots of the files source, "/Documents"; "/" is everything.
	Folders []string `json:"folders"`
}

// CleanFolder turns "Documents/", "/Documents" or "Documents" into
// "/Documents"; ".." is refused.
func CleanFolder(p string) (string, error) {
	p = strings.TrimSpace(strings.ReplaceAll(p, "\\", "/"))
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return "", fmt.Errorf("folder %q contains '..': give a path inside your files, like Documents/Projects", p)
		}
	}
	return path.Clean("/" + p), nil
}

// within reports whether p is root or below it.
func within(p, root string) bool {
	return root == "/" || p == root || strings.HasPrefix(p, root+"/")
}

func (ix *Index) readSettings() (settings, error) {
	var s settings
	b, err := os.ReadFile(filepath.Join(ix.dir, settingsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read the index settings: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		// A damaged settings file is replaced by the next change; until then
		// no folder is indexed, which is the safe default.
		ix.opts.Logger.Warn("ignoring damaged index settings", "path", filepath.Join(ix.dir, settingsFile), "err", err)
		return settings{}, nil
	}
	return s, nil
}

// writeSettings replaces the file atomically (temp file + rename).
func (ix *Index) writeSettings(s settings) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(ix.dir, ".settings-*.json")
	if err != nil {
		return fmt.Errorf("save the index settings: %w (%w)", ErrUnwritable, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("save the index settings: %w (%w)", ErrUnwritable, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save the index settings: %w (%w)", ErrUnwritable, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(ix.dir, settingsFile)); err != nil {
		return fmt.Errorf("save the index settings: %w (%w)", ErrUnwritable, err)
	}
	return nil
}

// Folders returns the folders chosen for indexing.
func (ix *Index) Folders() ([]string, error) {
	s, err := ix.readSettings()
	return s.Folders, err
}

// AddFolder chooses a folder for indexing. A folder already covered by a
// chosen one changes nothing (added false); a parent of chosen folders
// replaces them.
func (ix *Index) AddFolder(p string) (clean string, added bool, err error) {
	clean, err = CleanFolder(p)
	if err != nil {
		return "", false, err
	}
	s, err := ix.readSettings()
	if err != nil {
		return "", false, err
	}
	for _, f := range s.Folders {
		if within(clean, f) {
			return clean, false, nil
		}
	}
	s.Folders = slices.DeleteFunc(s.Folders, func(f string) bool { return within(f, clean) })
	s.Folders = append(s.Folders, clean)
	slices.Sort(s.Folders)
	return clean, true, ix.writeSettings(s)
}

// RemoveFolder stops indexing a chosen folder; its documents leave the
// index with the next sync. A folder that was not chosen is an error naming
// the chosen ones.
func (ix *Index) RemoveFolder(p string) (string, error) {
	clean, err := CleanFolder(p)
	if err != nil {
		return "", err
	}
	s, err := ix.readSettings()
	if err != nil {
		return "", err
	}
	if !slices.Contains(s.Folders, clean) {
		if len(s.Folders) == 0 {
			return "", fmt.Errorf("%s is not indexed: no folder is", clean)
		}
		return "", fmt.Errorf("%s is not one of the indexed folders (%s)", clean, strings.Join(s.Folders, ", "))
	}
	s.Folders = slices.DeleteFunc(s.Folders, func(f string) bool { return f == clean })
	return clean, ix.writeSettings(s)
}

// Covers reports whether a path lies in a chosen folder.
func (ix *Index) Covers(p string) (bool, error) {
	clean, err := CleanFolder(p)
	if err != nil {
		return false, err
	}
	fs, err := ix.Folders()
	if err != nil {
		return false, err
	}
	for _, f := range fs {
		if within(clean, f) {
			return true, nil
		}
	}
	return false, nil
}

// PruneFiles removes at once the files that lie outside the chosen folders
// (after RemoveFolder), instead of waiting for the next sync. It answers
// ErrBusy while another process syncs; that sync prunes them itself.
func (ix *Index) PruneFiles(ctx context.Context) (int, error) {
	roots, err := ix.Folders()
	if err != nil {
		return 0, err
	}
	if err := ix.acquireLease(ctx); err != nil {
		return 0, err
	}
	defer ix.releaseLease()
	inside := func(p string) bool {
		return slices.ContainsFunc(roots, func(root string) bool { return within(p, root) })
	}
	removed := 0
	err = ix.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []struct{ sel, del string }{
			{"SELECT key FROM docs WHERE source = 'files'", "DELETE FROM docs WHERE source = 'files' AND key = ?"},
			{"SELECT key FROM skipped WHERE source = 'files'", "DELETE FROM skipped WHERE source = 'files' AND key = ?"},
			{"SELECT path FROM folders", "DELETE FROM folders WHERE path = ?"},
		} {
			rows, err := tx.QueryContext(ctx, q.sel)
			if err != nil {
				return err
			}
			var out []string
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					rows.Close()
					return err
				}
				if !inside(k) {
					out = append(out, k)
				}
			}
			rows.Close()
			for _, k := range out {
				if _, err := tx.ExecContext(ctx, q.del, k); err != nil {
					return err
				}
			}
			if strings.Contains(q.sel, "docs") {
				removed = len(out)
			}
		}
		return nil
	})
	return removed, err
}

package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Plan is a computed change to one client's config file. Nothing is written
// until it is committed, so --dry-run is simply a plan that is only shown.
type Plan struct {
	Client Client
	Path   string
	Name   string
	// Old is the file as read (nil when it did not exist).
	Old []byte
	// New is the file as it would be written.
	New    []byte
	Result Result
}

// ErrInvalidConfig marks a config file we refuse to touch because it does
// not parse; it wraps a *SyntaxError with the line and column.
var ErrInvalidConfig = errors.New("config file is not valid")

// InvalidConfigError is returned for a file that does not parse. The file
// is never touched in that case.
type InvalidConfigError struct {
	Path  string
	JSONC bool
	Err   error // a *SyntaxError with the line and column
}

func (e *InvalidConfigError) Error() string {
	kind := "JSON"
	if e.JSONC {
		kind = "JSON (comments and trailing commas are allowed here)"
	}
	return fmt.Sprintf("%s is not valid %s: %v. Nothing was changed: fix the file (or move it aside) and run this again",
		e.Path, kind, e.Err)
}

func (e *InvalidConfigError) Unwrap() []error { return []error{ErrInvalidConfig, e.Err} }

// ErrChangedMeanwhile means the file changed between planning and writing,
// for example because the client rewrote it.
var ErrChangedMeanwhile = errors.New("the config file changed while it was being edited")

// PlanInstall computes adding or replacing our entry named name.
func PlanInstall(c Client, path, name string, e Entry) (*Plan, error) {
	if name == "" {
		return nil, errors.New("the entry name must not be empty")
	}
	d, old, err := readConfig(c, path)
	if err != nil {
		return nil, err
	}
	out, res, err := d.upsert(c.Section, name, c.render(e))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Plan{Client: c, Path: path, Name: name, Old: old, New: out, Result: res}, nil
}

// PlanUninstall computes removing our entry named name.
func PlanUninstall(c Client, path, name string) (*Plan, error) {
	d, old, err := readConfig(c, path)
	if err != nil {
		return nil, err
	}
	out, res, err := d.remove(c.Section, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Plan{Client: c, Path: path, Name: name, Old: old, New: out, Result: res}, nil
}

func readConfig(c Client, path string) (*document, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	d, perr := parseConfig(raw, c.JSONC)
	if perr != nil {
		return nil, nil, &InvalidConfigError{Path: path, JSONC: c.JSONC, Err: perr}
	}
	return d, raw, nil
}

// Commit writes the plan's new content (unless nothing changed) and returns
// the backup path. It refuses when the file no longer matches what was planned.
func (w Writer) Commit(p *Plan) (backup string, err error) {
	if p.Result == Unchanged {
		return "", nil
	}
	now, err := os.ReadFile(p.Path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", p.Path, err)
	}
	if !bytes.Equal(now, p.Old) {
		return "", fmt.Errorf("%s: %w; run the command again", p.Path, ErrChangedMeanwhile)
	}
	return w.Write(p.Path, p.New)
}

package localfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Path is a local path proven to be inside an allowed folder.
type Path struct {
	root *root
	// rel is relative to the root, with OS separators; "." is the root itself.
	rel string
}

// String is the canonical absolute path, for messages.
func (p Path) String() string {
	if p.rel == "." {
		return p.root.dir
	}
	return filepath.Join(p.root.dir, p.rel)
}

// Base is the last element of the path.
func (p Path) Base() string { return filepath.Base(p.String()) }

// Join returns the path of name (one or more slash-separated elements)
// inside p. name must not climb out: ".." is refused.
func (p Path) Join(name string) (Path, error) {
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return Path{}, fmt.Errorf("name %q contains '..'", name)
		}
		if err := checkPlatformName(seg); err != nil {
			return Path{}, fmt.Errorf("name %q: %w", name, err)
		}
	}
	rel := filepath.Join(p.rel, filepath.FromSlash(name))
	return Path{root: p.root, rel: rel}, nil
}

// Resolve checks a user-supplied local path and returns where it really is.
// Relative paths are taken inside the only allowed folder (and refused when
// there are several). Symbolic links are resolved before the check, so a
// link that leads outside is refused, and ".." is refused outright.
func (r *Roots) Resolve(p string) (Path, error) {
	if r.Empty() {
		return Path{}, ErrNoRoots
	}
	if strings.TrimSpace(p) == "" {
		return Path{}, errors.New("the local path is empty: give a path inside one of the allowed folders (" + r.list() + ")")
	}
	if strings.ContainsRune(p, 0) {
		return Path{}, fmt.Errorf("local path %q contains a NUL byte", p)
	}
	exp, err := expandHome(p)
	if err != nil {
		return Path{}, err
	}
	if err := checkPlatformPath(exp); err != nil {
		return Path{}, fmt.Errorf("local path %q: %w", p, err)
	}
	if hasDotDot(exp) {
		return Path{}, fmt.Errorf("local path %q contains '..', which is not allowed: give the full path inside one of the allowed folders (%s)", p, r.list())
	}
	if !filepath.IsAbs(exp) {
		if len(r.roots) != 1 {
			return Path{}, fmt.Errorf("local path %q is relative and there are several allowed folders: give an absolute path inside one of them (%s)", p, r.list())
		}
		exp = filepath.Join(r.roots[0].dir, exp)
	}
	clean := filepath.Clean(exp)
	resolved, err := resolveExisting(clean)
	if err != nil {
		return Path{}, fmt.Errorf("local path %q: %w", p, err)
	}
	if rt, rel, ok := r.match(resolved); ok {
		return Path{root: rt, rel: rel}, nil
	}
	if _, _, ok := r.match(clean); ok {
		return Path{}, fmt.Errorf("local path %q goes through a symbolic link to %s, which is %w (%s)", p, resolved, ErrOutside, r.list())
	}
	return Path{}, fmt.Errorf("local path %q is %w (%s): use a path inside one of them, or allow its folder with --local-dir", p, ErrOutside, r.list())
}

// match finds the allowed folder that holds p (the deepest one) and p's
// path relative to it.
func (r *Roots) match(p string) (*root, string, bool) {
	var best *root
	var bestRel string
	for _, rt := range r.roots {
		rel, ok := within(rt.dir, p, rt.fold, filepath.Separator)
		if ok && (best == nil || len(rt.dir) > len(best.dir)) {
			best, bestRel = rt, rel
		}
	}
	return best, bestRel, best != nil
}

func (r *Roots) list() string {
	if r.Empty() {
		return "(none)"
	}
	return strings.Join(r.Dirs(), ", ")
}

// resolveExisting resolves symbolic links in the longest part of p that
// exists and appends the rest, which cannot hold links because it does not
// exist yet.
func resolveExisting(p string) (string, error) {
	var rest []string
	cur := p
	for {
		res, err := filepath.EvalSymlinks(cur)
		if err == nil {
			if len(rest) == 0 {
				return res, nil
			}
			for i, j := 0, len(rest)-1; i < j; i, j = i+1, j-1 {
				rest[i], rest[j] = rest[j], rest[i]
			}
			return filepath.Join(append([]string{res}, rest...)...), nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return "", err
		}
		rest = append(rest, filepath.Base(cur))
		cur = parent
	}
}

// hasDotDot reports a ".." element, with either separator (a backslash is a
// separator on Windows; elsewhere a name containing one cannot be "..").
func hasDotDot(p string) bool {
	for _, seg := range strings.FieldsFunc(p, func(c rune) bool { return c == '/' || c == filepath.Separator }) {
		if seg == ".." {
			return true
		}
	}
	return false
}

// within reports whether p is root or below it and returns p relative to
// root. With fold the comparison ignores letter case, as the file system
// does; without, "/Data" is not inside "/data". Both must be clean.
func within(root, p string, fold bool, sep byte) (string, bool) {
	eq := func(a, b string) bool {
		if fold {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	if eq(root, p) {
		return ".", true
	}
	prefix := root
	if !strings.HasSuffix(prefix, string(sep)) {
		prefix += string(sep)
	}
	if len(p) <= len(prefix) || !eq(p[:len(prefix)], prefix) {
		return "", false
	}
	return p[len(prefix):], true
}

// caseInsensitive probes whether dir's file system ignores letter case: the
// same path with its case flipped names the same folder.
func caseInsensitive(dir string) bool {
	flipped := flipCase(dir)
	if flipped == dir {
		return false
	}
	a, err := os.Stat(dir)
	if err != nil {
		return false
	}
	b, err := os.Stat(flipped)
	if err != nil {
		return false
	}
	return os.SameFile(a, b)
}

func flipCase(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		c := b[i]
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
			return string(b)
		case 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
			return string(b)
		}
	}
	return s
}

package localfs

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// newRoots allows one fresh temp folder and returns it canonical.
func newRoots(t *testing.T, opts ...Option) (*Roots, string) {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := New([]string{dir}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, dir
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got nil", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

func TestNewChecksFolders(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "f.txt"), "x")
	_, err := New([]string{filepath.Join(dir, "missing")})
	wantErr(t, err, "does not exist")
	_, err = New([]string{filepath.Join(dir, "f.txt")})
	wantErr(t, err, "is a file, not a folder")

	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := New([]string{dir, sub, dir + string(filepath.Separator), " "})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Dirs(); len(got) != 1 {
		t.Fatalf("a folder inside an allowed one and duplicates are kept once: %v", got)
	}
	var none *Roots
	if !none.Empty() || none.Dirs() != nil {
		t.Fatal("nil roots must be empty")
	}
	if _, err := none.Resolve("/x"); !errors.Is(err, ErrNoRoots) {
		t.Fatalf("nil roots resolve: %v", err)
	}
}

func TestSplitList(t *testing.T) {
	sep := string(filepath.ListSeparator)
	got := SplitList(" /a " + sep + sep + "/b")
	if len(got) != 2 || got[0] != "/a" || got[1] != "/b" {
		t.Fatalf("SplitList: %q", got)
	}
}

func TestResolve(t *testing.T) {
	r, dir := newRoots(t)
	write(t, filepath.Join(dir, "docs", "a.txt"), "a")
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.txt"), "s")

	p, err := r.Resolve(filepath.Join(dir, "docs", "a.txt"))
	if err != nil || p.String() != filepath.Join(dir, "docs", "a.txt") {
		t.Fatalf("inside: %v %v", p, err)
	}
	if p, err = r.Resolve("docs/a.txt"); err != nil || p.String() != filepath.Join(dir, "docs", "a.txt") {
		t.Fatalf("relative with one root: %v %v", p, err)
	}
	if p, err = r.Resolve(filepath.Join(dir, "docs", "new", "b.txt")); err != nil || p.rel != filepath.Join("docs", "new", "b.txt") {
		t.Fatalf("a path that does not exist yet: %v %v", p, err)
	}
	_, err = r.Resolve(dir + "/docs/../../etc/passwd")
	wantErr(t, err, "contains '..'")
	_, err = r.Resolve(filepath.Join(outside, "secret.txt"))
	wantErr(t, err, "outside the allowed local folders", dir)
	if !errors.Is(err, ErrOutside) {
		t.Fatalf("want ErrOutside: %v", err)
	}
	_, err = r.Resolve("")
	wantErr(t, err, "empty")
	_, err = r.Resolve("a\x00b")
	wantErr(t, err, "NUL")

	// A prefix that is not a path boundary is not inside: /x/root vs /x/rootother.
	sibling := dir + "other"
	if err := os.Mkdir(sibling, 0o755); err == nil {
		defer os.RemoveAll(sibling)
		_, err = r.Resolve(filepath.Join(sibling, "f"))
		wantErr(t, err, "outside")
	}
}

func TestResolveRelativeNeedsOneRoot(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	r, err := New([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Resolve("x.txt")
	wantErr(t, err, "relative", "several allowed folders")
}

func TestSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	r, dir := newRoots(t)
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.txt"), "secret")
	write(t, filepath.Join(dir, "real", "ok.txt"), "ok")
	if err := os.Symlink(outside, filepath.Join(dir, "evil")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "evil.txt")); err != nil {
		t.Fatal(err)
	}
	// An absolute link that stays inside is fine: it is resolved before the check.
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "alias")); err != nil {
		t.Fatal(err)
	}

	_, err := r.Resolve(filepath.Join(dir, "evil", "secret.txt"))
	wantErr(t, err, "symbolic link", "outside")
	_, err = r.OpenSource(filepath.Join(dir, "evil.txt"))
	wantErr(t, err, "symbolic link", "outside")
	p, err := r.Resolve(filepath.Join(dir, "evil", "new.txt"))
	if err == nil {
		t.Fatalf("writing through a link out must be refused, got %v", p)
	}

	src, err := r.OpenSource(filepath.Join(dir, "alias", "ok.txt"))
	if err != nil {
		t.Fatalf("a link inside the root: %v", err)
	}
	src.Close()

	// A root reached through a link: the user may name it either way.
	link := filepath.Join(t.TempDir(), "rootlink")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(filepath.Join(link, "real", "ok.txt")); err != nil {
		t.Fatalf("path through a link to the root: %v", err)
	}
}

// A folder swapped for a link after the check still cannot lead outside:
// the open goes through os.Root.
func TestSwapAfterResolveStaysInside(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	r, dir := newRoots(t)
	outside := t.TempDir()
	write(t, filepath.Join(outside, "f.txt"), "outside")
	write(t, filepath.Join(dir, "d", "f.txt"), "inside")
	p, err := r.Resolve(filepath.Join(dir, "d", "f.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "d")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "d")); err != nil {
		t.Fatal(err)
	}
	if s, err := p.OpenSource(); err == nil {
		b := make([]byte, 7)
		n, _ := s.ReadAt(b, 0)
		s.Close()
		t.Fatalf("opened through a swapped link: %q", b[:n])
	}
}

func TestWithin(t *testing.T) {
	for _, c := range []struct {
		root, p string
		fold    bool
		rel     string
		ok      bool
	}{
		{"/data", "/data", false, ".", true},
		{"/data", "/data/a/b", false, "a/b", true},
		{"/data", "/database/x", false, "", false},
		{"/data", "/Data/a", false, "", false},
		{"/data", "/Data/a", true, "a", true},
		{"/Users/Me/Downloads", "/users/me/downloads/report.PDF", true, "report.PDF", true},
		{"/Users/Me/Downloads", "/users/me/downloadsX/a", true, "", false},
		{"/", "/etc", false, "etc", true},
	} {
		rel, ok := within(c.root, c.p, c.fold, '/')
		if rel != c.rel || ok != c.ok {
			t.Errorf("within(%q, %q, fold=%v) = %q, %v; want %q, %v", c.root, c.p, c.fold, rel, ok, c.rel, c.ok)
		}
	}
	if rel, ok := within(`C:\Users\me`, `c:\users\ME\x.txt`, true, '\\'); !ok || rel != "x.txt" {
		t.Errorf("windows fold: %q %v", rel, ok)
	}
}

func TestCaseInsensitiveProbe(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "abc")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := os.Stat(filepath.Join(dir, "abC"))
	want := err == nil
	if got := caseInsensitive(sub); got != want {
		t.Fatalf("caseInsensitive = %v, the file system says %v", got, want)
	}
	if flipCase("/a/b1") != "/a/B1" || flipCase("/1/2") != "/1/2" {
		t.Fatal("flipCase")
	}
}

func TestWindowsPathRules(t *testing.T) {
	for _, c := range []struct {
		p    string
		want string // "" means allowed
	}{
		{`C:\Users\me\Downloads\a.pdf`, ""},
		{`C:/Users/me/a.pdf`, ""},
		{`\Users\me\a.pdf`, ""},
		{`relative\a.txt`, ""},
		{`\\server\share\a.txt`, "network shares"},
		{`//server/share/a.txt`, "network shares"},
		{`\\?\C:\Windows\a.txt`, "device and long-path"},
		{`\\.\PhysicalDrive0`, "device and long-path"},
		{`C:a.txt`, "drive's current folder"},
		{`C:`, "drive's current folder"},
		{`C:\Users\me\a.txt:hidden`, "alternate data stream"},
		{`C:\Users\me\NUL`, "device name"},
		{`C:\Users\me\com1.txt`, "device name"},
		{`C:\Users\me\Con .txt`, "device name"},
		{`C:\Users\me\a.txt.`, "ends in a dot or space"},
		{`C:\Users\me\a.txt `, "ends in a dot or space"},
		{`C:\Users\me\a?.txt`, "does not allow"},
		{`C:\Users\me\a` + "\x01", "control character"},
		{`C:\Users\me\console.txt`, ""},
	} {
		err := windowsPathProblem(c.p)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: unexpected %v", c.p, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: want %q, got %v", c.p, c.want, err)
		}
	}
}

func TestOpenSource(t *testing.T) {
	r, dir := newRoots(t)
	_, err := r.OpenSource(filepath.Join(dir, "nope.txt"))
	wantErr(t, err, "does not exist")
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = r.OpenSource(filepath.Join(dir, "d"))
	var de *IsDirError
	if !errors.As(err, &de) {
		t.Fatalf("a folder: %v", err)
	}

	p := filepath.Join(dir, "f.bin")
	write(t, p, "0123456789")
	s, err := r.OpenSource(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := make([]byte, 4)
	if _, err := s.ReadAt(b, 3); err != nil || string(b) != "3456" || s.Size() != 10 {
		t.Fatalf("ReadAt: %q %v", b, err)
	}
	if err := s.Verify(); err != nil {
		t.Fatalf("unchanged: %v", err)
	}
	// Same size, new mtime: a rewrite is noticed.
	if err := os.Chtimes(p, time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(); !errors.Is(err, ErrChanged) {
		t.Fatalf("changed mtime: %v", err)
	}

	// Replaced by another file under the same name.
	p2 := filepath.Join(dir, "g.bin")
	write(t, p2, "abc")
	s2, err := r.OpenSource(p2)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	fi, _ := os.Stat(p2)
	write(t, p2+".new", "abc")
	_ = os.Chtimes(p2+".new", fi.ModTime(), fi.ModTime())
	if err := os.Rename(p2+".new", p2); err != nil {
		t.Fatal(err)
	}
	if err := s2.Verify(); !errors.Is(err, ErrChanged) {
		t.Fatalf("replaced: %v", err)
	}
}

func TestPartCommitNeverOverwritesUnlessAsked(t *testing.T) {
	r, dir := newRoots(t)
	dest := filepath.Join(dir, "out.txt")
	p, _ := r.Resolve(dest)
	tag := PartTag("/remote/out.txt", `"etag1"`)

	part, err := r.CreatePart(p, tag, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(part, "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Fatal("the destination must not exist before Commit")
	}
	// Someone creates the destination meanwhile: Commit refuses and keeps the data.
	write(t, dest, "theirs")
	err = part.Commit(false)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("commit onto a new file: %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "theirs" {
		t.Fatalf("their file was replaced: %q", b)
	}
	if b, _ := os.ReadFile(part.Name()); string(b) != "hello" {
		t.Fatalf("the received data is kept: %q", b)
	}

	// Creating a part for an existing file without overwrite fails at once.
	_, err = r.CreatePart(p, tag, false, false)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("existing without overwrite: %v", err)
	}
	// With overwrite the kept part is continued, then replaces the file.
	part, err = r.CreatePart(p, tag, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if part.Offset() != 5 {
		t.Fatalf("a kept part continues at its size, got %d", part.Offset())
	}
	_, _ = io.WriteString(part, " world")
	if err := part.Commit(true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "hello world" {
		t.Fatalf("dest = %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("only the destination is left: %v", entries)
	}
}

func TestPartLifecycle(t *testing.T) {
	r, dir := newRoots(t)
	p, _ := r.Resolve(filepath.Join(dir, "sub", "new.bin"))
	tag1, tag2 := PartTag("a", "1"), PartTag("a", "2")
	if _, err := r.CreatePart(p, tag1, false, false); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing folder without mkdir: %v", err)
	}
	part, err := r.CreatePart(p, tag1, false, true)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(part, "old version")
	part.Keep()
	if _, err := os.Stat(part.Name()); err != nil {
		t.Fatal("a kept part stays")
	}
	// Another version (new ETag): the stale part is removed, the new one starts empty.
	part2, err := r.CreatePart(p, tag2, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if part2.Offset() != 0 {
		t.Fatalf("new version starts at 0, got %d", part2.Offset())
	}
	if _, err := os.Stat(part.Name()); !os.IsNotExist(err) {
		t.Fatal("the stale part of another version must be removed")
	}
	_, _ = io.WriteString(part2, "abc")
	if err := part2.Reset(); err != nil || part2.Offset() != 0 {
		t.Fatalf("reset: %v", err)
	}
	part2.Abort()
	if _, err := os.Stat(part2.Name()); !os.IsNotExist(err) {
		t.Fatal("an aborted part is removed")
	}
	if _, err := r.CreatePart(p, "nothex", false, false); err == nil {
		t.Fatal("a bad tag must be refused")
	}
	root, _ := r.Resolve(dir)
	if _, err := r.CreatePart(root, tag1, false, false); err == nil {
		t.Fatal("the root itself is not a file name")
	}
}

// fullDisk fails every write after limit bytes, as a full disk does.
type fullDisk struct {
	w     io.Writer
	limit int
}

func (d *fullDisk) Write(b []byte) (int, error) {
	if len(b) > d.limit {
		n, _ := d.w.Write(b[:d.limit])
		d.limit = 0
		return n, syscall.ENOSPC
	}
	d.limit -= len(b)
	return d.w.Write(b)
}

func TestFullDisk(t *testing.T) {
	r, dir := newRoots(t, WithWriteFilter(func(w io.Writer) io.Writer { return &fullDisk{w: w, limit: 3} }))
	p, _ := r.Resolve(filepath.Join(dir, "big.bin"))
	part, err := r.CreatePart(p, PartTag("x"), false, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.WriteString(part, "abcdef")
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), part.Name()) {
		t.Fatalf("full disk: %v", err)
	}
	part.Abort()
	if _, err := os.Stat(filepath.Join(dir, "big.bin")); !os.IsNotExist(err) {
		t.Fatal("nothing at the destination")
	}
}

func TestWalk(t *testing.T) {
	r, dir := newRoots(t)
	write(t, filepath.Join(dir, "top", "a.txt"), "aa")
	write(t, filepath.Join(dir, "top", "sub", "b.txt"), "bbb")
	if runtime.GOOS != "windows" {
		_ = os.Symlink("/etc", filepath.Join(dir, "top", "link"))
	}
	p, _ := r.Resolve(filepath.Join(dir, "top"))
	files, skipped, err := p.Walk(10, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Rel != "a.txt" || files[1].Rel != "sub/b.txt" || files[1].Size != 3 {
		t.Fatalf("files: %+v", files)
	}
	if runtime.GOOS != "windows" && (len(skipped) != 1 || skipped[0] != "link") {
		t.Fatalf("links are skipped, not followed: %v", skipped)
	}
	var le *LimitError
	if _, _, err := p.Walk(1, 100); !errors.As(err, &le) || le.What != "files" {
		t.Fatalf("file limit: %v", err)
	}
	if _, _, err := p.Walk(10, 4); !errors.As(err, &le) || le.What != "bytes" {
		t.Fatalf("byte limit: %v", err)
	}
	j, err := p.Join("sub/b.txt")
	if err != nil || j.String() != filepath.Join(dir, "top", "sub", "b.txt") {
		t.Fatalf("join: %v %v", j, err)
	}
	if _, err := p.Join("../x"); err == nil {
		t.Fatal("join must refuse ..")
	}
}

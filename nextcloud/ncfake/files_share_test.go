package ncfake

import "testing"

func TestFilesNodeForShare(t *testing.T) {
	s := New(Options{})
	if err := s.PutFile("admin", "Docs/plan.md", []byte("# plan")); err != nil {
		t.Fatal(err)
	}
	st, err := s.StatFile("admin", "Docs/plan.md")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := s.StatFile("admin", "Docs")
	if err != nil {
		t.Fatal(err)
	}
	n, ok := s.files.nodeForShare("admin", "/Docs/plan.md")
	if !ok || n.FileID != st.ID || n.ParentID != dir.ID || n.IsDir || n.Size != 6 || n.MimeType != "text/markdown" || n.MTime == 0 {
		t.Errorf("node = %+v, %v", n, ok)
	}
	if n, ok := s.files.nodeForShare("admin", "Docs"); !ok || !n.IsDir || n.MimeType != "httpd/unix-directory" {
		t.Errorf("folder node = %+v, %v", n, ok)
	}
	if _, ok := s.files.nodeForShare("admin", "nope"); ok {
		t.Error("a missing path was found")
	}
	if _, ok := s.files.nodeForShare("alice", "Docs/plan.md"); ok {
		t.Error("alice sees admin's file")
	}
}

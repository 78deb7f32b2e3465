package ncfake

import (
	"strings"
	"testing"
)

// TestReceivedShareFidelity: a file admin shares with alice shows in her
// files owned by admin (sharing/15).
func TestReceivedShareFidelity(t *testing.T) {
	s := New(Options{})
	recordingsDir(t)
	if err := s.PutFile("admin", "/doc.txt", []byte("shared text")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ShareWith("admin", "/doc.txt", "alice"); err != nil {
		t.Fatal(err)
	}
	rec := loadRecording(t, "sharing", "15-alice-propfind-received-share")
	got := replay(t, s, rec)
	assertSameShape(t, rec, got, "DAV", "Vary")
	assertSameMultistatus(t, rec, got)
	rs := parseMS(t, got.Body.Bytes())
	if len(rs) != 1 || rs[0].Found["http://owncloud.org/ns owner-id"] != "admin" || !strings.HasPrefix(rs[0].Found["http://owncloud.org/ns permissions"], "S") ||
		rs[0].Found["http://nextcloud.org/ns is-mount-root"] != "true" {
		t.Errorf("received share: %+v", rs)
	}
	if b, err := s.ReadFile("alice", "/doc.txt"); err != nil || string(b) != "shared text" {
		t.Errorf("alice reads %q, %v", b, err)
	}
	// Her own file is hers.
	_ = s.PutFile("alice", "/mine.txt", []byte("mine"))
	rec.Target = "/remote.php/dav/files/alice/mine.txt"
	rs = parseMS(t, replay(t, s, rec).Body.Bytes())
	if len(rs) != 1 || rs[0].Found["http://owncloud.org/ns owner-id"] != "alice" || rs[0].Found["http://nextcloud.org/ns is-mount-root"] != "false" {
		t.Errorf("own file: %+v", rs)
	}
}

package ncfake

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// newsTestRSS is the recorded server's RSS feed: n posts, the first newest
// in the document, post 1 with an enclosure, post 6 without an author.
func newsTestRSS(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Example Engineering Blog</title><link>http://127.0.0.1:8099/</link>`)
	for i := 1; i <= n; i++ {
		author := "<author>editor@example.org (Editor)</author>"
		body := fmt.Sprintf(`&lt;p&gt;Body of post %d with &lt;b&gt;bold&lt;/b&gt; text and a &lt;a href="http://127.0.0.1:8099/x"&gt;link&lt;/a&gt;.&lt;/p&gt;`, i)
		if i == 6 {
			author, body = "", "&lt;p&gt;Body of post 6&lt;/p&gt;"
		}
		enc := ""
		if i == 1 {
			enc = `<enclosure url="http://127.0.0.1:8099/audio/ep1.mp3" type="audio/mpeg" length="1000"/>`
		}
		fmt.Fprintf(&b, `<item><guid>urn:example:post-%d</guid><link>http://127.0.0.1:8099/posts/%d.html</link><title>Release note %d</title>%s<pubDate>Sun, 0%d Nov 2026 10:00:00 +0000</pubDate><description>%s</description>%s</item>`,
			i, i, i, author, i, body, enc)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

const newsTestAtom = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Example Changelog</title><link href="http://127.0.0.1:8099/"/><id>urn:example:changes</id><updated>2026-11-13T08:30:00Z</updated>` +
	`<entry><id>urn:example:atom-1</id><title>Changelog 1</title><link href="http://127.0.0.1:8099/changes/1"/><author><name>Bob</name></author><published>2026-11-11T08:30:00Z</published><updated>2026-11-11T08:30:00Z</updated><content type="html">&lt;p&gt;Atom entry 1&lt;/p&gt;</content></entry>` +
	`<entry><id>urn:example:atom-2</id><title>Changelog 2</title><link href="http://127.0.0.1:8099/changes/2"/><author><name>Bob</name></author><published>2026-11-12T08:30:00Z</published><updated>2026-11-12T08:30:00Z</updated><content type="html">&lt;p&gt;Atom entry 2&lt;/p&gt;</content></entry>` +
	`<entry><id>urn:example:atom-3</id><title>Changelog 3</title><link href="http://127.0.0.1:8099/changes/3"/><author><name>Bob</name></author><published>2026-11-13T08:30:00Z</published><updated>2026-11-13T08:30:00Z</updated><content type="html">&lt;p&gt;Atom entry 3&lt;/p&gt;</content></entry></feed>`

// newsFakeLikeRecording is a fake that can reach the recorded feeds, with
// its id counters where the recorded server's were.
func newsFakeLikeRecording() *Server {
	s := New(Options{})
	s.news.next = newsIDs{folder: 4, feed: 4, item: 15}
	s.PutWebPage("http://127.0.0.1:8099/blog.rss", "application/rss+xml", []byte(newsTestRSS(5)))
	s.PutWebPage("http://127.0.0.1:8099/changes.atom", "application/atom+xml", []byte(newsTestAtom))
	s.PutWebPage("http://127.0.0.1:8099/not-a-feed.html", "text/html", []byte("<!DOCTYPE html><html><body><p>Just a page.</p></body></html>"))
	return s
}

// TestNewsFidelity replays every news/ recording in order against one fake
// and holds each answer to the recorded status, type and body shape, and
// the item lists to the recorded ids and bodies.
func TestNewsFidelity(t *testing.T) {
	names := dtRecordingNames(t, "news")
	if len(names) != 25 {
		t.Fatalf("found %d news recordings, want 25", len(names))
	}
	s := newsFakeLikeRecording()
	for _, name := range names {
		rec := loadRecording(t, "news", name)
		if strings.HasPrefix(name, "20-") {
			// The recorded server's updater found a sixth post before 20.
			s.PutWebPage("http://127.0.0.1:8099/blog.rss", "application/rss+xml", []byte(newsTestRSS(6)))
			s.RefreshNewsFeeds()
			// The fake's clock is not the recording's: ask from the start of this test.
			rec.Target = strings.Replace(rec.Target, "lastModified=1796340515", "lastModified=0", 1)
		}
		got := dtAssertShape(t, s, rec)
		switch {
		case strings.HasPrefix(name, "20-"):
			ids := newsItemIDs(t, got.Body.Bytes())
			for _, want := range []int{23, 18, 17, 16} {
				if !slices.Contains(ids, want) {
					t.Errorf("%s: items/updated lacks item %d: %v", name, want, ids)
				}
			}
		case strings.Contains(rec.Target, "/items?"):
			if want, have := newsItemIDs(t, rec.RespBody), newsItemIDs(t, got.Body.Bytes()); !slices.Equal(want, have) {
				t.Errorf("%s: item ids %v, recorded %v", name, have, want)
			}
			newsSameBodies(t, name, rec.RespBody, got.Body.Bytes())
		case rec.Status >= 300 || strings.HasPrefix(name, "05-") || strings.HasPrefix(name, "02-"):
			if !sameJSON(got.Body.Bytes(), rec.RespBody) {
				t.Errorf("%s: body %s, recorded %s", name, got.Body.String(), rec.RespBody)
			}
		}
	}
}

func newsItemIDs(t *testing.T, body []byte) []int {
	t.Helper()
	var v struct {
		Items []struct {
			ID int `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("items answer: %v", err)
	}
	var ids []int
	for _, it := range v.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// newsSameBodies compares the fields the fake derives from the feed
// document (the sanitized body, author, dates, enclosure, guid hash) with the recording.
func newsSameBodies(t *testing.T, name string, want, have []byte) {
	t.Helper()
	type item struct {
		ID            int
		Body          string
		Author        *string
		PubDate       int64
		EnclosureLink *string
		GUIDHash      string
		Unread        bool
		Starred       bool
	}
	var w, h struct{ Items []item }
	_ = json.Unmarshal(want, &w)
	_ = json.Unmarshal(have, &h)
	for i := range min(len(w.Items), len(h.Items)) {
		a, b := w.Items[i], h.Items[i]
		if a.Body != b.Body || newsDeref(a.Author) != newsDeref(b.Author) ||
			a.PubDate != b.PubDate || a.GUIDHash != b.GUIDHash || a.Unread != b.Unread || a.Starred != b.Starred ||
			(a.EnclosureLink == nil) != (b.EnclosureLink == nil) {
			t.Errorf("%s: item %d differs:\n fake     %+v\n recorded %+v", name, a.ID, b, a)
		}
	}
}

func newsDeref(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

// sameJSON reports whether two JSON documents hold the same values, whatever
// the key order.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

package ncfake

import (
	"encoding/json"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

// vcardPropNames lists the property names of a vCard, sorted.
func vcardPropNames(data string) []string {
	var out []string
	for _, l := range vcardLines([]byte(strings.ReplaceAll(data, "&#13;", ""))) {
		out = append(out, lineName(l))
	}
	sort.Strings(out)
	return out
}

// TestCardDAVFidelity replays carddav/ in recorded order.
func TestCardDAVFidelity(t *testing.T) {
	recordingsDir(t) // skip (or fail in CI) here, not inside a subtest
	s := New(Options{})
	run := func(file string, headers ...string) (recording, *httptest.ResponseRecorder) {
		t.Helper()
		rec := loadRecording(t, "carddav", file)
		got := replay(t, s, rec)
		assertSameShape(t, rec, got, headers...)
		return rec, got
	}
	t.Run("discovery and address books", func(t *testing.T) {
		rec := loadRecording(t, "carddav", "01-well-known-carddav-redirect")
		if got := replay(t, s, rec); got.Code != rec.Status || got.Header().Get("Location") != rec.RespHeader.Get("Location") {
			t.Errorf("well-known: %d %q", got.Code, got.Header().Get("Location"))
		}
		rec, got := run("02-propfind-addressbook-home-depth1", "DAV")
		want, have := parseMS(t, rec.RespBody), parseMS(t, got.Body.Bytes())
		for _, w := range want {
			if !strings.HasSuffix(w.Href, "/contacts/") && !strings.Contains(w.Href, "z-server-generated--system") {
				continue
			}
			found := false
			for _, h := range have {
				if h.Href == w.Href {
					found = true
					for k := range w.Found {
						if _, ok := h.Found[k]; !ok {
							t.Errorf("%s lacks %s", w.Href, k)
						}
					}
				}
			}
			if !found {
				t.Errorf("home listing lacks %s", w.Href)
			}
		}
		run("03-mkcol-addressbook-extended-201")
		rec, got = run("04-mkcol-addressbook-existing-405", "Allow")
		assertSameError(t, rec, got)
		rec, got = run("05-mkcol-plain-no-body")
		assertSameError(t, rec, got)
		rec, got = run("06-propfind-addressbook-depth0", "DAV")
		want, have = parseMS(t, rec.RespBody), parseMS(t, got.Body.Bytes())
		if len(have) != 1 || have[0].Found["DAV: displayname"] != want[0].Found["DAV: displayname"] ||
			have[0].Found["urn:ietf:params:xml:ns:carddav addressbook-description"] != want[0].Found["urn:ietf:params:xml:ns:carddav addressbook-description"] {
			t.Errorf("address book props %+v, recorded %+v", have, want)
		}
	})
	t.Run("put and get", func(t *testing.T) {
		for _, f := range []string{"07-put-vcard30-201", "08-put-vcard40-201"} {
			rec, got := run(f, "ETag", "OC-ETag")
			if got.Header().Get("ETag") != rec.RespHeader.Get("ETag") {
				t.Errorf("%s: ETag %s, recorded %s", f, got.Header().Get("ETag"), rec.RespHeader.Get("ETag"))
			}
		}
		rec, got := run("09-put-vcard-if-none-match-existing-412")
		assertSameError(t, rec, got)
		rec, got = run("10-put-vcard-duplicate-uid-other-resource")
		assertSameError(t, rec, got)
		for _, f := range []string{"11-get-vcard30", "12-get-vcard40-default", "13-get-vcard40-accept-v4", "14-get-vcard30-as-v4"} {
			rec, got := run(f, "ETag", "OC-ETag", "Content-Disposition")
			if got.Header().Get("Content-Type") != rec.RespHeader.Get("Content-Type") {
				t.Errorf("%s: Content-Type %q, recorded %q", f, got.Header().Get("Content-Type"), rec.RespHeader.Get("Content-Type"))
			}
			if !sameStrings(vcardPropNames(got.Body.String()), vcardPropNames(string(rec.RespBody))) {
				t.Errorf("%s: properties %v, recorded %v", f, vcardPropNames(got.Body.String()), vcardPropNames(string(rec.RespBody)))
			}
			if !strings.Contains(got.Body.String(), between(string(rec.RespBody), "VERSION:", "\r\n")) {
				t.Errorf("%s: wrong version:\n%s", f, got.Body)
			}
		}
		rec, got = run("15-get-vcard-as-jcard", "ETag")
		var want, have []any
		if err := json.Unmarshal(rec.RespBody, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got.Body.Bytes(), &have); err != nil || len(have) != 2 || have[0] != "vcard" {
			t.Errorf("jCard %s: %v", got.Body, err)
		}
	})
	t.Run("addressbook-query", func(t *testing.T) {
		for _, f := range []string{"16-report-addressbook-query-fn-contains", "17-report-addressbook-query-email-equals", "18-report-addressbook-query-allof-no-match", "19-report-addressbook-query-anyof-partial-address-data", "20-report-addressbook-multiget"} {
			rec, got := run(f)
			want, have := parseMS(t, rec.RespBody), parseMS(t, got.Body.Bytes())
			if !sameStrings(hrefsOf(want), hrefsOf(have)) {
				t.Errorf("%s: hrefs %v, recorded %v", f, hrefsOf(have), hrefsOf(want))
				continue
			}
			for i := range want {
				wd := want[i].Found["urn:ietf:params:xml:ns:carddav address-data"]
				hd := have[i].Found["urn:ietf:params:xml:ns:carddav address-data"]
				if !sameStrings(vcardPropNames(wd), vcardPropNames(hd)) {
					t.Errorf("%s %s: address-data props %v, recorded %v", f, want[i].Href, vcardPropNames(hd), vcardPropNames(wd))
				}
				if want[i].Found["DAV: getetag"] != have[i].Found["DAV: getetag"] {
					t.Errorf("%s %s: etag %s, recorded %s", f, want[i].Href, have[i].Found["DAV: getetag"], want[i].Found["DAV: getetag"])
				}
			}
		}
	})
	t.Run("sync and conditions", func(t *testing.T) {
		rec, got := run("21-report-sync-collection-initial")
		if !sameStrings(hrefsOf(parseMS(t, rec.RespBody)), hrefsOf(parseMS(t, got.Body.Bytes()))) {
			t.Errorf("initial sync: %s", got.Body)
		}
		token := between(got.Body.String(), "<d:sync-token>", "</d:sync-token>")
		rec, got = run("22-put-vcard-stale-if-match-412", "ETag")
		assertSameError(t, rec, got)
		rec, got = run("23-put-vcard-if-match-204", "ETag", "OC-ETag")
		if got.Header().Get("ETag") != rec.RespHeader.Get("ETag") {
			t.Errorf("ETag %s, recorded %s", got.Header().Get("ETag"), rec.RespHeader.Get("ETag"))
		}
		// The recorder deleted golden-4 off the record before the incremental sync.
		del := loadRecording(t, "carddav", "30-delete-vcard-again-404")
		del.Target = "/remote.php/dav/addressbooks/users/admin/golden-ab/golden-4.vcf"
		if got := replay(t, s, del); got.Code != 204 {
			t.Fatalf("setup delete golden-4: %d", got.Code)
		}
		inc := loadRecording(t, "carddav", "24-report-sync-collection-incremental-with-deletion")
		inc.ReqBody = []byte(strings.Replace(string(inc.ReqBody), "http://sabre.io/ns/sync/3", token, 1))
		got = replay(t, s, inc)
		assertSameShape(t, inc, got)
		want, have := parseMS(t, inc.RespBody), parseMS(t, got.Body.Bytes())
		if !sameStrings(hrefsOf(want), hrefsOf(have)) {
			t.Fatalf("incremental sync hrefs %v, recorded %v", hrefsOf(have), hrefsOf(want))
		}
		for i := range want {
			if want[i].Status != have[i].Status {
				t.Errorf("%s: status %q, recorded %q", want[i].Href, have[i].Status, want[i].Status)
			}
		}
	})
	t.Run("bad input and repairs", func(t *testing.T) {
		rec, got := run("25-put-invalid-vcard")
		assertSameError(t, rec, got)
		run("26-put-vcard-without-uid", "X-Sabre-Ew-Gross")
		rec, got = run("27-get-vcard-without-uid-after-put", "ETag")
		if !sameStrings(vcardPropNames(got.Body.String()), vcardPropNames(string(rec.RespBody))) {
			t.Errorf("the server adds a UID: %q", got.Body)
		}
		run("28-put-vcard-without-fn", "X-Sabre-Ew-Gross")
	})
	t.Run("delete", func(t *testing.T) {
		run("29-delete-vcard-204")
		rec, got := run("30-delete-vcard-again-404")
		assertSameError(t, rec, got)
		run("31-delete-addressbook-204")
		if got := replay(t, s, loadRecording(t, "carddav", "06-propfind-addressbook-depth0")); got.Code != 404 {
			t.Errorf("deleted address book still answers %d", got.Code)
		}
	})
}

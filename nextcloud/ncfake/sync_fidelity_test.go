package ncfake

import (
	"strings"
	"testing"
)

// TestInitialSyncListsOnlyLiveObjectsFidelity: a sync-collection with an
// empty token answers like caldav/17 and carddav/21, every member with a
// 200 propstat and its etag. An object deleted before that sync is not
// listed (Sabre answers a null token from the objects table, not from the
// change log), so a client starting fresh never sees a 404 for it.
func TestInitialSyncListsOnlyLiveObjectsFidelity(t *testing.T) {
	recordingsDir(t)
	for _, tc := range []struct{ area, mk, put1, put2, del, sync string }{
		{"caldav", "03-mkcalendar-201", "06-put-event-tzid-201", "11-put-recurring-event-201", "34-delete-event-204", "17-report-sync-collection-initial"},
		{"carddav", "03-mkcol-addressbook-extended-201", "07-put-vcard30-201", "08-put-vcard40-201", "29-delete-vcard-204", "21-report-sync-collection-initial"},
	} {
		t.Run(tc.area, func(t *testing.T) {
			s := New(Options{})
			for _, f := range []string{tc.mk, tc.put1, tc.put2} {
				if got := replay(t, s, loadRecording(t, tc.area, f)); got.Code != 201 {
					t.Fatalf("%s: %d %s", f, got.Code, got.Body)
				}
			}
			del := loadRecording(t, tc.area, tc.del)
			del.ReqHeader.Del("If-Match")
			if got := replay(t, s, del); got.Code != 204 {
				t.Fatalf("%s: %d %s", tc.del, got.Code, got.Body)
			}
			rec := loadRecording(t, tc.area, tc.sync)
			got := replay(t, s, rec)
			assertSameShape(t, rec, got)
			resps := parseMS(t, got.Body.Bytes())
			if len(resps) != 1 {
				t.Fatalf("initial sync after a delete lists %d members, want the 1 that exists: %s", len(resps), got.Body)
			}
			if resps[0].Status != "" || resps[0].Found["DAV: getetag"] == "" || strings.HasSuffix(resps[0].Href, del.Target) {
				t.Errorf("member %+v, deleted %s", resps[0], del.Target)
			}
			for _, r := range parseMS(t, rec.RespBody) {
				if r.Status != "" || r.Found["DAV: getetag"] == "" {
					t.Errorf("recorded shape changed: %+v", r)
				}
			}
		})
	}
}

package ncfake

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The calendar trash bin (caldav-trashbin/): a deleted event or task is
// kept as trashbin/objects/<n>.ics (a new number), listed only by a
// calendar-query REPORT (PROPFIND Depth 1 there is 501), restored by a MOVE
// to trashbin/restore/<n>.ics into the calendar it came from under its old
// name, and purged by DELETE. A deleted calendar stays listed in the home,
// marked deleted-calendar with deleted-at, until a MOVE of the calendar to
// trashbin/restore/<name> brings it back.

type calTrashObject struct {
	n         int
	cal       string // the calendar it was in
	name      string // its name there
	obj       *calObject
	deletedAt time.Time
}

// calTrashTime is how Nextcloud writes deleted-at: ISO 8601 with an offset.
func calTrashTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

// trashObject moves an object of a calendar into the user's trash bin.
// Caller holds a.mu.
func (a *calendarsApp) trashObject(user string, cal *fakeCalendar, name string) {
	obj := cal.objects[name]
	delete(cal.objects, name)
	cal.sync.record(name, true)
	if a.trash == nil {
		a.trash = map[string][]*calTrashObject{}
	}
	a.trashSeq++
	a.trash[user] = append(a.trash[user], &calTrashObject{n: a.trashSeq, cal: cal.name, name: name, obj: obj, deletedAt: time.Now()})
}

func (a *calendarsApp) trashed(user, name string) (int, *calTrashObject) {
	for i, t := range a.trash[user] {
		if strconv.Itoa(t.n)+".ics" == name {
			return i, t
		}
	}
	return -1, nil
}

// serveTrash answers below trashbin/ (rest is what follows it). Caller holds a.mu.
func (a *calendarsApp) serveTrash(w http.ResponseWriter, r *http.Request, user string, home map[string]*fakeCalendar, base string, rest []string) {
	notImplemented := func() {
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "")
	}
	if rest[0] != "objects" {
		if rest[0] == "restore" && r.Method == "PROPFIND" {
			a.serveSpecial(w, r, base+"trashbin/", "restore")
			return
		}
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Node with name '"+rest[0]+"' could not be located")
		return
	}
	if len(rest) == 1 {
		switch r.Method {
		case "REPORT":
			a.reportTrash(w, r, user, base+"trashbin/objects/")
		default:
			// PROPFIND Depth 1 included (caldav-trashbin/05).
			notImplemented()
		}
		return
	}
	i, t := a.trashed(user, rest[1])
	if t == nil {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "")
		return
	}
	switch r.Method {
	case "MOVE":
		dst, err := url.Parse(r.Header.Get("Destination"))
		if err != nil || !strings.HasPrefix(dst.Path, base+"trashbin/restore/") {
			writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Objects can only be moved to the restore folder")
			return
		}
		cal := home[t.cal]
		if cal == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Calendar "+t.cal+" not found")
			return
		}
		if cal.objects[t.name] != nil || uidTaken(cal, t.obj.uid) {
			writeSabreError(w, http.StatusConflict, `Sabre\DAV\Exception\Conflict`, "An object with the same name or UID exists in the calendar")
			return
		}
		t.obj.mod = time.Now()
		cal.objects[t.name] = t.obj
		cal.sync.record(t.name, false)
		a.trash[user] = append(a.trash[user][:i], a.trash[user][i+1:]...)
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		writePimNoContent(w, http.StatusCreated)
	case http.MethodDelete:
		a.trash[user] = append(a.trash[user][:i], a.trash[user][i+1:]...)
		writePimNoContent(w, http.StatusNoContent)
	default:
		notImplemented()
	}
}

func uidTaken(cal *fakeCalendar, uid string) bool {
	for _, o := range cal.objects {
		if o.uid == uid {
			return true
		}
	}
	return false
}

var (
	ncCalendarURI = xml.Name{Space: nsNCCom, Local: "calendar-uri"}
	ncDeletedAt   = xml.Name{Space: nsNCCom, Local: "deleted-at"}
)

// reportTrash lists the deleted objects as caldav-trashbin/06 shows them.
func (a *calendarsApp) reportTrash(w http.ResponseWriter, r *http.Request, user, href string) {
	body, _ := readPimBody(r)
	var rep calReportBody
	if err := xml.Unmarshal(body, &rep); err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body. (message: "+err.Error()+")")
		return
	}
	list := append([]*calTrashObject(nil), a.trash[user]...)
	sort.Slice(list, func(i, j int) bool { return list[i].n < list[j].n })
	var resps []string
	for _, t := range list {
		var found, missing strings.Builder
		if rep.Prop != nil {
			for _, item := range rep.Prop.Items {
				switch item.XMLName {
				case getETagName:
					found.WriteString(pimElem(getETagName, pimEscape(t.obj.etag)))
				case calDataName:
					found.WriteString(pimElem(calDataName, pimEscape(string(t.obj.data))))
				case ncCalendarURI:
					found.WriteString(pimElem(ncCalendarURI, pimEscape(t.cal)))
				case ncDeletedAt:
					found.WriteString(pimElem(ncDeletedAt, calTrashTime(t.deletedAt)))
				default:
					missing.WriteString(pimElem(item.XMLName, ""))
				}
			}
		}
		var b strings.Builder
		b.WriteString("<d:response><d:href>" + pimEscape(href+strconv.Itoa(t.n)+".ics") + "</d:href>")
		if found.Len() > 0 {
			b.WriteString("<d:propstat><d:prop>" + found.String() + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>")
		}
		if missing.Len() > 0 {
			b.WriteString("<d:propstat><d:prop>" + missing.String() + "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>")
		}
		b.WriteString("</d:response>")
		resps = append(resps, b.String())
	}
	writePimMultistatus(w, resps, nil)
}

// restoreCalendar answers MOVE of a deleted calendar to trashbin/restore/<name>.
func (a *calendarsApp) restoreCalendar(w http.ResponseWriter, r *http.Request, cal *fakeCalendar, base string) {
	dst, err := url.Parse(r.Header.Get("Destination"))
	if err != nil || !cal.deleted || dst.Path != base+"trashbin/restore/"+url.PathEscape(cal.name) {
		writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Only a deleted calendar can be moved, to trashbin/restore/<its name>")
		return
	}
	cal.deleted = false
	cal.deletedAt = time.Time{}
	cal.sync.token++
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	writePimNoContent(w, http.StatusCreated)
}

// CalendarTrashCount tells tests how many objects the user's calendar trash bin holds.
func (s *Server) CalendarTrashCount(user string) int {
	a := s.calendars
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.trash[user])
}

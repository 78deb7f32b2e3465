package ncfake

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"
)

// calendarsApp serves CalDAV under /remote.php/dav/calendars/ the way
// Nextcloud 29 (Sabre) answers it in the caldav/ recordings: MKCALENDAR,
// conditional PUT with 201/204/412, UID uniqueness per calendar, component
// checks, calendar-query with time ranges and <c:expand>, multiget,
// sync-collection, and the calendar trash bin that keeps a deleted calendar
// listed. go-webdav's server side could not give those answers (no
// MKCALENDAR, 201 for every PUT, 409 for a duplicate UID, 400 for bad data,
// case-sensitive matching, no expand), so the handlers are written here and
// go-ical parses the data.
type calendarsApp struct {
	s *Server

	mu    sync.Mutex
	homes map[string]map[string]*fakeCalendar // user id → calendar name
	// trash holds deleted objects per user (calendars_trash.go).
	trash    map[string][]*calTrashObject
	trashSeq int
}

type fakeCalendar struct {
	name        string
	displayName string
	color       string
	description string
	order       string
	comps       []string
	readOnly    bool
	deleted     bool // in the calendar trash bin
	deletedAt   time.Time
	// appGenerated marks a calendar another app provides (Deck's
	// app-generated--deck--board-N): read-only, without sync properties.
	appGenerated bool
	objects      map[string]*calObject
	sync         pimSync
}

type calObject struct {
	data []byte
	etag string
	uid  string
	kind string // VEVENT, VTODO, VJOURNAL
	mod  time.Time
	cal  *ical.Calendar
}

func newCalendarsApp(s *Server) *calendarsApp {
	return &calendarsApp{s: s, homes: map[string]map[string]*fakeCalendar{}}
}

func (a *calendarsApp) routes(mux *http.ServeMux) {
	mux.HandleFunc("/remote.php/dav/calendars/", a.serve)
}

// home returns the user's calendars, creating the default ones Nextcloud
// gives every account: "personal" for events only (Nextcloud 29 creates it
// with components VEVENT, so a stock account has no task list) and the
// read-only birthday calendar; plus one read-only VTODO calendar per Deck
// board the user can see (caldav/05). Callers hold a.mu.
func (a *calendarsApp) home(user string) map[string]*fakeCalendar {
	h := a.homes[user]
	if h == nil {
		h = map[string]*fakeCalendar{
			"personal":          {name: "personal", displayName: "Personal", color: "#0082c9", order: "0", comps: []string{"VEVENT"}, objects: map[string]*calObject{}},
			"contact_birthdays": {name: "contact_birthdays", displayName: "Contact birthdays", color: "#E9D859", order: "0", comps: []string{"VEVENT"}, readOnly: true, objects: map[string]*calObject{}},
		}
		a.homes[user] = h
	}
	a.syncDeckCalendars(user, h)
	return h
}

const calHomePrefix = "/remote.php/dav/calendars/"

func (a *calendarsApp) serve(w http.ResponseWriter, r *http.Request) {
	u := a.s.davAuth(w, r)
	if u == nil {
		return
	}
	if !a.s.HasApp("dav") {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "File not found: calendars in 'root'")
		return
	}
	segs := pimSplitPath(r.URL.Path, calHomePrefix)
	if len(segs) == 0 || segs[0] != u.ID {
		name := ""
		if len(segs) > 0 {
			name = segs[0]
		}
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Node with name '"+name+"' could not be located")
		return
	}
	if r.Method == http.MethodOptions {
		w.Header().Set("DAV", strings.Replace(davHeader, "addressbook, ", "", 1))
		w.Header().Set("Allow", "OPTIONS, GET, HEAD, DELETE, PROPFIND, PUT, PROPPATCH, COPY, MOVE, REPORT, MKCALENDAR")
		w.WriteHeader(http.StatusOK)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	home := a.home(u.ID)
	base := calHomePrefix + u.ID + "/"
	if len(segs) >= 3 && segs[1] == "trashbin" {
		a.serveTrash(w, r, u.ID, home, base, segs[2:])
		return
	}
	switch len(segs) {
	case 1:
		a.serveHome(w, r, u.ID, home, base)
	case 2:
		if segs[1] == "trashbin" || segs[1] == "inbox" || segs[1] == "outbox" {
			a.serveSpecial(w, r, base, segs[1])
			return
		}
		a.serveCalendar(w, r, u.ID, home, base, segs[1])
	case 3:
		cal := home[segs[1]]
		if cal == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Node with name '"+segs[1]+"' could not be located")
			return
		}
		a.serveObject(w, r, u.ID, cal, base+url.PathEscape(cal.name)+"/", segs[2])
	default:
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Node with name '"+segs[len(segs)-1]+"' could not be located")
	}
}

var calAllProps = []xml.Name{{Space: nsDAV, Local: "resourcetype"}, {Space: nsDAV, Local: "displayname"}, {Space: nsDAV, Local: "getetag"}}

func (a *calendarsApp) serveHome(w http.ResponseWriter, r *http.Request, user string, home map[string]*fakeCalendar, base string) {
	switch r.Method {
	case "PROPFIND":
	case "MKCALENDAR", "MKCOL":
		writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, "The resource you tried to create already exists")
		return
	case http.MethodDelete:
		writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Permission denied to delete node")
		return
	default:
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "There was no plugin in the system that was willing to handle this "+r.Method+" method.")
		return
	}
	body, _ := readPimBody(r)
	pf, err := parsePropfind(body)
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body. (message: "+err.Error()+")")
		return
	}
	resps := []string{pimResponse(base, pimProps{
		{Space: nsDAV, Local: "resourcetype"}:               "<d:collection/>",
		{Space: nsDAV, Local: "current-user-privilege-set"}: pimPrivileges(true, false),
	}, pf, calAllProps)}
	if r.Header.Get("Depth") != "0" {
		names := make([]string, 0, len(home))
		for n := range home {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			resps = append(resps, pimResponse(base+url.PathEscape(n)+"/", calendarProps(user, home[n]), pf, calAllProps))
		}
		for _, special := range []string{"inbox", "outbox", "trashbin"} {
			resps = append(resps, pimResponse(base+special+"/", specialProps(special), pf, calAllProps))
		}
	}
	writePimMultistatus(w, resps, map[string]string{"DAV": strings.Replace(davHeader, "addressbook, ", "", 1)})
}

func specialProps(name string) pimProps {
	rt := map[string]string{
		"inbox":    "<d:collection/><cal:schedule-inbox/>",
		"outbox":   "<d:collection/><cal:schedule-outbox/>",
		"trashbin": "<d:collection/><x2:trash-bin/>",
	}[name]
	return pimProps{
		{Space: nsDAV, Local: "resourcetype"}:               rt,
		{Space: nsDAV, Local: "current-user-privilege-set"}: pimPrivileges(name == "trashbin", false),
	}
}

// serveSpecial answers PROPFIND on the scheduling inbox/outbox and the trash bin.
func (a *calendarsApp) serveSpecial(w http.ResponseWriter, r *http.Request, base, name string) {
	if r.Method != "PROPFIND" {
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "There was no plugin in the system that was willing to handle this "+r.Method+" method.")
		return
	}
	body, _ := readPimBody(r)
	pf, err := parsePropfind(body)
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body.")
		return
	}
	root := pimProps{{Space: nsDAV, Local: "resourcetype"}: "<d:collection/>"}
	if name == "trashbin" {
		// caldav-trashbin/04: the default retention, 30 days.
		root = pimProps{{Space: nsDAV, Local: "resourcetype"}: "<d:collection/><x2:trash-bin/>",
			{Space: nsNCCom, Local: "trash-bin-retention-duration"}: "2592000"}
	}
	resps := []string{pimResponse(base+name+"/", root, pf, calAllProps)}
	if name == "trashbin" && r.Header.Get("Depth") != "0" {
		for _, sub := range []string{"restore", "objects"} {
			resps = append(resps, pimResponse(base+name+"/"+sub+"/", pimProps{{Space: nsDAV, Local: "resourcetype"}: "<d:collection/>"}, pf, calAllProps))
		}
	}
	writePimMultistatus(w, resps, map[string]string{"DAV": strings.Replace(davHeader, "addressbook, ", "", 1)})
}

// calendarProps are the properties Nextcloud reports for a calendar.
func calendarProps(user string, cal *fakeCalendar) pimProps {
	if cal.appGenerated {
		return appCalendarProps(cal)
	}
	p := pimProps{
		{Space: nsDAV, Local: "displayname"}: pimEscape(cal.displayName),
		{Space: nsCS, Local: "getctag"}:      cal.sync.tokenURI(),
	}
	if cal.deleted {
		p[xml.Name{Space: nsDAV, Local: "resourcetype"}] = "<d:collection/><x2:deleted-calendar/>"
		if !cal.deletedAt.IsZero() {
			p[ncDeletedAt] = calTrashTime(cal.deletedAt)
		}
		return p
	}
	p[xml.Name{Space: nsDAV, Local: "resourcetype"}] = "<d:collection/><cal:calendar/>"
	var comps strings.Builder
	for _, c := range cal.comps {
		comps.WriteString(`<cal:comp name="` + c + `"/>`)
	}
	p[xml.Name{Space: nsCalDAV, Local: "supported-calendar-component-set"}] = comps.String()
	p[xml.Name{Space: nsDAV, Local: "sync-token"}] = cal.sync.tokenURI()
	p[xml.Name{Space: nsApple, Local: "calendar-order"}] = cal.order
	p[xml.Name{Space: nsDAV, Local: "current-user-privilege-set"}] = pimPrivileges(!cal.readOnly, true)
	p[xml.Name{Space: nsOC, Local: "owner-principal"}] = "principals/users/" + user
	if cal.color != "" {
		p[xml.Name{Space: nsApple, Local: "calendar-color"}] = pimEscape(cal.color)
	}
	if cal.description != "" {
		p[xml.Name{Space: nsCalDAV, Local: "calendar-description"}] = pimEscape(cal.description)
	}
	if cal.readOnly {
		p[xml.Name{Space: nsCalDAV, Local: "schedule-calendar-transp"}] = "<cal:transparent/>"
	} else {
		p[xml.Name{Space: nsCalDAV, Local: "schedule-calendar-transp"}] = "<cal:opaque/>"
	}
	return p
}

func (a *calendarsApp) serveCalendar(w http.ResponseWriter, r *http.Request, user string, home map[string]*fakeCalendar, base, name string) {
	cal := home[name]
	href := base + url.PathEscape(name) + "/"
	if r.Method == "MKCALENDAR" || r.Method == "MKCOL" {
		a.mkcalendar(w, r, home, name)
		return
	}
	if cal == nil {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Node with name '"+name+"' could not be located")
		return
	}
	switch r.Method {
	case "PROPFIND":
		body, _ := readPimBody(r)
		pf, err := parsePropfind(body)
		if err != nil {
			writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body.")
			return
		}
		resps := []string{pimResponse(href, calendarProps(user, cal), pf, calAllProps)}
		if r.Header.Get("Depth") == "1" && !cal.deleted {
			for _, n := range sortedObjectNames(cal) {
				resps = append(resps, pimResponse(href+url.PathEscape(n), objectProps(cal.objects[n]), pf, objectAllProps))
			}
		}
		writePimMultistatus(w, resps, map[string]string{"DAV": strings.Replace(davHeader, "addressbook, ", "", 1)})
	case "PROPPATCH":
		a.proppatch(w, r, cal, strings.TrimSuffix(href, "/"))
	case "REPORT":
		a.report(w, r, cal, href)
	case http.MethodDelete:
		if cal.deleted || r.Header.Get("X-NC-CalDAV-No-Trashbin") == "1" {
			delete(home, name)
		} else {
			cal.deleted = true
			cal.deletedAt = time.Now()
			cal.sync.token++
		}
		writePimNoContent(w, http.StatusNoContent)
	case "MOVE":
		a.restoreCalendar(w, r, cal, base)
	default:
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "There was no plugin in the system that was willing to handle this "+r.Method+" method.")
	}
}

func sortedObjectNames(cal *fakeCalendar) []string {
	names := make([]string, 0, len(cal.objects))
	for n := range cal.objects {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

type mkcalendarBody struct {
	Set struct {
		Prop struct {
			DisplayName  *string `xml:"DAV: displayname"`
			ResourceType *struct {
				Calendar *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
			} `xml:"DAV: resourcetype"`
			Color       *string `xml:"http://apple.com/ns/ical/ calendar-color"`
			Description *string `xml:"urn:ietf:params:xml:ns:caldav calendar-description"`
			Order       *string `xml:"http://apple.com/ns/ical/ calendar-order"`
			Comps       *struct {
				Comp []struct {
					Name string `xml:"name,attr"`
				} `xml:"urn:ietf:params:xml:ns:caldav comp"`
			} `xml:"urn:ietf:params:xml:ns:caldav supported-calendar-component-set"`
		} `xml:"DAV: prop"`
	} `xml:"DAV: set"`
}

func (a *calendarsApp) mkcalendar(w http.ResponseWriter, r *http.Request, home map[string]*fakeCalendar, name string) {
	if home[name] != nil {
		w.Header().Set("Allow", "OPTIONS, GET, HEAD, DELETE, PROPFIND, PUT, PROPPATCH, COPY, MOVE, REPORT")
		writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, "The resource you tried to create already exists")
		return
	}
	body, _ := readPimBody(r)
	var mk mkcalendarBody
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := xml.Unmarshal(body, &mk); err != nil {
			writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body. (message: "+err.Error()+")")
			return
		}
	}
	p := mk.Set.Prop
	if r.Method == "MKCOL" && (p.ResourceType == nil || p.ResourceType.Calendar == nil) {
		writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\InvalidResourceType`, "Unknown resourceType for this collection", "<d:valid-resourcetype/>")
		return
	}
	cal := &fakeCalendar{name: name, displayName: name, order: "0", objects: map[string]*calObject{}, comps: []string{"VEVENT", "VTODO"}}
	if p.DisplayName != nil {
		cal.displayName = *p.DisplayName
	}
	if p.Color != nil {
		cal.color = *p.Color
	}
	if p.Description != nil {
		cal.description = *p.Description
	}
	if p.Order != nil {
		cal.order = *p.Order
	}
	if p.Comps != nil && len(p.Comps.Comp) > 0 {
		cal.comps = nil
		for _, c := range p.Comps.Comp {
			cal.comps = append(cal.comps, strings.ToUpper(c.Name))
		}
	}
	cal.sync.token = 1
	home[name] = cal
	writePimNoContent(w, http.StatusCreated)
}

func (a *calendarsApp) proppatch(w http.ResponseWriter, r *http.Request, cal *fakeCalendar, href string) {
	pimProppatch(w, r, href, func(name xml.Name, value string) {
		switch name {
		case xml.Name{Space: nsDAV, Local: "displayname"}:
			cal.displayName = value
		case xml.Name{Space: nsApple, Local: "calendar-color"}:
			cal.color = value
		case xml.Name{Space: nsCalDAV, Local: "calendar-description"}:
			cal.description = value
		case xml.Name{Space: nsApple, Local: "calendar-order"}:
			cal.order = value
		}
	})
}

var objectAllProps = []xml.Name{{Space: nsDAV, Local: "getetag"}, {Space: nsDAV, Local: "getcontenttype"}, {Space: nsDAV, Local: "getlastmodified"}, {Space: nsDAV, Local: "getcontentlength"}, {Space: nsDAV, Local: "resourcetype"}}

func objectProps(o *calObject) pimProps {
	return pimProps{
		{Space: nsDAV, Local: "getetag"}:          pimEscape(o.etag),
		{Space: nsDAV, Local: "getcontenttype"}:   "text/calendar; charset=utf-8; component=" + strings.ToLower(o.kind),
		{Space: nsDAV, Local: "getlastmodified"}:  o.mod.UTC().Format(http.TimeFormat),
		{Space: nsDAV, Local: "getcontentlength"}: strconv.Itoa(len(o.data)),
		{Space: nsDAV, Local: "resourcetype"}:     "",
	}
}

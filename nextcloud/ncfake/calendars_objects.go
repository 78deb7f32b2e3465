package ncfake

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// serveObject handles one .ics resource of a calendar.
func (a *calendarsApp) serveObject(w http.ResponseWriter, r *http.Request, user string, cal *fakeCalendar, calHref, name string) {
	obj := cal.objects[name]
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if obj == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Calendar object not found")
			return
		}
		writePimObject(w, r, "text/calendar; charset=utf-8; component="+strings.ToLower(obj.kind), name, obj.etag, obj.mod, obj.data)
	case http.MethodPut:
		a.putObject(w, r, cal, name)
	case http.MethodDelete:
		if obj == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Calendar object not found")
			return
		}
		if !pimCheckConditions(w, r, obj.etag) {
			return
		}
		if cal.readOnly {
			writeSabreError(w, http.StatusForbidden, `Sabre\DAVACL\Exception\NeedPrivileges`, "User did not have the required privileges ({DAV:}unbind) for path \""+strings.TrimPrefix(calHref, "/remote.php/dav/")+name+"\"")
			return
		}
		if r.Header.Get("X-NC-CalDAV-No-Trashbin") == "1" {
			delete(cal.objects, name)
			cal.sync.record(name, true)
		} else {
			a.trashObject(user, cal, name)
		}
		writePimNoContent(w, http.StatusNoContent)
	case "PROPFIND":
		if obj == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Calendar object not found")
			return
		}
		body, _ := readPimBody(r)
		pf, err := parsePropfind(body)
		if err != nil {
			writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body.")
			return
		}
		writePimMultistatus(w, []string{pimResponse(calHref+url.PathEscape(name), objectProps(obj), pf, objectAllProps)}, nil)
	default:
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "There was no plugin in the system that was willing to handle this "+r.Method+" method.")
	}
}

// putObject stores an iCalendar object with Sabre's checks, in its order:
// preconditions, parse, component type, UID uniqueness.
func (a *calendarsApp) putObject(w http.ResponseWriter, r *http.Request, cal *fakeCalendar, name string) {
	existing := cal.objects[name]
	etag := ""
	if existing != nil {
		etag = existing.etag
	}
	if !pimCheckConditions(w, r, etag) {
		return
	}
	if cal.readOnly {
		writeSabreError(w, http.StatusForbidden, `Sabre\DAVACL\Exception\NeedPrivileges`, "User did not have the required privileges ({DAV:}bind) for path \"calendars/"+cal.name+"/"+name+"\"")
		return
	}
	data, err := readPimBody(r)
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "could not read the request body")
		return
	}
	parsed, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil || !bytes.HasPrefix(bytes.TrimSpace(data), []byte("BEGIN:VCALENDAR")) {
		writeSabreError(w, http.StatusUnsupportedMediaType, `Sabre\DAV\Exception\UnsupportedMediaType`,
			"This resource only supports valid iCalendar 2.0 data. Parse error: "+pimMimedirError(data))
		return
	}
	kind, uid, hasUID := "", "", false
	for _, c := range parsed.Children {
		if c.Name == ical.CompTimezone {
			continue
		}
		if kind == "" {
			kind = c.Name
		} else if kind != c.Name {
			writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "A calendar object must only contain 1 component. We found a "+kind+" and a "+c.Name)
			return
		}
		if p := c.Props.Get(ical.PropUID); p != nil {
			uid, hasUID = p.Value, true
		}
	}
	if kind == "" || !containsFold(cal.comps, kind) {
		writeSabreError(w, http.StatusForbidden, `Sabre\CalDAV\Exception\InvalidComponentType`,
			"iCalendar objects must at least have a component of type "+strings.Join(cal.comps, ", "),
			`<cal:supported-calendar-component xmlns:cal="urn:ietf:params:xml:ns:caldav"/>`)
		return
	}
	if hasUID {
		for other, o := range cal.objects {
			if other != name && o.uid == uid {
				writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "Calendar object with uid already exists in this calendar collection.")
				return
			}
		}
	}
	warning := ""
	if !hasUID {
		warning = "iCalendar validation warning: UID MUST appear exactly once in a " + kind + " component"
	}
	obj := &calObject{data: data, etag: pimETag(data), uid: uid, kind: kind, mod: time.Now(), cal: parsed}
	cal.objects[name] = obj
	cal.sync.record(name, false)
	writePimCreated(w, existing == nil, obj.etag, warning)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

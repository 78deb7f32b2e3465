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

	"github.com/emersion/go-vcard"
)

// contactsApp serves CardDAV under /remote.php/dav/addressbooks/users/ the
// way the carddav/ recordings show Nextcloud 29: extended MKCOL only, vCards
// stored as sent but served as 3.0 unless 4.0 or jCard is asked for,
// case-insensitive addressbook-query matching over every value of a
// property, the server adding a UID a card lacks, and sync-collection.
// go-webdav's carddav server matches case-sensitively on the first value
// only and has none of the rest, so the handlers are written here.
type contactsApp struct {
	s *Server

	mu    sync.Mutex
	homes map[string]map[string]*fakeAddressBook
}

type fakeAddressBook struct {
	name        string
	displayName string
	description string
	readOnly    bool
	cards       map[string]*cardObject
	sync        pimSync
}

type cardObject struct {
	data []byte
	etag string
	uid  string
	mod  time.Time
	card vcard.Card
}

func newContactsApp(s *Server) *contactsApp {
	return &contactsApp{s: s, homes: map[string]map[string]*fakeAddressBook{}}
}

func (a *contactsApp) routes(mux *http.ServeMux) {
	mux.HandleFunc("/remote.php/dav/addressbooks/", a.serve)
}

const cardHomePrefix = "/remote.php/dav/addressbooks/users/"

const cardDAVHeader = "1, 3, extended-mkcol, access-control, calendarserver-principal-property-search, oc-resource-sharing, addressbook, nextcloud-checksum-update, nc-calendar-search, nc-enable-birthday-calendar"

// home returns the user's address books, creating Nextcloud's defaults: the
// personal "contacts" book and the read-only system book of all accounts.
// Callers hold a.mu.
func (a *contactsApp) home(user string) map[string]*fakeAddressBook {
	h := a.homes[user]
	if h != nil {
		return h
	}
	system := &fakeAddressBook{name: "z-server-generated--system", displayName: "Accounts", description: "System address book which holds all accounts", readOnly: true, cards: map[string]*cardObject{}}
	a.s.mu.Lock()
	users := make([]*User, 0, len(a.s.users))
	for _, u := range a.s.users {
		users = append(users, u)
	}
	a.s.mu.Unlock()
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	for _, u := range users {
		var b strings.Builder
		b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Sabre//Sabre VObject 4.5.4//EN\r\nUID:" + u.ID + "\r\nFN:" + u.DisplayName + "\r\n")
		if u.Email != "" {
			b.WriteString("EMAIL;TYPE=HOME:" + u.Email + "\r\n")
		}
		b.WriteString("CLOUD:" + u.ID + "@localhost\r\nEND:VCARD\r\n")
		data := []byte(b.String())
		card, _ := decodeCard(data)
		system.cards["Database:"+u.ID+".vcf"] = &cardObject{data: data, etag: pimETag(data), uid: u.ID, mod: time.Now(), card: card}
		system.sync.record("Database:"+u.ID+".vcf", false)
	}
	h = map[string]*fakeAddressBook{
		"contacts":                   {name: "contacts", displayName: "Contacts", cards: map[string]*cardObject{}},
		"z-server-generated--system": system,
	}
	a.homes[user] = h
	return h
}

func (a *contactsApp) serve(w http.ResponseWriter, r *http.Request) {
	u := a.s.davAuth(w, r)
	if u == nil {
		return
	}
	if !a.s.HasApp("dav") {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "File not found: addressbooks in 'root'")
		return
	}
	segs := pimSplitPath(r.URL.Path, cardHomePrefix)
	if !strings.HasPrefix(r.URL.Path, cardHomePrefix) || len(segs) == 0 || segs[0] != u.ID {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Node with name '"+strings.Join(segs, "/")+"' could not be located")
		return
	}
	if r.Method == http.MethodOptions {
		w.Header().Set("DAV", cardDAVHeader)
		w.Header().Set("Allow", "OPTIONS, GET, HEAD, DELETE, PROPFIND, PUT, PROPPATCH, COPY, MOVE, REPORT")
		w.WriteHeader(http.StatusOK)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	home := a.home(u.ID)
	base := cardHomePrefix + u.ID + "/"
	switch len(segs) {
	case 1:
		a.serveHome(w, r, home, base)
	case 2:
		a.serveBook(w, r, home, base, segs[1])
	case 3:
		ab := home[segs[1]]
		if ab == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Addressbook with name '"+segs[1]+"' could not be found")
			return
		}
		a.serveCard(w, r, ab, base+url.PathEscape(ab.name)+"/", segs[2])
	default:
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Node with name '"+segs[len(segs)-1]+"' could not be located")
	}
}

var bookAllProps = []xml.Name{{Space: nsDAV, Local: "resourcetype"}, {Space: nsDAV, Local: "displayname"}}

func (a *contactsApp) serveHome(w http.ResponseWriter, r *http.Request, home map[string]*fakeAddressBook, base string) {
	if r.Method != "PROPFIND" {
		if r.Method == "MKCOL" {
			writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, "The resource you tried to create already exists")
			return
		}
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "There was no plugin in the system that was willing to handle this "+r.Method+" method.")
		return
	}
	body, _ := readPimBody(r)
	pf, err := parsePropfind(body)
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body.")
		return
	}
	resps := []string{pimResponse(base, pimProps{{Space: nsDAV, Local: "resourcetype"}: "<d:collection/>"}, pf, bookAllProps)}
	if r.Header.Get("Depth") != "0" {
		names := make([]string, 0, len(home))
		for n := range home {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			resps = append(resps, pimResponse(base+url.PathEscape(n)+"/", bookProps(home[n]), pf, bookAllProps))
		}
	}
	writePimMultistatus(w, resps, map[string]string{"DAV": cardDAVHeader})
}

func bookProps(ab *fakeAddressBook) pimProps {
	p := pimProps{
		{Space: nsDAV, Local: "displayname"}:                pimEscape(ab.displayName),
		{Space: nsDAV, Local: "resourcetype"}:               "<d:collection/><card:addressbook/>",
		{Space: nsCS, Local: "getctag"}:                     strconv.Itoa(ab.sync.token),
		{Space: nsDAV, Local: "sync-token"}:                 ab.sync.tokenURI(),
		{Space: nsCardDAV, Local: "supported-address-data"}: `<card:address-data-type content-type="text/vcard" version="3.0"/><card:address-data-type content-type="text/vcard" version="4.0"/><card:address-data-type content-type="application/vcard+json" version="4.0"/>`,
		{Space: nsCardDAV, Local: "max-resource-size"}:      "10000000",
		{Space: nsDAV, Local: "current-user-privilege-set"}: pimPrivileges(!ab.readOnly, false),
	}
	if ab.description != "" {
		p[xml.Name{Space: nsCardDAV, Local: "addressbook-description"}] = pimEscape(ab.description)
	}
	return p
}

type bookMkcol struct {
	Set struct {
		Prop struct {
			ResourceType *struct {
				AddressBook *struct{} `xml:"urn:ietf:params:xml:ns:carddav addressbook"`
			} `xml:"DAV: resourcetype"`
			DisplayName *string `xml:"DAV: displayname"`
			Description *string `xml:"urn:ietf:params:xml:ns:carddav addressbook-description"`
		} `xml:"DAV: prop"`
	} `xml:"DAV: set"`
}

func (a *contactsApp) serveBook(w http.ResponseWriter, r *http.Request, home map[string]*fakeAddressBook, base, name string) {
	ab := home[name]
	href := base + url.PathEscape(name) + "/"
	if r.Method == "MKCOL" {
		if ab != nil {
			w.Header().Set("Allow", "OPTIONS, GET, HEAD, DELETE, PROPFIND, PUT, PROPPATCH, COPY, MOVE, REPORT")
			writeSabreError(w, http.StatusMethodNotAllowed, `Sabre\DAV\Exception\MethodNotAllowed`, "The resource you tried to create already exists")
			return
		}
		body, _ := readPimBody(r)
		var mk bookMkcol
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := xml.Unmarshal(body, &mk); err != nil {
				writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body.")
				return
			}
		}
		p := mk.Set.Prop
		if p.ResourceType == nil || p.ResourceType.AddressBook == nil {
			writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\InvalidResourceType`, "Unknown resourceType for this collection", "<d:valid-resourcetype/>")
			return
		}
		nb := &fakeAddressBook{name: name, displayName: name, cards: map[string]*cardObject{}}
		if p.DisplayName != nil {
			nb.displayName = *p.DisplayName
		}
		if p.Description != nil {
			nb.description = *p.Description
		}
		nb.sync.token = 1
		home[name] = nb
		writePimNoContent(w, http.StatusCreated)
		return
	}
	if ab == nil {
		writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Addressbook with name '"+name+"' could not be found")
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
		resps := []string{pimResponse(href, bookProps(ab), pf, bookAllProps)}
		if r.Header.Get("Depth") == "1" {
			for _, n := range sortedCardNames(ab) {
				resps = append(resps, pimResponse(href+url.PathEscape(n), cardProps(ab.cards[n]), pf, objectAllProps))
			}
		}
		writePimMultistatus(w, resps, map[string]string{"DAV": cardDAVHeader})
	case "PROPPATCH":
		a.proppatch(w, r, ab, strings.TrimSuffix(href, "/"))
	case "REPORT":
		a.report(w, r, ab, href)
	case http.MethodDelete:
		if ab.readOnly {
			writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Permission denied to delete node")
			return
		}
		delete(home, name)
		writePimNoContent(w, http.StatusNoContent)
	default:
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "There was no plugin in the system that was willing to handle this "+r.Method+" method.")
	}
}

func (a *contactsApp) proppatch(w http.ResponseWriter, r *http.Request, ab *fakeAddressBook, href string) {
	pimProppatch(w, r, href, func(name xml.Name, value string) {
		switch name {
		case xml.Name{Space: nsDAV, Local: "displayname"}:
			ab.displayName = value
		case xml.Name{Space: nsCardDAV, Local: "addressbook-description"}:
			ab.description = value
		}
	})
}

func sortedCardNames(ab *fakeAddressBook) []string {
	names := make([]string, 0, len(ab.cards))
	for n := range ab.cards {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func cardProps(c *cardObject) pimProps {
	return pimProps{
		{Space: nsDAV, Local: "getetag"}:          pimEscape(c.etag),
		{Space: nsDAV, Local: "getcontenttype"}:   "text/vcard; charset=utf-8",
		{Space: nsDAV, Local: "getlastmodified"}:  c.mod.UTC().Format(http.TimeFormat),
		{Space: nsDAV, Local: "getcontentlength"}: strconv.Itoa(len(c.data)),
		{Space: nsDAV, Local: "resourcetype"}:     "",
	}
}

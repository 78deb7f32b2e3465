package nextcloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrInvalidSyncToken means the server no longer accepts a sync token
// (Sabre answers 403 InvalidSyncToken, caldav/22): the client must start
// over with an empty token and compare everything it holds.
var ErrInvalidSyncToken = errors.New("the server refused the sync token")

// SyncItem is a member of a collection that was added or changed.
type SyncItem struct {
	// Href is the escaped path below the base URL.
	Href string
	// ETag as the server sent it (quoted).
	ETag string
}

// SyncResult is one sync-collection answer (RFC 6578).
type SyncResult struct {
	// Token is the new sync token to store and send next time.
	Token   string
	Changed []SyncItem
	// Deleted are hrefs the server reported with 404.
	Deleted []string
	// Truncated is true when the server cut the answer short (507 on the
	// collection itself); asking again with Token gets the rest.
	Truncated bool
}

type syncProps struct {
	ETag *string `xml:"DAV: getetag"`
}

// SyncCollection asks a calendar or address book what changed since token
// ("" for everything). A token the server refuses gives an error matching
// ErrInvalidSyncToken.
func (c *Client) SyncCollection(ctx context.Context, collHref, token string) (*SyncResult, error) {
	tok := `<d:sync-token/>`
	if token != "" {
		tok = `<d:sync-token>` + xmlText(token) + `</d:sync-token>`
	}
	body := `<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:">
  ` + tok + `
  <d:sync-level>1</d:sync-level>
  <d:prop><d:getetag/></d:prop>
</d:sync-collection>`
	ms, err := davTyped[syncProps](ctx, c, "REPORT", collHref, "1", nil, []byte(body))
	if err != nil {
		if token != "" && syncTokenRefused(err) {
			return nil, fmt.Errorf("sync-collection on %s: %w (%w)", collHref, ErrInvalidSyncToken, err)
		}
		return nil, err
	}
	out := &SyncResult{Token: strings.TrimSpace(ms.SyncToken)}
	self := hrefKey(c.collectionPath(collHref))
	for _, r := range ms.Responses {
		href := c.objectPath(r.Href)
		status := StatusCode(r.Status)
		if hrefKey(c.collectionPath(href)) == self {
			if status == http.StatusInsufficientStorage {
				out.Truncated = true
			}
			continue
		}
		if status == http.StatusNotFound {
			out.Deleted = append(out.Deleted, href)
			continue
		}
		item := SyncItem{Href: href}
		for _, p := range r.found() {
			if p.ETag != nil {
				item.ETag = strings.TrimSpace(*p.ETag)
			}
		}
		out.Changed = append(out.Changed, item)
	}
	return out, nil
}

// syncTokenRefused reports whether a failed sync-collection says the token
// is unknown: Sabre's 403 InvalidSyncToken, or another server's
// valid-sync-token precondition (403, 409 or 412).
func syncTokenRefused(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if strings.Contains(e.Exception, "InvalidSyncToken") || strings.Contains(e.Message, "sync token") || strings.Contains(e.Message, "sync-token") {
		return true
	}
	switch e.Status {
	case http.StatusForbidden, http.StatusConflict, http.StatusPreconditionFailed, http.StatusBadRequest:
		return true
	}
	return false
}

// DAVObjectData is one calendar object or vCard as stored text.
type DAVObjectData struct {
	Href string
	ETag string
	// Data is the iCalendar or vCard text.
	Data string
}

type multigetProps struct {
	ETag         *string `xml:"DAV: getetag"`
	CalendarData *string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
	AddressData  *string `xml:"urn:ietf:params:xml:ns:carddav address-data"`
}

// MultiGetData fetches the stored text of objects of one calendar
// (addressBook false) or address book with calendar-multiget or
// addressbook-multiget. Objects the server no longer has are left out.
func (c *Client) MultiGetData(ctx context.Context, collHref string, addressBook bool, hrefs []string) ([]DAVObjectData, error) {
	if len(hrefs) == 0 {
		return nil, nil
	}
	var b strings.Builder
	if addressBook {
		b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><card:address-data/></d:prop>`)
	} else {
		b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>`)
	}
	for _, h := range hrefs {
		b.WriteString(`<d:href>` + xmlText(c.base.EscapedPath()+h) + `</d:href>`)
	}
	if addressBook {
		b.WriteString(`</card:addressbook-multiget>`)
	} else {
		b.WriteString(`</c:calendar-multiget>`)
	}
	ms, err := davTyped[multigetProps](ctx, c, "REPORT", collHref, "1", nil, []byte(b.String()))
	if err != nil {
		return nil, err
	}
	out := make([]DAVObjectData, 0, len(ms.Responses))
	for _, r := range ms.Responses {
		o := DAVObjectData{Href: c.objectPath(r.Href)}
		found := false
		for _, p := range r.found() {
			if p.ETag != nil {
				o.ETag = strings.TrimSpace(*p.ETag)
			}
			if p.CalendarData != nil {
				o.Data, found = *p.CalendarData, true
			}
			if p.AddressData != nil {
				o.Data, found = *p.AddressData, true
			}
		}
		if found {
			out = append(out, o)
		}
	}
	return out, nil
}

// SyncedAddressBook is an address book with its current sync token.
type SyncedAddressBook struct {
	AddressBook
	SyncToken string
}

type addressBookSyncProps struct {
	DisplayName  *string `xml:"DAV: displayname"`
	SyncToken    *string `xml:"DAV: sync-token"`
	ResourceType *struct {
		AddressBook *struct{} `xml:"urn:ietf:params:xml:ns:carddav addressbook"`
	} `xml:"DAV: resourcetype"`
}

const addressBookSyncPropfind = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/><d:resourcetype/><d:sync-token/></d:prop></d:propfind>`

// AddressBookSyncTokens lists the address books of the user's home with
// their sync tokens in one PROPFIND, so a client can skip the unchanged ones.
func (c *Client) AddressBookSyncTokens(ctx context.Context) ([]SyncedAddressBook, error) {
	home, err := c.AddressBookHome(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := davTyped[addressBookSyncProps](ctx, c, "PROPFIND", home, "1", nil, []byte(addressBookSyncPropfind))
	if err != nil {
		return nil, fmt.Errorf("list address books in %s: %w", home, err)
	}
	var out []SyncedAddressBook
	for _, r := range ms.Responses {
		href := c.collectionPath(r.Href)
		if href == home {
			continue
		}
		ab := SyncedAddressBook{AddressBook: AddressBook{Href: href, Name: davLastSegment(href)}}
		isBook := false
		for _, p := range r.found() {
			if p.ResourceType != nil && p.ResourceType.AddressBook != nil {
				isBook = true
			}
			if p.DisplayName != nil {
				ab.DisplayName = strings.TrimSpace(*p.DisplayName)
			}
			if p.SyncToken != nil {
				ab.SyncToken = strings.TrimSpace(*p.SyncToken)
			}
		}
		if isBook {
			out = append(out, ab)
		}
	}
	return out, nil
}

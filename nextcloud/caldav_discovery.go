package nextcloud

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// davHomes caches what CalDAV/CardDAV discovery found; Client.mu guards it.
type davHomes struct {
	found bool
	homes DAVHomes
}

// DAVHomes are the collections a user's calendars and address books live in,
// as the principal reports them. Paths are escaped and relative to the base URL.
type DAVHomes struct {
	Principal    string
	Calendars    string
	AddressBooks string
	// CalendarUserAddresses are the principal's calendar-user-address-set,
	// e.g. "mailto:alice@example.com"; the mailto one becomes ORGANIZER.
	CalendarUserAddresses []string
}

// Mailto returns the principal's mailto: calendar address, or "".
func (h DAVHomes) Mailto() string {
	for _, a := range h.CalendarUserAddresses {
		if strings.HasPrefix(strings.ToLower(a), "mailto:") {
			return a
		}
	}
	return ""
}

// DAVHomes finds the calendar and address book homes from the principal, once
// per Client. Nextcloud is asked at /remote.php/dav/; a plain CalDAV server
// (Radicale, Baikal) that does not know that path is asked at the base URL and
// at /.well-known/caldav, so the same code serves both.
func (c *Client) DAVHomes(ctx context.Context) (DAVHomes, error) {
	c.mu.Lock()
	cached := c.davHomes
	c.mu.Unlock()
	if cached.found {
		return cached.homes, nil
	}
	principal, err := c.discoverPrincipal(ctx)
	if err != nil {
		return DAVHomes{}, err
	}
	body := []byte(`<?xml version="1.0" encoding="utf-8"?>` +
		`<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav">` +
		`<d:prop><c:calendar-home-set/><card:addressbook-home-set/><c:calendar-user-address-set/></d:prop></d:propfind>`)
	ms, err := davTyped[principalProps](ctx, c, "PROPFIND", principal, "0", nil, body)
	if err != nil {
		return DAVHomes{}, fmt.Errorf("read the home sets of principal %s: %w", principal, err)
	}
	homes := DAVHomes{Principal: principal}
	for _, r := range ms.Responses {
		for _, p := range r.found() {
			if p.CalendarHome != nil && len(p.CalendarHome.Hrefs) > 0 && homes.Calendars == "" {
				homes.Calendars = c.collectionPath(p.CalendarHome.Hrefs[0])
			}
			if p.AddressBookHome != nil && len(p.AddressBookHome.Hrefs) > 0 && homes.AddressBooks == "" {
				homes.AddressBooks = c.collectionPath(p.AddressBookHome.Hrefs[0])
			}
			if p.UserAddresses != nil && homes.CalendarUserAddresses == nil {
				for _, h := range p.UserAddresses.Hrefs {
					homes.CalendarUserAddresses = append(homes.CalendarUserAddresses, strings.TrimSpace(h))
				}
			}
		}
	}
	c.mu.Lock()
	c.davHomes = davHomes{found: true, homes: homes}
	c.mu.Unlock()
	return homes, nil
}

// CalendarHome returns the calendar home collection.
func (c *Client) CalendarHome(ctx context.Context) (string, error) {
	h, err := c.DAVHomes(ctx)
	if err != nil {
		return "", err
	}
	if h.Calendars == "" {
		return "", fmt.Errorf("the server reported no calendar-home-set for principal %s: it does not offer CalDAV to this account", h.Principal)
	}
	return h.Calendars, nil
}

// AddressBookHome returns the address book home collection.
func (c *Client) AddressBookHome(ctx context.Context) (string, error) {
	h, err := c.DAVHomes(ctx)
	if err != nil {
		return "", err
	}
	if h.AddressBooks == "" {
		return "", fmt.Errorf("the server reported no addressbook-home-set for principal %s: it does not offer CardDAV to this account", h.Principal)
	}
	return h.AddressBooks, nil
}

type principalProps struct {
	CalendarHome    *davHrefs `xml:"urn:ietf:params:xml:ns:caldav calendar-home-set"`
	AddressBookHome *davHrefs `xml:"urn:ietf:params:xml:ns:carddav addressbook-home-set"`
	UserAddresses   *davHrefs `xml:"urn:ietf:params:xml:ns:caldav calendar-user-address-set"`
}

type davHrefs struct {
	Hrefs []string `xml:"DAV: href"`
}

type currentPrincipalProps struct {
	Principal *davHrefs `xml:"DAV: current-user-principal"`
}

// discoverPrincipal asks Nextcloud first and falls back to generic discovery
// when /remote.php/dav/ is not there.
func (c *Client) discoverPrincipal(ctx context.Context) (string, error) {
	p, err := c.Principal(ctx)
	if err == nil {
		return p, nil
	}
	if !notThisDAVLayout(err) {
		return "", err
	}
	for _, start := range []string{"/", "/.well-known/caldav"} {
		p, ferr := c.currentUserPrincipalAt(ctx, start, 3)
		if ferr == nil {
			return p, nil
		}
		if !notThisDAVLayout(ferr) && !errors.Is(ferr, errNoPrincipal) {
			return "", ferr
		}
	}
	return "", fmt.Errorf("no CalDAV principal found at /remote.php/dav/, / or /.well-known/caldav of %s: %w", c.base.Host, err)
}

var errNoPrincipal = errors.New("no current-user-principal in the answer")

// notThisDAVLayout reports answers that mean "nothing of that name here", as
// opposed to failures (auth, network) that another path would not fix.
func notThisDAVLayout(err error) bool {
	switch StatusOf(err) {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented, http.StatusBadRequest, http.StatusForbidden:
		return true
	}
	return false
}

// currentUserPrincipalAt asks a collection for current-user-principal,
// following up to hops redirects on the same server (.well-known answers 301).
func (c *Client) currentUserPrincipalAt(ctx context.Context, path string, hops int) (string, error) {
	body := []byte(`<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>`)
	resp, raw, err := c.Call(ctx, &Request{
		Method: "PROPFIND", Path: path, API: APIDAV, Body: body,
		Header: http.Header{"Content-Type": {"application/xml; charset=utf-8"}, "Depth": {"0"}},
		OK:     []int{http.StatusMultiStatus, http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect},
	})
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusMultiStatus {
		loc := resp.Header.Get("Location")
		if loc == "" || hops <= 0 {
			return "", fmt.Errorf("PROPFIND %s: redirect without a usable Location: %w", path, errNoPrincipal)
		}
		target, err := resp.Request.URL.Parse(loc)
		if err != nil || target.Host != c.base.Host {
			return "", fmt.Errorf("PROPFIND %s: redirect to %q leaves the server: %w", path, loc, errNoPrincipal)
		}
		return c.currentUserPrincipalAt(ctx, c.relativeToBase(target.EscapedPath()), hops-1)
	}
	var ms davMultistatus[currentPrincipalProps]
	if err := xml.Unmarshal(raw, &ms); err != nil {
		return "", fmt.Errorf("PROPFIND %s: decode multistatus: %w", path, err)
	}
	for _, r := range ms.Responses {
		for _, p := range r.found() {
			if p.Principal != nil && len(p.Principal.Hrefs) > 0 && strings.TrimSpace(p.Principal.Hrefs[0]) != "" {
				return c.collectionPath(p.Principal.Hrefs[0]), nil
			}
		}
	}
	return "", fmt.Errorf("PROPFIND %s: %w", path, errNoPrincipal)
}

// collectionPath turns an href the server sent into an escaped path below
// the base URL that ends in "/".
func (c *Client) collectionPath(href string) string {
	p := c.objectPath(href)
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// objectPath turns an href the server sent into an escaped path below the base URL.
func (c *Client) objectPath(href string) string {
	href = strings.TrimSpace(href)
	if u, err := url.Parse(href); err == nil && u.Path != "" {
		href = u.EscapedPath()
	}
	return c.relativeToBase(href)
}

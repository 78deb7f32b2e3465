package nextcloud

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/emersion/go-vcard"
	"github.com/emersion/go-webdav/carddav"
)

// AddressBook is one address book of the user's address book home.
type AddressBook struct {
	// Href is the escaped path below the base URL, ending in "/".
	Href string
	// Name is the last path segment, unescaped: the stable id tools use.
	Name        string
	DisplayName string
	Description string
}

// AddressBooks lists the address books of the user's address book home.
// Nextcloud's system address book (z-server-generated--system) and the
// "recently contacted" one are included: both are searchable.
func (c *Client) AddressBooks(ctx context.Context) ([]AddressBook, error) {
	home, err := c.AddressBookHome(ctx)
	if err != nil {
		return nil, err
	}
	cc, err := c.carddavClient()
	if err != nil {
		return nil, err
	}
	abs, err := cc.FindAddressBooks(ctx, c.absolutePath(home))
	if err != nil {
		return nil, fmt.Errorf("list address books in %s: %w", home, err)
	}
	out := make([]AddressBook, 0, len(abs))
	for _, ab := range abs {
		href := c.collectionPath((&url.URL{Path: ab.Path}).EscapedPath())
		if href == home {
			continue
		}
		out = append(out, AddressBook{Href: href, Name: davLastSegment(href), DisplayName: strings.TrimSpace(ab.Name), Description: strings.TrimSpace(ab.Description)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CreateAddressBook creates an address book with an extended MKCOL (RFC
// 5689); Nextcloud answers a plain MKCOL with 403.
func (c *Client) CreateAddressBook(ctx context.Context, name, displayName, description string) (*AddressBook, error) {
	if err := checkCollectionName(name); err != nil {
		return nil, err
	}
	home, err := c.AddressBookHome(ctx)
	if err != nil {
		return nil, err
	}
	var props strings.Builder
	props.WriteString(`<d:resourcetype><d:collection/><card:addressbook/></d:resourcetype>`)
	if displayName != "" {
		props.WriteString(`<d:displayname>` + xmlText(displayName) + `</d:displayname>`)
	}
	if description != "" {
		props.WriteString(`<card:addressbook-description>` + xmlText(description) + `</card:addressbook-description>`)
	}
	body := `<?xml version="1.0" encoding="utf-8"?>
<d:mkcol xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:set><d:prop>` + props.String() + `</d:prop></d:set></d:mkcol>`
	href := home + url.PathEscape(name) + "/"
	_, _, err = c.Call(ctx, &Request{
		Method: "MKCOL", Path: href, API: APIDAV, Body: []byte(body),
		Header: http.Header{"Content-Type": {"application/xml; charset=utf-8"}},
		OK:     []int{http.StatusCreated},
	})
	if err != nil {
		return nil, err
	}
	return &AddressBook{Href: href, Name: name, DisplayName: displayName, Description: description}, nil
}

// DeleteAddressBook deletes an address book and every card in it.
func (c *Client) DeleteAddressBook(ctx context.Context, ab AddressBook) error {
	_, _, err := c.Call(ctx, &Request{Method: http.MethodDelete, Path: ab.Href, API: APIDAV, OK: []int{http.StatusNoContent, http.StatusOK}})
	return err
}

// AddressObject is one vCard resource.
type AddressObject struct {
	Href string
	ETag string // quoted, as the server sent it
	Card vcard.Card
}

// ContactQuery selects cards with an addressbook-query REPORT.
type ContactQuery struct {
	// Text is matched (contains, case-insensitive) against Props; empty
	// lists every card that has an FN or a UID.
	Text string
	// Props defaults to FN, N, NICKNAME, EMAIL, TEL and ORG.
	Props []string
	// Limit caps the answer on the server; 0 means no limit.
	Limit int
}

// SearchFields are the vCard properties a contact search looks at.
var SearchFields = []string{"FN", "N", "NICKNAME", "EMAIL", "TEL", "ORG"}

// QueryContacts runs an addressbook-query REPORT; the server does the
// matching. Some servers fail (HTTP 500) on text matches against structured
// properties such as N and ORG (Radicale 3.1); then each property is asked
// on its own and the ones the server cannot match are matched here, so a
// search still finds what it should.
func (c *Client) QueryContacts(ctx context.Context, abHref string, q ContactQuery) ([]AddressObject, error) {
	props := q.Props
	if len(props) == 0 {
		props = SearchFields
	}
	out, err := c.queryContacts(ctx, abHref, q.Text, props, q.Limit)
	// Only a 500 is the filter quirk; a 502, 503 or 504 is the server or a
	// proxy failing, which more queries would only make worse.
	if err == nil || q.Text == "" || StatusOf(err) != http.StatusInternalServerError || len(props) < 2 {
		return out, err
	}
	seen := map[string]bool{}
	out = nil
	add := func(aos []AddressObject) {
		for _, ao := range aos {
			if !seen[hrefKey(ao.Href)] {
				seen[hrefKey(ao.Href)] = true
				out = append(out, ao)
			}
		}
	}
	var unmatched []string
	for _, p := range props {
		aos, err := c.queryContacts(ctx, abHref, q.Text, []string{p}, 0)
		if StatusOf(err) == http.StatusInternalServerError {
			unmatched = append(unmatched, p)
			continue
		}
		if err != nil {
			return nil, err
		}
		add(aos)
	}
	if len(unmatched) > 0 {
		all, err := c.queryContacts(ctx, abHref, "", nil, 0)
		if err != nil {
			return nil, err
		}
		needle := strings.ToLower(q.Text)
		var hits []AddressObject
		for _, ao := range all {
			for _, p := range unmatched {
				for _, f := range ao.Card[p] {
					if strings.Contains(strings.ToLower(f.Value), needle) {
						hits = append(hits, ao)
					}
				}
			}
		}
		add(hits)
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func (c *Client) queryContacts(ctx context.Context, abHref, text string, props []string, limit int) ([]AddressObject, error) {
	cc, err := c.carddavClient()
	if err != nil {
		return nil, err
	}
	query := &carddav.AddressBookQuery{
		DataRequest: carddav.AddressDataRequest{AllProp: true},
		FilterTest:  carddav.FilterAnyOf,
		Limit:       limit,
	}
	if text == "" {
		query.PropFilters = []carddav.PropFilter{{Name: vcard.FieldFormattedName}, {Name: vcard.FieldUID}}
	} else {
		for _, p := range props {
			query.PropFilters = append(query.PropFilters, carddav.PropFilter{
				Name:        p,
				TextMatches: []carddav.TextMatch{{Text: text, MatchType: carddav.MatchContains}},
			})
		}
	}
	aos, err := cc.QueryAddressBook(ctx, c.absolutePath(abHref), query)
	if err != nil {
		return nil, fmt.Errorf("addressbook-query on %s: %w", abHref, err)
	}
	out := make([]AddressObject, 0, len(aos))
	for _, ao := range aos {
		out = append(out, AddressObject{Href: c.objectPath((&url.URL{Path: ao.Path}).EscapedPath()), ETag: QuoteETag(ao.ETag), Card: ao.Card})
	}
	return out, nil
}

// GetContactObject reads one vCard with its ETag. It asks for vCard 4.0:
// Nextcloud otherwise converts a stored 4.0 card to 3.0 and drops what 3.0
// cannot say (KIND), which an update would then lose.
func (c *Client) GetContactObject(ctx context.Context, href string) (*AddressObject, error) {
	resp, body, err := c.Call(ctx, &Request{Method: http.MethodGet, Path: href, API: APIDAV,
		Header: http.Header{"Accept": {"text/vcard; version=4.0, text/vcard;q=0.9"}}})
	if err != nil {
		return nil, err
	}
	card, err := vcard.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		return nil, fmt.Errorf("GET %s: parse vCard: %w", href, err)
	}
	return &AddressObject{Href: href, ETag: resp.Header.Get("ETag"), Card: card}, nil
}

// PutContact writes a vCard and returns its new ETag.
func (c *Client) PutContact(ctx context.Context, href string, card vcard.Card, cond Precondition) (string, error) {
	data, err := EncodeVCard(card)
	if err != nil {
		return "", err
	}
	return c.putDAVObject(ctx, href, "text/vcard; charset=utf-8", data, cond)
}

// FindContactByUID returns the card with this UID in an address book, or an
// error matching ErrNotFound.
func (c *Client) FindContactByUID(ctx context.Context, abHref, uid string) (*AddressObject, error) {
	aos, err := c.QueryContacts(ctx, abHref, ContactQuery{Text: uid, Props: []string{vcard.FieldUID}})
	if err != nil {
		return nil, err
	}
	for _, ao := range aos {
		if strings.TrimSpace(ao.Card.Value(vcard.FieldUID)) == uid {
			return c.GetContactObject(ctx, ao.Href)
		}
	}
	return nil, &Error{Method: "REPORT", Path: abHref, Status: http.StatusNotFound, Message: "no contact with UID " + uid}
}

// EncodeVCard serialises a card with folded lines.
func EncodeVCard(card vcard.Card) ([]byte, error) {
	var buf bytes.Buffer
	if err := vcard.NewEncoder(&buf).Encode(card); err != nil {
		return nil, fmt.Errorf("encode vCard: %w", err)
	}
	return icalFold(buf.Bytes()), nil
}

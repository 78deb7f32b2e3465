package index

import (
	"strings"
	"time"

	"github.com/emersion/go-vcard"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// systemAddressBook is Nextcloud's directory of every user of the server.
// It is left out: on a large server it holds thousands of entries that are
// not the user's own contacts, and nc_contacts_search finds them anyway.
const systemAddressBook = "z-server-generated--system"

// syncContacts indexes names, emails, phones, organisation, title and
// notes, one address book at a time, by sync token.
func (r *run) syncContacts() error {
	books, err := r.c.AddressBookSyncTokens(r.ctx)
	if err != nil {
		return err
	}
	var cols []davCollection
	for _, b := range books {
		if b.Name == systemAddressBook {
			continue
		}
		cols = append(cols, davCollection{Href: b.Href, Name: b.Name, DisplayName: b.DisplayName, Token: b.SyncToken})
	}
	return r.syncDAVCollections(cols, true, contactDoc)
}

func contactDoc(col davCollection, o nextcloud.DAVObjectData) (doc, bool) {
	card, err := vcard.NewDecoder(strings.NewReader(o.Data)).Decode()
	if err != nil {
		return doc{}, false
	}
	c := nextcloud.ParseContact(card)
	title := c.Name
	if title == "" {
		title = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	if title == "" && len(c.Emails) > 0 {
		title = c.Emails[0].Value
	}
	var body []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			body = append(body, s)
		}
	}
	add(c.Nickname)
	for _, e := range c.Emails {
		add(e.Value)
	}
	add(c.Organization)
	add(c.Title)
	for _, p := range c.Phones {
		add(p.Value)
	}
	add(c.Note)
	var mod time.Time
	if rev := card.Value(vcard.FieldRevision); rev != "" {
		for _, layout := range []string{"20060102T150405Z", time.RFC3339, "2006-01-02T15:04:05Z"} {
			if t, err := time.Parse(layout, rev); err == nil {
				mod = t
				break
			}
		}
	}
	return doc{
		App: AppContacts, Title: title, Body: strings.Join(body, "\n"),
		Meta:     strings.Join(append([]string{col.DisplayName}, c.Categories...), "\n"),
		Modified: mod,
		Open:     OpenRef{Tool: "nc_contacts_get_contact", Args: map[string]any{"uid": c.UID, "addressbook": col.Name}},
	}, true
}

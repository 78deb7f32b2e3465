package tools

import (
	"context"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

func TestContactsLifecycle(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var books ContactsListAddressBooksOutput
	h.ok("nc_contacts_list_addressbooks", nil, &books)
	if len(books.AddressBooks) != 2 || books.AddressBooks[0].Name != "contacts" {
		t.Fatalf("address books %+v", books.AddressBooks)
	}
	var ann ContactInfo
	h.ok("nc_contacts_create_contact", map[string]any{
		"name": "Ann Müller", "emails": []map[string]any{{"value": "ann@example.com", "type": "work"}},
		"phones": []map[string]any{{"value": "+49 30 1234567", "type": "cell"}}, "organization": "Example GmbH",
		"title": "Engineer", "birthday": "1990-01-02", "address": map[string]any{"street": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "Germany", "type": "work"},
		"note": "Met at the conference",
	}, &ann)
	if ann.AddressBook != "contacts" || ann.UID == "" || ann.ETag == "" || len(ann.Emails) != 1 || ann.Birthday != "1990-01-02" || len(ann.Addresses) != 1 {
		t.Fatalf("created %+v", ann)
	}
	h.ok("nc_contacts_create_contact", map[string]any{"name": "Bob Builder", "emails": []map[string]any{{"value": "bob@example.org"}}}, nil)

	for _, q := range []string{"müller", "ANN@EXAMPLE", "1234567", "example gmbh"} {
		var res ContactsListOutput
		h.ok("nc_contacts_search", map[string]any{"query": q}, &res)
		if len(res.Contacts) != 1 || res.Contacts[0].UID != ann.UID {
			t.Errorf("search %q: %+v", q, res.Contacts)
		}
	}
	var accounts ContactsListOutput
	h.ok("nc_contacts_search", map[string]any{"query": "alice"}, &accounts)
	if len(accounts.Contacts) != 1 || accounts.Contacts[0].AddressBook != "z-server-generated--system" {
		t.Errorf("the system address book holds the accounts: %+v", accounts.Contacts)
	}
	var page ContactsListOutput
	h.ok("nc_contacts_list_contacts", map[string]any{"addressbook": "contacts", "limit": 1}, &page)
	if page.Total != 2 || len(page.Contacts) != 1 || page.Contacts[0].Name != "Ann Müller" || !page.Truncated {
		t.Errorf("first page %+v", page)
	}
	var page2 ContactsListOutput
	h.ok("nc_contacts_list_contacts", map[string]any{"addressbook": "contacts", "limit": 1, "offset": 1}, &page2)
	if len(page2.Contacts) != 1 || page2.Contacts[0].Name != "Bob Builder" || page2.Truncated || len(page2.Contacts[0].Phones) != 0 {
		t.Errorf("second page %+v", page2)
	}

	// Another app adds a property this program does not know; an update keeps it.
	c, err := nextcloud.New(nextcloud.Options{BaseURL: h.url, Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	books2, _ := c.AddressBooks(ctx)
	obj, err := c.FindContactByUID(ctx, books2[0].Href, ann.UID)
	if err != nil {
		t.Fatal(err)
	}
	obj.Card.SetValue("X-SOCIALPROFILE", "https://social.example/@ann")
	if _, err := c.PutContact(ctx, obj.Href, obj.Card, nextcloud.Precondition{IfMatch: obj.ETag}); err != nil {
		t.Fatal(err)
	}
	msg := h.fails("nc_contacts_update_contact", map[string]any{"uid": ann.UID, "etag": ann.ETag, "title": "CTO"})
	if !strings.Contains(msg, "412") || !strings.Contains(msg, "re-read") {
		t.Errorf("stale etag: %s", msg)
	}
	var got ContactInfo
	h.ok("nc_contacts_get_contact", map[string]any{"uid": ann.UID}, &got)
	var upd ContactInfo
	h.ok("nc_contacts_update_contact", map[string]any{"uid": ann.UID, "etag": got.ETag, "title": "CTO", "phones": []map[string]any{}}, &upd)
	if upd.Title != "CTO" || len(upd.Emails) != 1 || len(upd.Phones) != 0 || upd.Organization != "Example GmbH" || upd.Note != "Met at the conference" {
		t.Errorf("merged %+v", upd)
	}
	raw := h.rawDAV(obj.Href)
	if !strings.Contains(raw, "X-SOCIALPROFILE:https://social.example/@ann") || !strings.Contains(raw, "TITLE:CTO") {
		t.Errorf("the update lost a property it does not know:\n%s", raw)
	}

	h.ok("nc_contacts_delete_contact", map[string]any{"uid": ann.UID, "addressbook": "contacts"}, nil)
	if msg := h.fails("nc_contacts_get_contact", map[string]any{"uid": ann.UID}); !strings.Contains(msg, "no contact with uid") {
		t.Errorf("deleted contact: %s", msg)
	}
	h.ok("nc_contacts_create_contact", map[string]any{"name": "Once", "uid": "c-fixed"}, nil)
	if msg := h.fails("nc_contacts_create_contact", map[string]any{"name": "Twice", "uid": "c-fixed"}); !strings.Contains(msg, "already exists") {
		t.Errorf("duplicate uid: %s", msg)
	}
	if msg := h.fails("nc_contacts_create_contact", map[string]any{"name": "Bad", "birthday": "02.01.1990"}); !strings.Contains(msg, "YYYY-MM-DD") {
		t.Errorf("bad birthday: %s", msg)
	}
}

func TestAddressBookLifecycle(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var ab AddressBookInfo
	h.ok("nc_contacts_create_addressbook", map[string]any{"name": "clients", "display_name": "Clients"}, &ab)
	if ab.Name != "clients" || ab.DisplayName != "Clients" {
		t.Errorf("created %+v", ab)
	}
	if msg := h.fails("nc_contacts_create_addressbook", map[string]any{"name": "clients"}); !strings.Contains(msg, "already exists") {
		t.Errorf("duplicate: %s", msg)
	}
	var c ContactInfo
	h.ok("nc_contacts_create_contact", map[string]any{"name": "Carla Client", "addressbook": "Clients"}, &c)
	if c.AddressBook != "clients" {
		t.Errorf("contact landed in %q", c.AddressBook)
	}
	h.ok("nc_contacts_delete_addressbook", map[string]any{"name": "clients"}, nil)
	var books ContactsListAddressBooksOutput
	h.ok("nc_contacts_list_addressbooks", nil, &books)
	for _, b := range books.AddressBooks {
		if b.Name == "clients" {
			t.Error("deleted address book still listed")
		}
	}
}

// A contact created without categories reports none, not one empty category.
func TestCreatedContactHasNoEmptyCategory(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	res := h.call("nc_contacts_create_contact", map[string]any{"name": "No Tags"})
	if res.IsError {
		t.Fatal(resultText(res))
	}
	if text := resultText(res); strings.Contains(text, "categories") {
		t.Errorf("created contact reports categories: %s", text)
	}
}

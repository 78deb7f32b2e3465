package nextcloud_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-vcard"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestCardDAVRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := newDAVClient(t, ncfake.New(ncfake.Options{}))
	books, err := c.AddressBooks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range books {
		names = append(names, b.Name)
	}
	if strings.Join(names, ",") != "contacts,z-server-generated--system" {
		t.Fatalf("address books %v", names)
	}
	ab, err := c.CreateAddressBook(ctx, "clients", "Clients", "People we work for")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAddressBook(ctx, "clients", "", ""); nextcloud.StatusOf(err) != http.StatusMethodNotAllowed {
		t.Errorf("second create: %v, want 405", err)
	}

	name := "Ann Example"
	org := "Example GmbH"
	card, err := nextcloud.NewContactCard("ann-1", nextcloud.ContactPatch{
		Name: &name, Organization: &org,
		Emails: &[]nextcloud.TypedValue{{Value: "ann@example.com", Type: "work"}},
		Phones: &[]nextcloud.TypedValue{{Value: "+49 30 1234567", Type: "cell"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	card.SetValue("X-SOCIALPROFILE", "https://social.example/@ann")
	href := ab.Href + nextcloud.ResourceName("ann-1", "vcf")
	etag, err := c.PutContact(ctx, href, card, nextcloud.Precondition{IfNoneMatch: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ann ex", "ANN@EXAMPLE", "1234567", "example gmbh"} {
		got, err := c.QueryContacts(ctx, ab.Href, nextcloud.ContactQuery{Text: q})
		if err != nil || len(got) != 1 || got[0].ETag != etag {
			t.Errorf("search %q: %d hits, %v", q, len(got), err)
		}
	}
	if got, _ := c.QueryContacts(ctx, ab.Href, nextcloud.ContactQuery{Text: "nobody"}); len(got) != 0 {
		t.Errorf("search for nobody found %d", len(got))
	}
	all, err := c.QueryContacts(ctx, ab.Href, nextcloud.ContactQuery{})
	if err != nil || len(all) != 1 {
		t.Errorf("listing: %d, %v", len(all), err)
	}

	obj, err := c.FindContactByUID(ctx, ab.Href, "ann-1")
	if err != nil {
		t.Fatal(err)
	}
	title := "CTO"
	if err := nextcloud.ApplyContactPatch(obj.Card, nextcloud.ContactPatch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutContact(ctx, href, obj.Card, nextcloud.Precondition{IfMatch: "stale"}); !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Fatalf("stale etag: %v", err)
	}
	if _, err := c.PutContact(ctx, href, obj.Card, nextcloud.Precondition{IfMatch: obj.ETag}); err != nil {
		t.Fatal(err)
	}
	back, err := c.GetContactObject(ctx, href)
	if err != nil {
		t.Fatal(err)
	}
	got := nextcloud.ParseContact(back.Card)
	if got.Title != "CTO" || got.Name != name || got.FamilyName != "Example" || len(got.Emails) != 1 || got.Emails[0].Type != "work" ||
		back.Card.Value("X-SOCIALPROFILE") != "https://social.example/@ann" {
		t.Errorf("after a merge: %+v / %v", got, back.Card[vcard.FieldVersion])
	}
	if err := c.DeleteDAVObject(ctx, href, back.ETag); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindContactByUID(ctx, ab.Href, "ann-1"); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Errorf("deleted contact: %v", err)
	}
	if err := c.DeleteAddressBook(ctx, *ab); err != nil {
		t.Fatal(err)
	}
}

// Radicale 3.1 answers 500 to a text-match on structured properties (N,
// ORG). The search then asks property by property and matches the ones the
// server cannot match itself.
func TestContactSearchSurvivesServerFilterErrors(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newDAVClient(t, fake)
	books, err := c.AddressBooks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := "Ann Example"
	card, _ := nextcloud.NewContactCard("ann-2", nextcloud.ContactPatch{Name: &name})
	if _, err := c.PutContact(ctx, books[0].Href+"ann-2.vcf", card, nextcloud.Precondition{IfNoneMatch: true}); err != nil {
		t.Fatal(err)
	}
	// The combined query and then the FN-only query fail.
	fake.AddFault(ncfake.Fault{Method: "REPORT", PathPrefix: books[0].Href, Times: 2, Status: http.StatusInternalServerError})
	got, err := c.QueryContacts(ctx, books[0].Href, nextcloud.ContactQuery{Text: "ann ex"})
	if err != nil || len(got) != 1 || nextcloud.ParseContact(got[0].Card).UID != "ann-2" {
		t.Errorf("search after server filter errors: %d hits, %v", len(got), err)
	}
}

// go-webdav reads multistatus answers itself; they must be capped like any
// other body so a huge or endless answer cannot exhaust memory.
func TestAddressBookListingIsCapped(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	full := clientFor(t, ts.URL, nextcloud.Options{})
	for i := range 40 {
		if _, err := full.CreateAddressBook(ctx, "book-"+strings.Repeat("x", 20)+string(rune('a'+i%26))+strings.Repeat("y", i), "A book with a long enough display name", "And a description"); err != nil {
			t.Fatal(err)
		}
	}
	capped := clientFor(t, ts.URL, nextcloud.Options{MaxBody: 4096})
	if _, err := capped.AddressBookHome(ctx); err != nil {
		t.Fatalf("discovery under the cap: %v", err)
	}
	if _, err := capped.AddressBooks(ctx); !errors.Is(err, nextcloud.ErrTooLarge) {
		t.Fatalf("listing of 40 books under a 4 KiB cap: %v, want ErrTooLarge", err)
	}
	if books, err := full.AddressBooks(ctx); err != nil || len(books) < 40 {
		t.Fatalf("uncapped listing: %d books, %v", len(books), err)
	}
}

func TestContactCategoriesDropEmptyAndRepeated(t *testing.T) {
	cases := map[string][]string{
		"":                                   nil,
		"CATEGORIES:\r\n":                    nil,
		"CATEGORIES:Work, Friends,,Work\r\n": {"Work", "Friends"},
		"CATEGORIES:a\r\nCATEGORIES:b,a\r\n": {"a", "b"},
	}
	for lines, want := range cases {
		card, err := vcard.NewDecoder(strings.NewReader("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:1\r\nFN:X\r\n" + lines + "END:VCARD\r\n")).Decode()
		if err != nil {
			t.Fatal(err)
		}
		if got := nextcloud.ParseContact(card).Categories; !slices.Equal(got, want) {
			t.Errorf("%q: categories %q, want %q", lines, got, want)
		}
	}
}

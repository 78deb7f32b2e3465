package tools

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// contactsToolset: Address books and contacts over CardDAV.
func contactsToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "contacts",
		Description: "Address books and contacts over CardDAV: search by name, email, phone or organisation, read, create, merge-update and delete.",
		Available:   hasApp("dav"),
		Tools: []Tool{
			contactsListAddressBooksTool(d),
			contactsListContactsTool(d),
			contactsSearchTool(d),
			contactsGetContactTool(d),
			contactsCreateContactTool(d),
			contactsUpdateContactTool(d),
			contactsDeleteContactTool(d),
			contactsCreateAddressBookTool(d),
			contactsDeleteAddressBookTool(d),
		},
	}
}

// AddressBookInfo is one address book.
type AddressBookInfo struct {
	Name        string `json:"name" jsonschema_description:"The address book's id; pass it as addressbook."`
	DisplayName string `json:"display_name,omitempty" jsonschema_description:"Name shown in Nextcloud."`
	Description string `json:"description,omitempty" jsonschema_description:"The address book's description."`
}

// ContactValue is an email address or phone number with its kind.
type ContactValue struct {
	Value string `json:"value"`
	Type  string `json:"type,omitempty" jsonschema_description:"work, home, cell, fax..."`
}

// ContactAddress is a postal address.
type ContactAddress struct {
	Street     string `json:"street,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
	Type       string `json:"type,omitempty" jsonschema_description:"work or home"`
}

// ContactInfo is one contact.
type ContactInfo struct {
	AddressBook  string           `json:"addressbook" jsonschema_description:"Name of the address book holding it."`
	UID          string           `json:"uid" jsonschema_description:"Its iCalendar/vCard uid, the id other tools take."`
	Name         string           `json:"name" jsonschema_description:"Full name (FN)."`
	Emails       []ContactValue   `json:"emails,omitempty" jsonschema_description:"Email addresses."`
	Phones       []ContactValue   `json:"phones,omitempty" jsonschema_description:"Phone numbers."`
	Organization string           `json:"organization,omitempty" jsonschema_description:"Organisation or company."`
	Title        string           `json:"title,omitempty" jsonschema_description:"Job title."`
	Birthday     string           `json:"birthday,omitempty" jsonschema_description:"YYYY-MM-DD, or --MM-DD without a year."`
	Addresses    []ContactAddress `json:"addresses,omitempty" jsonschema_description:"Postal addresses."`
	Note         string           `json:"note,omitempty" jsonschema_description:"Free-text note."`
	Nickname     string           `json:"nickname,omitempty" jsonschema_description:"Nickname."`
	Categories   []string         `json:"categories,omitempty" jsonschema_description:"Its categories (tags)."`
	URLs         []string         `json:"urls,omitempty" jsonschema_description:"Web addresses."`
	ETag         string           `json:"etag" jsonschema_description:"Pass back to update or delete so a concurrent change is refused instead of overwritten."`
}

func contactInfo(book string, obj nextcloud.AddressObject, full bool) ContactInfo {
	c := nextcloud.ParseContact(obj.Card)
	out := ContactInfo{AddressBook: book, UID: c.UID, Name: c.Name, Organization: c.Organization, Title: c.Title, ETag: nextcloud.ShortETag(obj.ETag)}
	for _, e := range c.Emails {
		out.Emails = append(out.Emails, ContactValue{Value: e.Value, Type: e.Type})
	}
	for _, p := range c.Phones {
		out.Phones = append(out.Phones, ContactValue{Value: p.Value, Type: p.Type})
	}
	if full {
		out.Birthday, out.Note, out.Nickname, out.Categories, out.URLs = c.Birthday, c.Note, c.Nickname, c.Categories, c.URLs
		for _, a := range c.Addresses {
			out.Addresses = append(out.Addresses, ContactAddress{Street: a.Street, City: a.City, Region: a.Region, PostalCode: a.PostalCode, Country: a.Country, Type: a.Type})
		}
	}
	return out
}

// resolveAddressBook finds an address book by name or display name.
func resolveAddressBook(ctx context.Context, c *nextcloud.Client, name string) (nextcloud.AddressBook, error) {
	books, err := c.AddressBooks(ctx)
	if err != nil {
		return nextcloud.AddressBook{}, about(err, "the address book list")
	}
	want := strings.TrimSpace(name)
	for _, match := range []func(nextcloud.AddressBook) bool{
		func(b nextcloud.AddressBook) bool { return b.Name == want },
		func(b nextcloud.AddressBook) bool { return strings.EqualFold(b.Name, want) },
		func(b nextcloud.AddressBook) bool { return strings.EqualFold(b.DisplayName, want) },
	} {
		for _, b := range books {
			if match(b) {
				return b, nil
			}
		}
	}
	var names []string
	for _, b := range books {
		names = append(names, fmt.Sprintf("%q", b.Name))
	}
	return nextcloud.AddressBook{}, inputErrorf("no address book named %q: pick one of %s", name, strings.Join(names, ", "))
}

// addressBooks returns the named one, or all of them.
func addressBooks(ctx context.Context, c *nextcloud.Client, name string) ([]nextcloud.AddressBook, error) {
	if strings.TrimSpace(name) != "" {
		b, err := resolveAddressBook(ctx, c, name)
		if err != nil {
			return nil, err
		}
		return []nextcloud.AddressBook{b}, nil
	}
	books, err := c.AddressBooks(ctx)
	if err != nil {
		return nil, about(err, "the address book list")
	}
	return books, nil
}

// defaultAddressBook is Nextcloud's "contacts", else the first book that
// is not generated by the server.
func defaultAddressBook(ctx context.Context, c *nextcloud.Client) (nextcloud.AddressBook, error) {
	books, err := c.AddressBooks(ctx)
	if err != nil {
		return nextcloud.AddressBook{}, about(err, "the address book list")
	}
	for _, b := range books {
		if b.Name == "contacts" {
			return b, nil
		}
	}
	for _, b := range books {
		if !strings.HasPrefix(b.Name, "z-") {
			return b, nil
		}
	}
	return nextcloud.AddressBook{}, inputErrorf("there is no address book to add contacts to: create one with nc_contacts_create_addressbook")
}

// --- list address books ---

// ContactsListAddressBooksInput has no arguments.
type ContactsListAddressBooksInput struct{}

// ContactsListAddressBooksOutput is the result of nc_contacts_list_addressbooks.
type ContactsListAddressBooksOutput struct {
	AddressBooks []AddressBookInfo `json:"addressbooks" jsonschema_description:"The user's address books."`
}

func contactsListAddressBooksTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_contacts_list_addressbooks",
		Title:       "List address books",
		Description: "List address books: name (the addressbook other tools take), display name, description.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ ContactsListAddressBooksInput) (ContactsListAddressBooksOutput, error) {
		books, err := call.Client.AddressBooks(ctx)
		if err != nil {
			return ContactsListAddressBooksOutput{}, about(err, "the address book list")
		}
		out := ContactsListAddressBooksOutput{AddressBooks: []AddressBookInfo{}}
		for _, b := range books {
			out.AddressBooks = append(out.AddressBooks, AddressBookInfo{Name: b.Name, DisplayName: b.DisplayName, Description: b.Description})
		}
		return out, nil
	})
}

// --- list and search contacts ---

// ContactsListContactsInput are the arguments of nc_contacts_list_contacts.
type ContactsListContactsInput struct {
	AddressBook string `json:"addressbook,omitempty" jsonschema_description:"default all"`
	Limit       int    `json:"limit,omitempty" jsonschema_description:"default 50, max 500"`
	Offset      int    `json:"offset,omitempty"`
}

// Validate implements the input check.
func (in *ContactsListContactsInput) Validate() error {
	if in.Limit < 0 || in.Limit > 500 {
		return inputErrorf("limit must be between 1 and 500, got %d", in.Limit)
	}
	if in.Offset < 0 {
		return inputErrorf("offset must not be negative")
	}
	return nil
}

// ContactsListOutput is a page of contacts.
type ContactsListOutput struct {
	Contacts  []ContactInfo `json:"contacts" jsonschema_description:"Contacts in this page, by name."`
	Total     int           `json:"total" jsonschema_description:"How many matched in all, before the limit."`
	Truncated bool          `json:"truncated,omitempty" jsonschema_description:"True when more matched than are listed; narrow the query or raise the limit."`
	Warnings  []string      `json:"warnings,omitempty" jsonschema_description:"Address books that could not be read; the contacts of the others are still listed."`
}

// queryBooks runs the same query on several address books.
func queryBooks(ctx context.Context, c *nextcloud.Client, books []nextcloud.AddressBook, q nextcloud.ContactQuery) ([]ContactInfo, []string, error) {
	var out []ContactInfo
	var warnings []string
	var firstErr error
	for _, b := range books {
		objs, err := c.QueryContacts(ctx, b.Href, q)
		if err != nil {
			if firstErr == nil {
				firstErr = about(err, "address book %q", b.Name)
			}
			warnings = append(warnings, Explain(about(err, "address book %q", b.Name)))
			continue
		}
		for _, o := range objs {
			out = append(out, contactInfo(b.Name, o, false))
		}
	}
	if len(out) == 0 && firstErr != nil && len(warnings) == len(books) {
		return nil, nil, firstErr
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return out, warnings, nil
}

func contactsListContactsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_contacts_list_contacts",
		Title:       "List contacts",
		Description: "List contacts by name with emails, phones and organisation, from one address book or all.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in ContactsListContactsInput) (ContactsListOutput, error) {
		books, err := addressBooks(ctx, call.Client, in.AddressBook)
		if err != nil {
			return ContactsListOutput{}, err
		}
		all, warnings, err := queryBooks(ctx, call.Client, books, nextcloud.ContactQuery{})
		if err != nil {
			return ContactsListOutput{}, err
		}
		limit := in.Limit
		if limit == 0 {
			limit = 50
		}
		out := ContactsListOutput{Contacts: []ContactInfo{}, Total: len(all), Warnings: warnings}
		if in.Offset < len(all) {
			end := min(in.Offset+limit, len(all))
			out.Contacts = append(out.Contacts, all[in.Offset:end]...)
			out.Truncated = end < len(all)
		}
		return out, nil
	})
}

// ContactsSearchInput are the arguments of nc_contacts_search.
type ContactsSearchInput struct {
	Query       string `json:"query"`
	AddressBook string `json:"addressbook,omitempty" jsonschema_description:"default all"`
	Limit       int    `json:"limit,omitempty" jsonschema_description:"default 25, max 200"`
}

// Validate implements the input check.
func (in *ContactsSearchInput) Validate() error {
	if strings.TrimSpace(in.Query) == "" {
		return inputErrorf("query is empty: give a name, email, phone number or organisation to look for")
	}
	if in.Limit < 0 || in.Limit > 200 {
		return inputErrorf("limit must be between 1 and 200, got %d", in.Limit)
	}
	return nil
}

func contactsSearchTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_contacts_search",
		Title: "Search contacts",
		Description: "Find contacts whose name, nickname, email, " +
			"phone or organisation contains the query.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in ContactsSearchInput) (ContactsListOutput, error) {
		books, err := addressBooks(ctx, call.Client, in.AddressBook)
		if err != nil {
			return ContactsListOutput{}, err
		}
		limit := in.Limit
		if limit == 0 {
			limit = 25
		}
		found, warnings, err := queryBooks(ctx, call.Client, books, nextcloud.ContactQuery{Text: strings.TrimSpace(in.Query), Limit: limit + 1})
		if err != nil {
			return ContactsListOutput{}, err
		}
		out := ContactsListOutput{Contacts: []ContactInfo{}, Total: len(found), Warnings: warnings}
		for _, c := range found {
			if len(out.Contacts) == limit {
				out.Truncated = true
				break
			}
			out.Contacts = append(out.Contacts, c)
		}
		return out, nil
	})
}

// --- get ---

// ContactsGetContactInput are the arguments of nc_contacts_get_contact.
type ContactsGetContactInput struct {
	UID         string `json:"uid"`
	AddressBook string `json:"addressbook,omitempty" jsonschema_description:"default: search all"`
}

// findContact finds a contact by UID in one address book or all of them.
func findContact(ctx context.Context, c *nextcloud.Client, book, uid string) (nextcloud.AddressBook, *nextcloud.AddressObject, error) {
	if strings.TrimSpace(uid) == "" {
		return nextcloud.AddressBook{}, nil, inputErrorf("uid is empty: take it from nc_contacts_search or nc_contacts_list_contacts")
	}
	books, err := addressBooks(ctx, c, book)
	if err != nil {
		return nextcloud.AddressBook{}, nil, err
	}
	for _, b := range books {
		obj, err := c.FindContactByUID(ctx, b.Href, uid)
		if err == nil {
			return b, obj, nil
		}
		if !errors.Is(err, nextcloud.ErrNotFound) {
			return b, nil, about(err, "contact %q in address book %q", uid, b.Name)
		}
	}
	where := "any address book"
	if book != "" {
		where = fmt.Sprintf("address book %q", book)
	}
	return nextcloud.AddressBook{}, nil, inputErrorf("no contact with uid %q in %s: search for it first to get the uid", uid, where)
}

func contactsGetContactTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_contacts_get_contact",
		Title:       "Get a contact",
		Description: "Read one contact in full, with its etag.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in ContactsGetContactInput) (ContactInfo, error) {
		book, obj, err := findContact(ctx, call.Client, in.AddressBook, in.UID)
		if err != nil {
			return ContactInfo{}, err
		}
		return contactInfo(book.Name, *obj, true), nil
	})
}

// --- create and update ---

// ContactFields are the settable fields shared by create and update.
type ContactFields struct {
	Emails       []ContactValue  `json:"emails,omitempty"`
	Phones       []ContactValue  `json:"phones,omitempty"`
	Organization *string         `json:"organization,omitempty"`
	Title        *string         `json:"title,omitempty" jsonschema_description:"job title"`
	Birthday     *string         `json:"birthday,omitempty" jsonschema_description:"YYYY-MM-DD or --MM-DD"`
	Address      *ContactAddress `json:"address,omitempty"`
	Note         *string         `json:"note,omitempty"`
}

func (f *ContactFields) patch() nextcloud.ContactPatch {
	p := nextcloud.ContactPatch{Organization: f.Organization, Title: f.Title, Birthday: f.Birthday, Note: f.Note}
	conv := func(in []ContactValue) *[]nextcloud.TypedValue {
		if in == nil {
			return nil
		}
		out := make([]nextcloud.TypedValue, 0, len(in))
		for _, v := range in {
			if strings.TrimSpace(v.Value) != "" {
				out = append(out, nextcloud.TypedValue{Value: strings.TrimSpace(v.Value), Type: v.Type})
			}
		}
		return &out
	}
	p.Emails, p.Phones = conv(f.Emails), conv(f.Phones)
	if f.Address != nil {
		a := nextcloud.PostalAddress{Type: f.Address.Type, Street: f.Address.Street, City: f.Address.City, Region: f.Address.Region, PostalCode: f.Address.PostalCode, Country: f.Address.Country}
		p.Address = &a
	}
	return p
}

// ContactsCreateContactInput are the arguments of nc_contacts_create_contact.
type ContactsCreateContactInput struct {
	Name        string `json:"name" jsonschema_description:"full name"`
	AddressBook string `json:"addressbook,omitempty" jsonschema_description:"default: contacts"`
	UID         string `json:"uid,omitempty" jsonschema_description:"optional; a retry with it makes no duplicate"`
	ContactFields
}

// Validate implements the input check.
func (in *ContactsCreateContactInput) Validate() error {
	if strings.TrimSpace(in.Name) == "" {
		return inputErrorf("name is empty: give the contact's full name")
	}
	return nil
}

func contactsCreateContactTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_contacts_create_contact",
		Title:       "Create a contact",
		Description: "Add a contact with name and optional emails, phones, organisation, title, birthday, address and note.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in ContactsCreateContactInput) (ContactInfo, error) {
		var book nextcloud.AddressBook
		var err error
		if strings.TrimSpace(in.AddressBook) != "" {
			book, err = resolveAddressBook(ctx, call.Client, in.AddressBook)
		} else {
			book, err = defaultAddressBook(ctx, call.Client)
		}
		if err != nil {
			return ContactInfo{}, err
		}
		uid := strings.TrimSpace(in.UID)
		if uid == "" {
			uid = nextcloud.NewUID()
		} else if _, err := call.Client.FindContactByUID(ctx, book.Href, uid); err == nil {
			return ContactInfo{}, inputErrorf("a contact with uid %q already exists in %q: update it with nc_contacts_update_contact or pick another uid", uid, book.Name)
		}
		p := in.ContactFields.patch()
		name := strings.TrimSpace(in.Name)
		p.Name = &name
		card, err := nextcloud.NewContactCard(uid, p)
		if err != nil {
			return ContactInfo{}, inputErrorf("%v", err)
		}
		href := book.Href + nextcloud.ResourceName(uid, "vcf")
		etag, err := call.Client.PutContact(ctx, href, card, nextcloud.Precondition{IfNoneMatch: true})
		if err != nil {
			if isDuplicateUID(err) {
				return ContactInfo{}, inputErrorf("a contact with uid %q already exists in %q: update it with nc_contacts_update_contact or pick another uid", uid, book.Name)
			}
			return ContactInfo{}, about(err, "new contact %q in %q", name, book.Name)
		}
		return contactInfo(book.Name, nextcloud.AddressObject{Href: href, ETag: etag, Card: card}, true), nil
	})
}

// ContactsUpdateContactInput are the arguments of nc_contacts_update_contact.
type ContactsUpdateContactInput struct {
	UID         string  `json:"uid"`
	AddressBook string  `json:"addressbook,omitempty" jsonschema_description:"default: search all"`
	ETag        string  `json:"etag,omitempty"`
	Name        *string `json:"name,omitempty"`
	ContactFields
}

// Validate implements the input check.
func (in *ContactsUpdateContactInput) Validate() error {
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		return inputErrorf("name cannot be empty")
	}
	return nil
}

func contactsUpdateContactTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_contacts_update_contact",
		Title: "Update a contact",
		Description: "Change fields of a contact; everything " +
			"else (photo, other apps' data) stays.",
		Hints: updateHints,
	}, func(ctx context.Context, call *Call, in ContactsUpdateContactInput) (ContactInfo, error) {
		book, obj, err := findContact(ctx, call.Client, in.AddressBook, in.UID)
		if err != nil {
			return ContactInfo{}, err
		}
		p := in.ContactFields.patch()
		if in.Name != nil {
			n := strings.TrimSpace(*in.Name)
			p.Name = &n
		}
		if err := nextcloud.ApplyContactPatch(obj.Card, p); err != nil {
			return ContactInfo{}, inputErrorf("%v", err)
		}
		etag, err := call.Client.PutContact(ctx, obj.Href, obj.Card, nextcloud.Precondition{IfMatch: calFirst(in.ETag, obj.ETag)})
		if err != nil {
			return ContactInfo{}, about(err, "contact %q in %q", in.UID, book.Name)
		}
		obj.ETag = etag
		return contactInfo(book.Name, *obj, true), nil
	})
}

// --- delete ---

// ContactsDeleteContactInput are the arguments of nc_contacts_delete_contact.
type ContactsDeleteContactInput struct {
	UID         string `json:"uid"`
	AddressBook string `json:"addressbook,omitempty" jsonschema_description:"default: search all"`
	ETag        string `json:"etag,omitempty"`
}

// ContactsDeleteContactOutput confirms a deletion.
type ContactsDeleteContactOutput struct {
	Deleted     bool   `json:"deleted" jsonschema_description:"True when it was deleted."`
	AddressBook string `json:"addressbook" jsonschema_description:"Name of the address book holding it."`
	UID         string `json:"uid" jsonschema_description:"Uid of the deleted contact."`
}

func contactsDeleteContactTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_contacts_delete_contact",
		Title:       "Delete a contact",
		Description: "Delete a contact.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in ContactsDeleteContactInput) (ContactsDeleteContactOutput, error) {
		book, obj, err := findContact(ctx, call.Client, in.AddressBook, in.UID)
		if err != nil {
			return ContactsDeleteContactOutput{}, err
		}
		if err := call.Client.DeleteDAVObject(ctx, obj.Href, calFirst(in.ETag, obj.ETag)); err != nil {
			return ContactsDeleteContactOutput{}, about(err, "contact %q in %q", in.UID, book.Name)
		}
		return ContactsDeleteContactOutput{Deleted: true, AddressBook: book.Name, UID: in.UID}, nil
	})
}

// --- address books ---

// ContactsCreateAddressBookInput are the arguments of nc_contacts_create_addressbook.
type ContactsCreateAddressBookInput struct {
	Name        string `json:"name" jsonschema_description:"id in its URL, e.g. clients"`
	DisplayName string `json:"display_name,omitempty"`
	Description string `json:"description,omitempty"`
}

// Validate implements the input check.
func (in *ContactsCreateAddressBookInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || strings.ContainsAny(in.Name, "/\\") || in.Name == "." || in.Name == ".." {
		return inputErrorf("name %q must be a single word for the URL, like \"clients\" (no slashes)", in.Name)
	}
	return nil
}

func contactsCreateAddressBookTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_contacts_create_addressbook",
		Title:       "Create an address book",
		Description: "Create an address book. Fails if the name is taken.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in ContactsCreateAddressBookInput) (AddressBookInfo, error) {
		b, err := call.Client.CreateAddressBook(ctx, in.Name, calFirst(in.DisplayName, in.Name), in.Description)
		if err != nil {
			if nextcloud.StatusOf(err) == 405 {
				return AddressBookInfo{}, inputErrorf("an address book named %q already exists: pick another name", in.Name)
			}
			return AddressBookInfo{}, about(err, "address book %q", in.Name)
		}
		return AddressBookInfo{Name: b.Name, DisplayName: b.DisplayName, Description: b.Description}, nil
	})
}

// ContactsDeleteAddressBookInput are the arguments of nc_contacts_delete_addressbook.
type ContactsDeleteAddressBookInput struct {
	Name string `json:"name"`
}

// ContactsDeleteAddressBookOutput confirms a deletion.
type ContactsDeleteAddressBookOutput struct {
	Deleted     bool   `json:"deleted" jsonschema_description:"True when it was deleted."`
	AddressBook string `json:"addressbook" jsonschema_description:"Name of the deleted address book."`
}

func contactsDeleteAddressBookTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_contacts_delete_addressbook",
		Title:       "Delete an address book",
		Description: "Delete an address book and every contact in it, for good.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in ContactsDeleteAddressBookInput) (ContactsDeleteAddressBookOutput, error) {
		b, err := resolveAddressBook(ctx, call.Client, in.Name)
		if err != nil {
			return ContactsDeleteAddressBookOutput{}, err
		}
		if err := call.Client.DeleteAddressBook(ctx, b); err != nil {
			return ContactsDeleteAddressBookOutput{}, about(err, "address book %q", b.Name)
		}
		return ContactsDeleteAddressBookOutput{Deleted: true, AddressBook: b.Name}, nil
	})
}

package nextcloud

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/emersion/go-vcard"
)

// TypedValue is an email address or phone number with its kind (work, home, cell...).
type TypedValue struct {
	Value string
	Type  string
}

// PostalAddress is one ADR.
type PostalAddress struct {
	Type       string
	POBox      string
	Extended   string
	Street     string
	City       string
	Region     string
	PostalCode string
	Country    string
}

// IsZero reports an address without any part.
func (a PostalAddress) IsZero() bool {
	return a.POBox == "" && a.Extended == "" && a.Street == "" && a.City == "" && a.Region == "" && a.PostalCode == "" && a.Country == ""
}

// Contact is what a vCard says, read into plain fields.
type Contact struct {
	UID          string
	Name         string
	GivenName    string
	FamilyName   string
	Nickname     string
	Organization string
	Title        string
	Birthday     string // YYYY-MM-DD, or --MM-DD without a year
	Note         string
	Emails       []TypedValue
	Phones       []TypedValue
	Addresses    []PostalAddress
	Categories   []string
	URLs         []string
}

// ParseContact reads a vCard 3.0 or 4.0.
func ParseContact(card vcard.Card) Contact {
	c := Contact{
		UID:          strings.TrimSpace(card.Value(vcard.FieldUID)),
		Name:         strings.TrimSpace(card.Value(vcard.FieldFormattedName)),
		Nickname:     card.Value(vcard.FieldNickname),
		Organization: strings.Trim(strings.ReplaceAll(card.Value(vcard.FieldOrganization), ";", ", "), ", "),
		Title:        card.Value(vcard.FieldTitle),
		Note:         card.Value(vcard.FieldNote),
		Birthday:     normalizeBirthday(card.Value(vcard.FieldBirthday)),
		Categories:   categories(card),
	}
	if n := card.Name(); n != nil {
		c.GivenName, c.FamilyName = n.GivenName, n.FamilyName
	}
	if c.Name == "" {
		c.Name = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	for _, f := range card[vcard.FieldEmail] {
		c.Emails = append(c.Emails, TypedValue{Value: strings.TrimPrefix(f.Value, "mailto:"), Type: fieldType(f)})
	}
	for _, f := range card[vcard.FieldTelephone] {
		c.Phones = append(c.Phones, TypedValue{Value: strings.TrimPrefix(f.Value, "tel:"), Type: fieldType(f)})
	}
	for _, a := range card.Addresses() {
		c.Addresses = append(c.Addresses, PostalAddress{
			Type: fieldType(a.Field), POBox: a.PostOfficeBox, Extended: a.ExtendedAddress, Street: a.StreetAddress,
			City: a.Locality, Region: a.Region, PostalCode: a.PostalCode, Country: a.Country,
		})
	}
	for _, f := range card[vcard.FieldURL] {
		c.URLs = append(c.URLs, f.Value)
	}
	return c
}

// categories reads every CATEGORIES line. go-vcard's Categories splits one
// line on commas, so a card without categories would report one empty one.
func categories(card vcard.Card) []string {
	var out []string
	for _, f := range card[vcard.FieldCategories] {
		for _, c := range strings.Split(f.Value, ",") {
			if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// fieldType returns the TYPE values other than the generic ones, lower case.
func fieldType(f *vcard.Field) string {
	var out []string
	for _, t := range f.Params.Types() {
		for _, one := range strings.Split(t, ",") {
			one = strings.ToLower(strings.Trim(one, `" `))
			if one == "" || one == "internet" || one == "voice" || one == "pref" {
				continue
			}
			out = append(out, one)
		}
	}
	return strings.Join(out, ",")
}

var (
	bdayBasic    = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	bdayExtended = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})`)
	bdayNoYear   = regexp.MustCompile(`^--(\d{2})-?(\d{2})$`)
)

func normalizeBirthday(v string) string {
	v = strings.TrimSpace(v)
	if m := bdayBasic.FindStringSubmatch(v); m != nil {
		return m[1] + "-" + m[2] + "-" + m[3]
	}
	if m := bdayExtended.FindStringSubmatch(v); m != nil {
		return m[1] + "-" + m[2] + "-" + m[3]
	}
	if m := bdayNoYear.FindStringSubmatch(v); m != nil {
		return "--" + m[1] + "-" + m[2]
	}
	return v
}

// ContactPatch lists the fields to set on a contact; nil leaves a field as
// it is, and lists replace the whole list.
type ContactPatch struct {
	Name         *string
	Emails       *[]TypedValue
	Phones       *[]TypedValue
	Organization *string
	Title        *string
	Birthday     *string
	Address      *PostalAddress
	Note         *string
}

// NewContactCard builds a vCard 3.0, the version every CardDAV client reads.
func NewContactCard(uid string, p ContactPatch) (vcard.Card, error) {
	if p.Name == nil || strings.TrimSpace(*p.Name) == "" {
		return nil, fmt.Errorf("a contact needs a name")
	}
	card := vcard.Card{}
	card.SetValue(vcard.FieldVersion, "3.0")
	card.SetValue(vcard.FieldProductID, ProdID)
	card.SetValue(vcard.FieldUID, uid)
	if err := ApplyContactPatch(card, p); err != nil {
		return nil, err
	}
	return card, nil
}

// ApplyContactPatch merges p into card. Properties the patch does not name,
// including ones this program does not know (X-SOCIALPROFILE, PHOTO,
// grouped item1.* lines), stay exactly as they were.
func ApplyContactPatch(card vcard.Card, p ContactPatch) error {
	v4 := strings.HasPrefix(card.Value(vcard.FieldVersion), "4")
	setOrDelete := func(key string, v *string) {
		if v == nil {
			return
		}
		if strings.TrimSpace(*v) == "" {
			delete(card, key)
			return
		}
		card.SetValue(key, strings.TrimSpace(*v))
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		if name == "" {
			return fmt.Errorf("a contact's name cannot be empty")
		}
		card.SetValue(vcard.FieldFormattedName, name)
		card.SetName(nameFromFormatted(name))
	}
	if p.Organization != nil {
		org := strings.ReplaceAll(strings.TrimSpace(*p.Organization), ";", ",")
		setOrDelete(vcard.FieldOrganization, &org)
	}
	setOrDelete(vcard.FieldTitle, p.Title)
	setOrDelete(vcard.FieldNote, p.Note)
	if p.Birthday != nil {
		b := strings.TrimSpace(*p.Birthday)
		if b != "" {
			var err error
			if b, err = birthdayValue(b, v4); err != nil {
				return err
			}
		}
		setOrDelete(vcard.FieldBirthday, &b)
	}
	if p.Emails != nil {
		delete(card, vcard.FieldEmail)
		for _, e := range *p.Emails {
			if !strings.Contains(e.Value, "@") {
				return fmt.Errorf("email %q has no @: pass addresses like \"ann@example.com\"", e.Value)
			}
			card.Add(vcard.FieldEmail, typedField(strings.TrimSpace(e.Value), e.Type, v4, "INTERNET"))
		}
	}
	if p.Phones != nil {
		delete(card, vcard.FieldTelephone)
		for _, t := range *p.Phones {
			card.Add(vcard.FieldTelephone, typedField(strings.TrimSpace(t.Value), t.Type, v4, ""))
		}
	}
	if p.Address != nil {
		delete(card, vcard.FieldAddress)
		if !p.Address.IsZero() {
			a := *p.Address
			clean := func(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), ";", ",") }
			card.AddAddress(&vcard.Address{
				Field:         typedField("", a.Type, v4, ""),
				PostOfficeBox: clean(a.POBox), ExtendedAddress: clean(a.Extended), StreetAddress: clean(a.Street),
				Locality: clean(a.City), Region: clean(a.Region), PostalCode: clean(a.PostalCode), Country: clean(a.Country),
			})
		}
	}
	return nil
}

func typedField(value, typ string, v4 bool, v3Extra string) *vcard.Field {
	f := &vcard.Field{Value: value, Params: vcard.Params{}}
	for _, t := range strings.Split(typ, ",") {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			if t == "mobile" {
				t = "cell"
			}
			f.Params.Add(vcard.ParamType, t)
		}
	}
	if !v4 && v3Extra != "" {
		f.Params.Add(vcard.ParamType, v3Extra)
	}
	return f
}

// nameFromFormatted splits "Ann Marie Smith" into given "Ann Marie" and
// family "Smith"; a single word is a given name.
func nameFromFormatted(fn string) *vcard.Name {
	words := strings.Fields(fn)
	n := &vcard.Name{}
	switch len(words) {
	case 0:
	case 1:
		n.GivenName = words[0]
	default:
		n.GivenName = strings.Join(words[:len(words)-1], " ")
		n.FamilyName = words[len(words)-1]
	}
	n.GivenName = strings.ReplaceAll(n.GivenName, ";", ",")
	n.FamilyName = strings.ReplaceAll(n.FamilyName, ";", ",")
	return n
}

// birthdayValue checks YYYY-MM-DD or --MM-DD and writes it the way the
// card's version wants: 3.0 uses 1990-01-02, 4.0 uses 19900102 and --0102.
func birthdayValue(b string, v4 bool) (string, error) {
	if m := bdayExtended.FindStringSubmatch(b); m != nil && len(b) == 10 {
		if v4 {
			return m[1] + m[2] + m[3], nil
		}
		return b, nil
	}
	if m := bdayNoYear.FindStringSubmatch(b); m != nil {
		if v4 {
			return "--" + m[1] + m[2], nil
		}
		return "--" + m[1] + "-" + m[2], nil
	}
	return "", fmt.Errorf("birthday %q is not YYYY-MM-DD (or --MM-DD without a year)", b)
}

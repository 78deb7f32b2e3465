package ncfake

import (
	"encoding/xml"
	"errors"
	"strings"
	"time"
)

// parsedFeed is a feed document as News reads it.
type parsedFeed struct {
	title, link string
	entries     []parsedEntry
}

type parsedEntry struct {
	guid, url, title, author, body string
	// author is "" when the entry names none (News then stores null).
	pubDate                  int64
	enclosureMime, enclosure string
}

// errNotAFeed is News' answer to a document it cannot parse.
var errNotAFeed = errors.New("No parser can handle this stream")

// parseFeed reads RSS 2.0 or Atom, the two formats the recordings used.
func parseFeed(body []byte) (*parsedFeed, error) {
	var probe struct{ XMLName xml.Name }
	if err := xml.Unmarshal(body, &probe); err != nil {
		return nil, errNotAFeed
	}
	switch probe.XMLName.Local {
	case "rss":
		return parseRSS(body)
	case "feed":
		return parseAtom(body)
	}
	return nil, errNotAFeed
}

func parseRSS(body []byte) (*parsedFeed, error) {
	var doc struct {
		Channel struct {
			Title string `xml:"title"`
			Link  string `xml:"link"`
			Items []struct {
				GUID        string `xml:"guid"`
				Link        string `xml:"link"`
				Title       string `xml:"title"`
				Author      string `xml:"author"`
				Creator     string `xml:"http://purl.org/dc/elements/1.1/ creator"`
				PubDate     string `xml:"pubDate"`
				Description string `xml:"description"`
				Encoded     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
				Enclosure   struct {
					URL  string `xml:"url,attr"`
					Type string `xml:"type,attr"`
				} `xml:"enclosure"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		return nil, errNotAFeed
	}
	f := &parsedFeed{title: strings.TrimSpace(doc.Channel.Title), link: strings.TrimSpace(doc.Channel.Link)}
	for _, it := range doc.Channel.Items {
		e := parsedEntry{guid: strings.TrimSpace(it.GUID), url: strings.TrimSpace(it.Link), title: strings.TrimSpace(it.Title),
			author: strings.TrimSpace(firstNonEmpty(it.Author, it.Creator)), body: firstNonEmpty(it.Encoded, it.Description),
			enclosure: it.Enclosure.URL, enclosureMime: it.Enclosure.Type}
		if e.guid == "" {
			e.guid = e.url
		}
		if t, err := time.Parse(time.RFC1123Z, strings.TrimSpace(it.PubDate)); err == nil {
			e.pubDate = t.Unix()
		} else if t, err := time.Parse(time.RFC1123, strings.TrimSpace(it.PubDate)); err == nil {
			e.pubDate = t.Unix()
		}
		f.entries = append(f.entries, e)
	}
	return f, nil
}

func parseAtom(body []byte) (*parsedFeed, error) {
	type atomLink struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
		Type string `xml:"type,attr"`
	}
	var doc struct {
		Title   string     `xml:"title"`
		Links   []atomLink `xml:"link"`
		Entries []struct {
			ID        string     `xml:"id"`
			Title     string     `xml:"title"`
			Links     []atomLink `xml:"link"`
			Author    string     `xml:"author>name"`
			Published string     `xml:"published"`
			Updated   string     `xml:"updated"`
			Content   string     `xml:"content"`
			Summary   string     `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		return nil, errNotAFeed
	}
	alternate := func(links []atomLink) (string, atomLink) {
		var enc atomLink
		href := ""
		for _, l := range links {
			switch l.Rel {
			case "", "alternate":
				if href == "" {
					href = l.Href
				}
			case "enclosure":
				enc = l
			}
		}
		return href, enc
	}
	f := &parsedFeed{title: strings.TrimSpace(doc.Title)}
	f.link, _ = alternate(doc.Links)
	for _, en := range doc.Entries {
		href, enc := alternate(en.Links)
		e := parsedEntry{guid: strings.TrimSpace(en.ID), url: href, title: strings.TrimSpace(en.Title), author: strings.TrimSpace(en.Author),
			body: firstNonEmpty(en.Content, en.Summary), enclosure: enc.Href, enclosureMime: enc.Type}
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(firstNonEmpty(en.Published, en.Updated))); err == nil {
			e.pubDate = t.Unix()
		}
		f.entries = append(f.entries, e)
	}
	return f, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// sanitizeNewsBody imitates what News' HTML purifier did to the recorded
// bodies: scripts go, and every link gets target and rel inserted (twice,
// as News 25.3.1 does).
func sanitizeNewsBody(html string) string {
	html = strings.TrimSpace(html)
	for {
		lower := strings.ToLower(html)
		i := strings.Index(lower, "<script")
		if i < 0 {
			break
		}
		j := strings.Index(lower[i:], "</script>")
		if j < 0 {
			html = html[:i]
			break
		}
		html = html[:i] + html[i+j+len("</script>"):]
	}
	return strings.ReplaceAll(html, "<a ", `<a target="_blank" rel="noreferrer" target="_blank" rel="noreferrer" `)
}

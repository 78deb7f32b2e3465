package ncfake

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// xmlNode is any element with its children, for the where clause.
type xmlNode struct {
	XMLName xml.Name
	Content string    `xml:",chardata"`
	Nodes   []xmlNode `xml:",any"`
}

// davSearchRequest is a SEARCH body (basicsearch, RFC 5323) as Nextcloud reads it.
type davSearchRequest struct {
	XMLName xml.Name `xml:"DAV: searchrequest"`
	Basic   *struct {
		Select struct {
			Prop *davPropList `xml:"DAV: prop"`
		} `xml:"DAV: select"`
		From struct {
			Scopes []struct {
				Href  string `xml:"DAV: href"`
				Depth string `xml:"DAV: depth"`
			} `xml:"DAV: scope"`
		} `xml:"DAV: from"`
		Where   xmlNode `xml:"DAV: where"`
		OrderBy struct {
			Orders []struct {
				Prop       davPropList `xml:"DAV: prop"`
				Descending *struct{}   `xml:"DAV: descending"`
			} `xml:"DAV: order"`
		} `xml:"DAV: orderby"`
		Limit struct {
			NResults    string `xml:"DAV: nresults"`
			FirstResult string `xml:"https://github.com/icewind1991/SearchDAV/ns firstresult"`
		} `xml:"DAV: limit"`
	} `xml:"DAV: basicsearch"`
}

// handleSearch answers SEARCH on /remote.php/dav/ over the caller's files.
func (a *filesApp) handleSearch(w http.ResponseWriter, r *http.Request) {
	u := a.s.davAuth(w, r)
	if u == nil {
		return
	}
	var sr davSearchRequest
	empty, ok := readXMLBody(w, r, &sr)
	if !ok {
		return
	}
	if empty || sr.Basic == nil || len(sr.Basic.From.Scopes) == 0 {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "Unexpected xml content for searchrequest, expected basicsearch")
		return
	}
	q := sr.Basic
	scope := q.From.Scopes[0]
	href := strings.TrimSpace(scope.Href)
	if dec, err := url.PathUnescape(href); err == nil {
		href = dec
	}
	href = strings.TrimPrefix(href, "/remote.php/dav")
	home := "/files/" + u.ID
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	var root string
	if href == home || strings.HasPrefix(href, home+"/") {
		root = cleanFilePath(strings.TrimPrefix(href, home))
	}
	if m := h.meta[root]; root == "" || m == nil || !m.dir {
		// Another user's home, or a file: Nextcloud fails this way (webdav/52).
		writeSabreError(w, http.StatusInternalServerError, "InvalidArgumentException", "Search is only supported on directories")
		return
	}
	var candidates []string
	switch strings.TrimSpace(scope.Depth) {
	case "0":
	case "1":
		candidates = h.children(root)
	default:
		candidates = h.subtree(root)[1:]
	}
	var hits []string
	// One LIKE pattern is compiled once per search, not once per file: a
	// 100 KB pattern over many files held the files lock for seconds.
	likes := map[string]*likePattern{}
	for _, c := range candidates {
		if len(q.Where.Nodes) == 0 || evalSearch(h, c, q.Where.Nodes[0], likes) {
			hits = append(hits, c)
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		for _, o := range q.OrderBy.Orders {
			names := o.Prop.names()
			if len(names) == 0 {
				continue
			}
			c := compareSearchProp(h, hits[i], hits[j], names[0])
			if c == 0 {
				continue
			}
			if o.Descending != nil {
				return c > 0
			}
			return c < 0
		}
		return hits[i] < hits[j]
	})
	if first, err := strconv.Atoi(strings.TrimSpace(q.Limit.FirstResult)); err == nil && first > 0 {
		hits = hits[min(first, len(hits)):]
	}
	if n, err := strconv.Atoi(strings.TrimSpace(q.Limit.NResults)); err == nil && n > 0 && n < len(hits) {
		hits = hits[:n]
	}
	names := q.Select.Prop.names()
	responses := make([]string, 0, len(hits))
	for _, hp := range hits {
		t := propTarget{h: h, user: u, p: hp, m: h.meta[hp]}
		sel := names
		if len(sel) == 0 {
			sel = allProps(t.m)
		}
		found, missing := a.renderProps(t, sel, true)
		responses = append(responses, responseXML(t.href(), found, missing, false))
	}
	writeMultistatus(w, `application/xml; charset="utf-8"`, responses, false)
}

// searchValue is a node's value for a searchable property: a string, an
// int64 or a time.
func searchValue(h *fileHome, p string, n xml.Name) any {
	m := h.meta[p]
	switch n.Space + " " + n.Local {
	case nsDAV + " displayname":
		return path.Base(p)
	case nsDAV + " getcontenttype":
		if m.dir {
			return "httpd/unix-directory"
		}
		return fileMimeType(p)
	case nsDAV + " getlastmodified":
		return m.mtime
	case nsOwnCloud + " size", nsDAV + " getcontentlength":
		return h.size(p)
	case nsOwnCloud + " fileid":
		return m.id
	case nsOwnCloud + " favorite":
		if m.favorite {
			return int64(1)
		}
		return int64(0)
	}
	return nil
}

// literalAs converts a literal to the kind of v for comparison.
func literalAs(v any, lit string) (any, bool) {
	lit = strings.TrimSpace(lit)
	switch v.(type) {
	case string:
		return lit, true
	case int64:
		switch lit {
		case "true":
			return int64(1), true
		case "false":
			return int64(0), true
		}
		n, err := strconv.ParseInt(lit, 10, 64)
		return n, err == nil
	case time.Time:
		if t, err := time.Parse(time.RFC3339, lit); err == nil {
			return t, true
		}
		if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
			return time.Unix(n, 0), true
		}
	}
	return nil, false
}

func compareValues(a, b any) int {
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case int64:
		y := b.(int64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case time.Time:
		return x.Compare(b.(time.Time))
	}
	return 0
}

func compareSearchProp(h *fileHome, p, q string, n xml.Name) int {
	a, b := searchValue(h, p, n), searchValue(h, q, n)
	if a == nil || b == nil {
		return 0
	}
	return compareValues(a, b)
}

// evalSearch evaluates one where-clause operator for node p.
func evalSearch(h *fileHome, p string, op xmlNode, likes map[string]*likePattern) bool {
	if op.XMLName.Space != nsDAV {
		return false
	}
	switch op.XMLName.Local {
	case "and":
		for _, c := range op.Nodes {
			if !evalSearch(h, p, c, likes) {
				return false
			}
		}
		return true
	case "or":
		for _, c := range op.Nodes {
			if evalSearch(h, p, c, likes) {
				return true
			}
		}
		return false
	case "not":
		return len(op.Nodes) == 1 && !evalSearch(h, p, op.Nodes[0], likes)
	case "is-collection":
		return h.meta[p].dir
	}
	var prop *xml.Name
	var literal string
	for _, c := range op.Nodes {
		switch c.XMLName.Local {
		case "prop":
			if len(c.Nodes) > 0 {
				prop = &c.Nodes[0].XMLName
			}
		case "literal":
			literal = c.Content
		}
	}
	if prop == nil {
		return false
	}
	v := searchValue(h, p, *prop)
	if v == nil {
		return false
	}
	if op.XMLName.Local == "like" {
		s, ok := v.(string)
		like := likes[literal]
		if like == nil {
			like = compileLike(literal)
			likes[literal] = like
		}
		return ok && like.match(s)
	}
	lit, ok := literalAs(v, literal)
	if !ok {
		return false
	}
	c := compareValues(v, lit)
	switch op.XMLName.Local {
	case "eq":
		return c == 0
	case "lt":
		return c < 0
	case "lte":
		return c <= 0
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	}
	return false
}

// davFilterFiles is the oc:filter-files REPORT body.
type davFilterFiles struct {
	XMLName xml.Name     `xml:"http://owncloud.org/ns filter-files"`
	Prop    *davPropList `xml:"DAV: prop"`
	Rules   struct {
		Favorite   string   `xml:"http://owncloud.org/ns favorite"`
		SystemTags []string `xml:"http://owncloud.org/ns systemtag"`
	} `xml:"http://owncloud.org/ns filter-rules"`
}

// handleReport answers the filter-files REPORT for favorites (webdav/33).
// The fake has no system tags, so a tag filter finds nothing.
func (a *filesApp) handleReport(w http.ResponseWriter, r *http.Request, u *User, p string) {
	var root davElem
	empty, ok := readXMLBody(w, r, &root)
	if !ok {
		return
	}
	if empty || root.XMLName.Space != nsOwnCloud || root.XMLName.Local != "filter-files" {
		name := "{" + root.XMLName.Space + "}" + root.XMLName.Local
		writeSabreError(w, http.StatusUnsupportedMediaType, `Sabre\DAV\Exception\ReportNotSupported`, "The "+name+" report is not supported on this url")
		return
	}
	var ff davFilterFiles
	if err := xml.Unmarshal([]byte("<oc:filter-files xmlns:oc=\""+nsOwnCloud+"\" xmlns:d=\"DAV:\">"+root.Inner+"</oc:filter-files>"), &ff); err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, err.Error())
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homeOf(u.ID)
	if h.meta[p] == nil {
		writeFileNotFound(w, p)
		return
	}
	wantFav := strings.TrimSpace(ff.Rules.Favorite) == "1"
	var responses []string
	if wantFav && len(ff.Rules.SystemTags) == 0 {
		for _, n := range h.subtree(p)[1:] {
			t := propTarget{h: h, user: u, p: n, m: h.meta[n]}
			if !t.m.favorite {
				continue
			}
			found, missing := a.renderProps(t, ff.Prop.names(), false)
			responses = append(responses, responseXML(t.href(), found, missing, true))
		}
	}
	writeMultistatus(w, "application/xml; charset=utf-8", responses, true)
}

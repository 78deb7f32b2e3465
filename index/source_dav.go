package index

import (
	"database/sql"
	"errors"
	"net/url"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// davState is the cursor of the calendar and contacts sources: each
// collection's sync token (RFC 6578).
type davState struct {
	Tokens map[string]string `json:"tokens"`
}

// davCollection is a calendar or address book to sync.
type davCollection struct {
	Href string
	// Name is the URL segment (the id tools take), DisplayName what users see.
	Name, DisplayName string
	// Token is the collection's current sync token from the home listing;
	// when it equals the stored one the collection is skipped unasked.
	Token string
}

// davMultigetBatch is how many objects one multiget asks for.
const davMultigetBatch = 100

// syncDAVCollections brings the documents of a set of collections up to
// date. toDoc turns an object's text into a document (ok false: skip it).
func (r *run) syncDAVCollections(cols []davCollection, addressBook bool, toDoc func(col davCollection, o nextcloud.DAVObjectData) (doc, bool)) error {
	var st davState
	if err := r.ix.sourceState(r.ctx, r.source, &st); err != nil {
		return err
	}
	if st.Tokens == nil {
		st.Tokens = map[string]string{}
	}
	present := map[string]bool{}
	for _, col := range cols {
		present[col.Href] = true
	}
	// Collections that are gone take their documents with them.
	stored, err := r.ix.docsOf(r.ctx, r.source, nil)
	if err != nil {
		return err
	}
	for key, d := range stored {
		if !present[d.Parent] {
			if err := r.del(key); err != nil {
				return err
			}
		}
	}
	for href := range st.Tokens {
		if !present[href] {
			delete(st.Tokens, href)
		}
	}
	save := func(tx *sql.Tx) error { return saveState(r.ctx, tx, r.source, st) }
	if err := r.flush(save); err != nil {
		return err
	}
	for _, col := range cols {
		if col.Token != "" && st.Tokens[col.Href] == col.Token {
			continue
		}
		token, err := r.syncDAVCollection(col, st.Tokens[col.Href], addressBook, toDoc)
		if err != nil {
			return err
		}
		st.Tokens[col.Href] = token
		if err := r.flush(save); err != nil {
			return err
		}
	}
	return nil
}

// syncDAVCollection applies one collection's changes since token and
// returns the new token. A refused token means a full resync: every object
// is listed again, and stored ones the server no longer lists are deleted.
func (r *run) syncDAVCollection(col davCollection, token string, addressBook bool, toDoc func(davCollection, nextcloud.DAVObjectData) (doc, bool)) (string, error) {
	parent := col.Href
	stored, err := r.ix.docsOf(r.ctx, r.source, &parent)
	if err != nil {
		return "", err
	}
	full := token == ""
	listed := map[string]bool{}
	for {
		res, err := r.c.SyncCollection(r.ctx, col.Href, token)
		if errors.Is(err, nextcloud.ErrInvalidSyncToken) {
			r.ix.opts.Logger.Info("sync token refused, resyncing the collection", "source", r.source, "collection", col.Href)
			full, token = true, ""
			clear(listed)
			continue
		}
		if err != nil {
			return "", err
		}
		var fetch []string
		for _, it := range res.Changed {
			key := hrefKey(it.Href)
			listed[key] = true
			if s, ok := stored[key]; ok && s.ETag == it.ETag && it.ETag != "" {
				continue
			}
			fetch = append(fetch, it.Href)
		}
		for _, h := range res.Deleted {
			key := hrefKey(h)
			if _, ok := stored[key]; ok {
				if err := r.del(key); err != nil {
					return "", err
				}
				delete(stored, key)
			}
		}
		if full && !res.Truncated {
			for key := range stored {
				if !listed[key] {
					if err := r.del(key); err != nil {
						return "", err
					}
				}
			}
		}
		r.total += len(fetch)
		for start := 0; start < len(fetch); start += davMultigetBatch {
			batch := fetch[start:min(start+davMultigetBatch, len(fetch))]
			objs, err := r.c.MultiGetData(r.ctx, col.Href, addressBook, batch)
			if err != nil {
				return "", err
			}
			for _, o := range objs {
				r.done++
				d, ok := toDoc(col, o)
				if !ok {
					r.rep.Skipped++
					continue
				}
				d.Key, d.Parent, d.ETag, d.Source = hrefKey(o.Href), col.Href, o.ETag, r.source
				_, existed := stored[d.Key]
				if err := r.put(d, existed); err != nil {
					return "", err
				}
			}
		}
		token = res.Token
		if !res.Truncated {
			return token, nil
		}
	}
}

// hrefKey is an href in one canonical (decoded) form, so "%40" and "@"
// name the same document.
func hrefKey(href string) string {
	if p, err := url.PathUnescape(href); err == nil {
		return p
	}
	return href
}

package index

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// notesState is the Notes source's cursor: the etag of the metadata listing,
// which answers 304 while nothing changed (notes/08).
type notesState struct {
	ListETag string `json:"list_etag"`
}

// syncNotes compares the metadata listing (one request, or a 304) with the
// stored etags and fetches only the notes that changed: one by one when
// few did, through the chunked listing when many did (the first sync).
func (r *run) syncNotes() error {
	var st notesState
	if err := r.ix.sourceState(r.ctx, SourceNotes, &st); err != nil {
		return err
	}
	listing, err := r.c.NotesMetadata(r.ctx, st.ListETag)
	if err != nil {
		return err
	}
	if listing.NotModified {
		return nil
	}
	stored, err := r.ix.docsOf(r.ctx, SourceNotes, nil)
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	changed := map[int]bool{}
	var changedIDs []int
	for _, n := range listing.Notes {
		key := strconv.Itoa(n.ID)
		listed[key] = true
		if s, ok := stored[key]; ok && s.ETag == n.ETag {
			continue
		}
		changed[n.ID] = true
		changedIDs = append(changedIDs, n.ID)
	}
	for key := range stored {
		if !listed[key] {
			if err := r.del(key); err != nil {
				return err
			}
		}
	}
	r.total = len(changedIDs)
	r.report(false)
	putNote := func(n nextcloud.Note) error {
		_, existed := stored[strconv.Itoa(n.ID)]
		r.done++
		return r.put(noteDoc(n), existed)
	}
	if len(changedIDs) > max(20, len(listing.Notes)/4) {
		err = r.c.EachNotesPage(r.ctx, nextcloud.NotesListOptions{ChunkSize: 100}, func(p *nextcloud.NotesPage) (bool, error) {
			for _, n := range p.Notes {
				if changed[n.ID] {
					delete(changed, n.ID)
					if err := putNote(n); err != nil {
						return false, err
					}
				}
			}
			return true, nil
		})
	} else {
		err = fetchEach(r.ctx, r.ix.opts.Workers, changedIDs, func(ctx context.Context, id int) (*nextcloud.Note, error) {
			return r.c.GetNote(ctx, id)
		}, func(id int, n *nextcloud.Note, err error) error {
			if nextcloud.StatusOf(err) == 404 {
				// Deleted since the listing: the next sync drops it.
				return nil
			}
			if err != nil {
				return err
			}
			return putNote(*n)
		})
	}
	if err != nil {
		return err
	}
	return r.flush(func(tx *sql.Tx) error {
		return saveState(r.ctx, tx, SourceNotes, notesState{ListETag: listing.ETag})
	})
}

func noteDoc(n nextcloud.Note) doc {
	return doc{
		Source: SourceNotes, App: AppNotes, Key: strconv.Itoa(n.ID),
		Title: n.Title, Body: n.Content, Meta: n.Category,
		Modified: time.Unix(n.Modified, 0), ETag: n.ETag,
		Open: OpenRef{Tool: "nc_notes_get_note", Args: map[string]any{"note_id": n.ID}},
	}
}

package cmd

import (
	"context"
	"sync"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// storeUploads keeps upload sessions in the database, so an upload resumes
// after a restart of the server or from the CLI. The database opens on the
// first chunked upload; when it cannot, the sessions live in memory.
type storeUploads struct {
	dir string

	mu   sync.Mutex
	s    *store.Store
	mem  map[string]nextcloud.UploadSession
	fail bool
}

func newStoreUploads(dir string) *storeUploads { return &storeUploads{dir: dir} }

func (u *storeUploads) open(ctx context.Context) *store.Store {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.s != nil || u.fail {
		return u.s
	}
	s, err := store.Open(ctx, u.dir)
	if err != nil {
		u.fail = true
		return nil
	}
	// Sessions past their TTL cannot resume: the server deleted their folders.
	_, _ = s.ExpireUploads(ctx)
	u.s = s
	return s
}

func (u *storeUploads) memory() map[string]nextcloud.UploadSession {
	if u.mem == nil {
		u.mem = map[string]nextcloud.UploadSession{}
	}
	return u.mem
}

// LoadUpload implements nextcloud.UploadSessions.
func (u *storeUploads) LoadUpload(ctx context.Context, local, dest string) (nextcloud.UploadSession, bool, error) {
	s := u.open(ctx)
	if s == nil {
		u.mu.Lock()
		defer u.mu.Unlock()
		v, ok := u.memory()[local+"\x00"+dest]
		return v, ok, nil
	}
	rec, ok, err := s.Upload(ctx, local, dest)
	if err != nil || !ok {
		return nextcloud.UploadSession{}, false, err
	}
	return nextcloud.UploadSession{ID: rec.UploadID, Size: rec.Size, ModTime: rec.ModTime, Done: rec.Done, DoneHash: rec.DoneHash}, true, nil
}

// SaveUpload implements nextcloud.UploadSessions.
func (u *storeUploads) SaveUpload(ctx context.Context, local, dest string, v nextcloud.UploadSession) error {
	s := u.open(ctx)
	if s == nil {
		u.mu.Lock()
		defer u.mu.Unlock()
		u.memory()[local+"\x00"+dest] = v
		return nil
	}
	return s.SaveUpload(ctx, store.Upload{LocalPath: local, Destination: dest, UploadID: v.ID, Size: v.Size, ModTime: v.ModTime, Done: v.Done, DoneHash: v.DoneHash})
}

// DeleteUpload implements nextcloud.UploadSessions.
func (u *storeUploads) DeleteUpload(ctx context.Context, local, dest string) error {
	s := u.open(ctx)
	if s == nil {
		u.mu.Lock()
		defer u.mu.Unlock()
		delete(u.memory(), local+"\x00"+dest)
		return nil
	}
	_, err := s.DeleteUpload(ctx, local, dest)
	return err
}

// Close releases the database if it was opened.
func (u *storeUploads) Close() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.s == nil {
		return nil
	}
	err := u.s.Close()
	u.s = nil
	return err
}

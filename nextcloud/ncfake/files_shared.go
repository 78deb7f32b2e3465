package ncfake

import (
	"context"
	"fmt"
	"os"
	"path"
)

// Files shared with a user appear in their home, owned by the sharer
// (sharing/15: oc:owner-id is the sharer, permissions start with S,
// nc:is-mount-root is true on the shared item). The fake mounts a copy of
// the shared file or folder: edits on either side do not reach the other.

type receivedShare struct {
	owner, ownerName string
	root             bool // the shared item itself, not something inside it
}

// ShareWith mounts owner's file or folder p in recipient's home, as a user
// share does; it returns where the recipient sees it.
func (s *Server) ShareWith(owner, p, recipient string) (string, error) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	from, err := a.userHome(owner)
	if err != nil {
		return "", err
	}
	to, err := a.userHome(recipient)
	if err != nil {
		return "", err
	}
	return a.mountLocked(context.Background(), from, cleanFilePath(p), to, s.displayNameOf(owner))
}

func (s *Server) displayNameOf(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[id]; u != nil && u.DisplayName != "" {
		return u.DisplayName
	}
	return id
}

// mountLocked copies src's subtree into dst's home root. Caller holds a.mu.
func (a *filesApp) mountLocked(ctx context.Context, from *fileHome, p string, to *fileHome, ownerName string) (string, error) {
	if from.meta[p] == nil || p == "/" {
		return "", fmt.Errorf("ncfake: share %s: %w", p, os.ErrNotExist)
	}
	target := path.Join("/", uniqueRestoreName(to, "/", path.Base(p)))
	if err := a.mountAt(ctx, from, p, to, target, ownerName); err != nil {
		return "", err
	}
	return target, nil
}

// mountAt copies src's subtree p to target in dst's home, whose parent
// exists, marked as shared by src's user. Caller holds a.mu.
func (a *filesApp) mountAt(ctx context.Context, from *fileHome, p string, to *fileHome, target, ownerName string) error {
	if from.meta[p] == nil || p == "/" {
		return fmt.Errorf("ncfake: share %s: %w", p, os.ErrNotExist)
	}
	for _, k := range from.subtree(p) {
		m := from.meta[k]
		dst := target + k[len(p):]
		if m.dir {
			if err := to.fs.Mkdir(ctx, dst, 0o755); err != nil {
				return fmt.Errorf("ncfake: mount %s: %w", dst, err)
			}
		} else {
			data, err := a.content(ctx, from, k)
			if err != nil {
				return err
			}
			if err := a.storeBody(ctx, to, dst, memBody(data)); err != nil {
				return err
			}
		}
		copied := *m
		copied.share = &receivedShare{owner: from.user, ownerName: ownerName, root: k == p}
		to.meta[dst] = &copied
	}
	a.touchAncestors(to, target)
	return nil
}

// unmountLocked removes what a share of owner's item mounted in to's home.
func (a *filesApp) unmountLocked(ctx context.Context, owner string, id int64, to *fileHome) {
	for p, m := range to.meta {
		if m.share != nil && m.share.root && m.share.owner == owner && m.id == id {
			_ = to.fs.RemoveAll(ctx, p)
			for _, k := range to.subtree(p) {
				delete(to.meta, k)
			}
			a.touchAncestors(to, p)
			return
		}
	}
}

// mountShare is the files side of a new user share: the sharing fake calls
// it so the recipient sees the item. Items the files fake does not hold
// (AddShareablePath) are left alone.
func (a *filesApp) mountShare(owner, p, recipient string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	from, to := a.homes[owner], a.homes[recipient]
	if from == nil || from.meta[cleanFilePath(p)] == nil {
		return
	}
	if to == nil {
		to = a.homeOf(recipient)
	}
	_, _ = a.mountLocked(context.Background(), from, cleanFilePath(p), to, a.s.displayNameOf(owner))
}

// unmountShare is the files side of a deleted user share.
func (a *filesApp) unmountShare(owner string, fileID int64, recipient string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if to := a.homes[recipient]; to != nil {
		a.unmountLocked(context.Background(), owner, fileID, to)
	}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// UploadTTL is how long an upload session stays resumable after its last
// progress. Nextcloud deletes upload folders after 24 hours of inactivity,
// so an older session could only fail.
const UploadTTL = 24 * time.Hour

// Upload is a chunked upload in progress: enough to continue it after an
// interruption with only the chunks the server is missing. It holds no secret.
type Upload struct {
	// LocalPath and Destination (the target's absolute URL) identify it.
	LocalPath   string
	Destination string
	// UploadID names the upload folder on the server.
	UploadID string
	// Size and ModTime are the local file's when the upload started; a
	// different file is never continued.
	Size    int64
	ModTime time.Time
	// Done is how many leading bytes the server has confirmed, and DoneHash
	// a hash of exactly those bytes, e.g. "crc32c:89abcdef".
	Done      int64
	DoneHash  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const uploadColumns = `local_path, destination, upload_id, size, mtime, done, done_hash, created_at, updated_at`

func scanUpload(row interface{ Scan(...any) error }) (Upload, error) {
	var u Upload
	var mtime, created, updated int64
	err := row.Scan(&u.LocalPath, &u.Destination, &u.UploadID, &u.Size, &mtime, &u.Done, &u.DoneHash, &created, &updated)
	u.ModTime, u.CreatedAt, u.UpdatedAt = fromUnix(mtime), fromUnix(created), fromUnix(updated)
	return u, err
}

// SaveUpload records a session or its progress. UpdatedAt is set to now;
// CreatedAt is kept from the first save.
func (s *Store) SaveUpload(ctx context.Context, u Upload) error {
	if u.LocalPath == "" || u.Destination == "" || u.UploadID == "" {
		return errors.New("save upload session: local path, destination and upload id are required")
	}
	now := s.nowUnix()
	_, err := s.db.ExecContext(ctx, `INSERT INTO upload_sessions (`+uploadColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(local_path, destination) DO UPDATE SET upload_id = excluded.upload_id, size = excluded.size,
			mtime = excluded.mtime, done = excluded.done, done_hash = excluded.done_hash, updated_at = excluded.updated_at,
			created_at = CASE WHEN upload_sessions.upload_id = excluded.upload_id THEN upload_sessions.created_at ELSE excluded.created_at END`,
		u.LocalPath, u.Destination, u.UploadID, u.Size, toUnix(u.ModTime), u.Done, u.DoneHash, now, now)
	if err != nil {
		return fmt.Errorf("save upload session for %s: %w", u.LocalPath, err)
	}
	return nil
}

// Upload returns the session of a local file and destination. A session
// older than UploadTTL is deleted and reported as absent.
func (s *Store) Upload(ctx context.Context, localPath, destination string) (Upload, bool, error) {
	u, err := scanUpload(s.db.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM upload_sessions WHERE local_path = ? AND destination = ?`, localPath, destination))
	if errors.Is(err, sql.ErrNoRows) {
		return Upload{}, false, nil
	}
	if err != nil {
		return Upload{}, false, fmt.Errorf("read upload session for %s: %w", localPath, err)
	}
	if s.now().Sub(u.UpdatedAt) > UploadTTL {
		if _, err := s.DeleteUpload(ctx, localPath, destination); err != nil {
			return Upload{}, false, err
		}
		return Upload{}, false, nil
	}
	return u, true, nil
}

// DeleteUpload forgets a session; it reports whether there was one.
func (s *Store) DeleteUpload(ctx context.Context, localPath, destination string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM upload_sessions WHERE local_path = ? AND destination = ?`, localPath, destination)
	if err != nil {
		return false, fmt.Errorf("delete upload session for %s: %w", localPath, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Uploads lists the sessions still resumable, newest first.
func (s *Store) Uploads(ctx context.Context) ([]Upload, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+uploadColumns+` FROM upload_sessions WHERE updated_at >= ? ORDER BY updated_at DESC`,
		s.now().Add(-UploadTTL).UnixNano())
	if err != nil {
		return nil, fmt.Errorf("list upload sessions: %w", err)
	}
	defer rows.Close()
	var out []Upload
	for rows.Next() {
		u, err := scanUpload(rows)
		if err != nil {
			return nil, fmt.Errorf("list upload sessions: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list upload sessions: %w", err)
	}
	return out, nil
}

// ExpireUploads deletes the sessions older than UploadTTL and returns them,
// so the caller can remove their upload folders if the server still has them.
func (s *Store) ExpireUploads(ctx context.Context) ([]Upload, error) {
	cutoff := s.now().Add(-UploadTTL).UnixNano()
	rows, err := s.db.QueryContext(ctx, `DELETE FROM upload_sessions WHERE updated_at < ? RETURNING `+uploadColumns, cutoff)
	if err != nil {
		return nil, fmt.Errorf("expire upload sessions: %w", err)
	}
	defer rows.Close()
	var out []Upload
	for rows.Next() {
		u, err := scanUpload(rows)
		if err != nil {
			return nil, fmt.Errorf("expire upload sessions: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("expire upload sessions: %w", err)
	}
	return out, nil
}

package ncfake

import "time"

// SetFilesClock replaces the clock the files app stamps mtimes with, so a
// test can make writes land in the same second (or not) on purpose; nil
// restores the wall clock.
func (s *Server) SetFilesClock(now func() time.Time) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	a.now = now
}

// IgnoreClientMtime makes PUT and the chunked MOVE drop X-OC-Mtime without answering
// "X-OC-MTime: accepted", as a server behind a proxy that strips the header
// would. A write within the same second then keeps the file's ETag even
// when the client asked for a later mtime.
func (s *Server) IgnoreClientMtime(ignore bool) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ignoreMtime = ignore
}

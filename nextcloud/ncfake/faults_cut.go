package ncfake

import (
	"errors"
	"io"
	"net/http"
)

// cutConnection serves a request whose connection breaks after n bytes:
// for a request with a body, after n bytes of it (the handler never runs, as
// when a client's upload dies mid-way); otherwise the real handler answers
// and the connection closes once n bytes of the response body are out.
func cutConnection(w http.ResponseWriter, r *http.Request, n int64, next http.Handler) {
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
		_, _ = io.CopyN(io.Discard, r.Body, n)
		closeConn(w)
		return
	}
	next.ServeHTTP(&cutWriter{ResponseWriter: w, left: n}, r)
}

// closeConn drops the connection at once; what was written but not
// flushed is lost, so a caller that wants it out flushes first.
func closeConn(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

var errCut = errors.New("ncfake: connection cut by a fault")

// cutWriter passes left bytes of the body through, then closes the connection.
type cutWriter struct {
	http.ResponseWriter
	left int64
	cut  bool
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if c.cut {
		return 0, errCut
	}
	if int64(len(b)) < c.left {
		n, err := c.ResponseWriter.Write(b)
		c.left -= int64(n)
		return n, err
	}
	n, _ := c.ResponseWriter.Write(b[:c.left])
	c.left, c.cut = 0, true
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	closeConn(c.ResponseWriter)
	return n, errCut
}

func (c *cutWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok && !c.cut {
		f.Flush()
	}
}

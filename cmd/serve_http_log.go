package cmd

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// requestInfo is what the access log says about a request beyond the HTTP
// basics; handlers fill it in. It never holds a credential.
type requestInfo struct {
	rpc     string
	tool    string
	user    string
	refused string
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	if ri, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{}
}

// parse takes the JSON-RPC method and tool name from a request body.
func (ri *requestInfo) parse(body []byte) {
	var msg struct {
		Method string `json:"method"`
		Params struct {
			Name string `json:"name"`
		} `json:"params"`
	}
	if json.Unmarshal(body, &msg) != nil {
		ri.rpc = "unparsable"
		return
	}
	ri.rpc = clip(msg.Method, 64)
	if msg.Method == "tools/call" {
		ri.tool = clip(msg.Params.Name, 64)
	}
	if ri.rpc == "" {
		ri.rpc = "response"
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// routeOf bounds the route label.
func routeOf(path string) string {
	switch path {
	case mcpPath, "/healthz", "/readyz", "/metrics":
		return path[1:]
	case metadataPath, metadataPath + mcpPath:
		return "metadata"
	}
	return "other"
}

// accessLog writes one structured line per request (never a header value,
// so never a token) and records the request metrics.
func (h *httpServer) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, ri)))
		d := time.Since(start)
		route := routeOf(r.URL.Path)
		h.metrics.requests.WithLabelValues(route, httpCode(sw.status)).Inc()
		h.metrics.requestTime.WithLabelValues(route).Observe(d.Seconds())
		if route == "healthz" || route == "readyz" || route == "metrics" {
			return
		}
		attrs := []any{"method", r.Method, "path", clip(r.URL.Path, 128), "status", sw.status,
			"duration_ms", float64(d.Microseconds()) / 1000, "bytes", sw.bytes, "remote", r.RemoteAddr}
		if ri.rpc != "" {
			attrs = append(attrs, "rpc", ri.rpc)
		}
		if ri.tool != "" {
			attrs = append(attrs, "tool", ri.tool)
		}
		if ri.user != "" {
			attrs = append(attrs, "user", ri.user)
		}
		if s := r.Header.Get("Mcp-Session-Id"); s != "" {
			attrs = append(attrs, "session", clip(s, 80))
		}
		if ri.refused != "" {
			attrs = append(attrs, "refused", ri.refused)
		}
		h.logger.Info("http request", attrs...)
	})
}

func httpCode(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status)
}

// statusWriter records the status and size; it passes Flush through, which
// mcp-go needs to stream SSE, and unwraps for http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

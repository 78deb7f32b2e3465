package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/cors"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

const (
	mcpPath      = "/mcp"
	metadataPath = "/.well-known/oauth-protected-resource"
)

// routes wires the endpoints. CORS, when configured, wraps everything so
// that refusals (401, 429) reach browser clients with their headers too;
// mcp-go's own CORS only decorates what it answers itself.
func (h *httpServer) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(mcpPath, h.serveMCP)
	if h.bearer != nil {
		mux.HandleFunc(metadataPath, h.serveMetadata)
		mux.HandleFunc(metadataPath+mcpPath, h.serveMetadata)
	}
	mux.HandleFunc("GET /healthz", h.serveHealth)
	mux.HandleFunc("GET /readyz", h.serveReady)
	mux.Handle("GET /metrics", h.metrics.handler())
	var handler http.Handler = mux
	if len(h.hc.CORSOrigins) > 0 {
		handler = cors.New(cors.Options{
			AllowedOrigins:   h.hc.CORSOrigins,
			AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodDelete},
			AllowedHeaders:   []string{"Authorization", "Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID"},
			ExposedHeaders:   []string{"Mcp-Session-Id", "WWW-Authenticate", "Retry-After"},
			AllowCredentials: false,
			MaxAge:           600,
		}).Handler(handler)
	}
	return h.accessLog(handler)
}

// serveMCP authenticates, limits and hands the request to mcp-go with the
// caller in its context.
func (h *httpServer) serveMCP(w http.ResponseWriter, r *http.Request) {
	info := infoFrom(r.Context())
	switch r.Method {
	case http.MethodPost, http.MethodGet, http.MethodDelete:
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		h.refuse(w, r, http.StatusMethodNotAllowed, "method", "", r.Method+" is not served at "+mcpPath+": MCP uses POST, GET and DELETE", 0)
		return
	}
	if r.ContentLength > h.hc.MaxBody {
		h.refuse(w, r, http.StatusRequestEntityTooLarge, "too_large", "", fmt.Sprintf("the request body is %d bytes; this server takes at most %d", r.ContentLength, h.hc.MaxBody), 0)
		return
	}
	caller, err := h.authn.Authenticate(r.Context(), r.Header.Get("Authorization"))
	if err != nil {
		h.refuseAuth(w, r, err)
		return
	}
	info.user = caller.Login
	if ok, wait := h.limits.allow(caller.Login, time.Now()); !ok {
		h.metrics.rateLimited.Inc()
		h.refuse(w, r, http.StatusTooManyRequests, "rate_limited", "", "too many requests from "+caller.Login+": slow down and retry after the time in Retry-After", wait)
		return
	}
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.hc.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				h.refuse(w, r, http.StatusRequestEntityTooLarge, "too_large", "", fmt.Sprintf("the request body is larger than %d bytes, the most this server takes", h.hc.MaxBody), 0)
				return
			}
			h.refuse(w, r, http.StatusBadRequest, "body_unreadable", "", "the request body could not be read (the client stopped sending or was too slow)", 0)
			return
		}
		info.parse(body)
		h.metrics.countRPC(info.rpc)
		r.Body = io.NopCloser(bytes.NewReader(body))
	} else if r.Method == http.MethodGet {
		// A listening stream stays open for as long as the client wants it.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	}
	h.metrics.inflight.Inc()
	defer h.metrics.inflight.Dec()
	h.mcp.ServeHTTP(w, r.WithContext(auth.WithCaller(r.Context(), caller)))
}

// refuseAuth answers a failed authentication with its status, the
// challenge (RFC 6750 / RFC 9728) and the reason.
func (h *httpServer) refuseAuth(w http.ResponseWriter, r *http.Request, err error) {
	var ae *auth.RequestAuthError
	if !errors.As(err, &ae) {
		ae = &auth.RequestAuthError{Status: http.StatusInternalServerError, Reason: "internal", Description: "the credentials could not be checked"}
		h.logger.Error("authentication failed unexpectedly", "error", err)
	}
	h.metrics.refusals.WithLabelValues(ae.Reason).Inc()
	if ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden {
		w.Header().Set("WWW-Authenticate", h.challenge(r, ae))
	}
	if ae.Status >= 500 && ae.Err != nil {
		h.logger.Warn("request refused", "reason", ae.Reason, "error", ae.Err)
	}
	h.refuse(w, r, ae.Status, ae.Reason, ae.Code, ae.Description, ae.RetryAfter)
}

// challenge is the WWW-Authenticate value: Basic for pass-through, Bearer
// with the resource metadata URL, so a client can find the IdP by itself.
func (h *httpServer) challenge(r *http.Request, ae *auth.RequestAuthError) string {
	if h.authn.Scheme() == "Basic" {
		return `Basic realm="nextcloud-mcp", charset="UTF-8"`
	}
	parts := []string{`realm="nextcloud-mcp"`, `resource_metadata="` + h.publicBase(r) + metadataPath + `"`}
	if ae.Code != "" {
		parts = append(parts, `error="`+ae.Code+`"`)
	}
	parts = append(parts, `error_description="`+quotable(ae.Description)+`"`)
	return "Bearer " + strings.Join(parts, ", ")
}

// quotable makes a sentence safe inside a quoted header parameter.
func quotable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"' || r == '\\':
			return '\''
		case r < 0x20 || r > 0x7e:
			return ' '
		}
		return r
	}, s)
}

// refuse writes a JSON error body; code is the OAuth error code when there is one.
func (h *httpServer) refuse(w http.ResponseWriter, r *http.Request, status int, reason, code, desc string, retry time.Duration) {
	infoFrom(r.Context()).refused = reason
	if retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(retry)))
	}
	if code == "" {
		code = reason
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// publicBase is where clients reach this server: --public-url, else the
// request's own scheme and host.
func (h *httpServer) publicBase(r *http.Request) string {
	if h.hc.PublicURL != "" {
		return h.hc.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

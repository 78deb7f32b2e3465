package cmd

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// HTTPConfig is the configuration of `serve --http`, resolved from the
// serve flags and the environment (flags win).
type HTTPConfig struct {
	// Addr is the listen address; a bare port listens on loopback only.
	Addr string
	// PublicURL is how clients reach this server (https://mcp.example.com),
	// for the protected-resource metadata; empty: derived from each request.
	PublicURL string
	// Issuer is the identity provider in token-exchange mode.
	Issuer string
	// ClientSecret pairs with Config.ClientID; from NEXTCLOUD_MCP_CLIENT_SECRET only.
	ClientSecret string
	// Introspect checks opaque tokens at the provider (RFC 7662).
	Introspect  bool
	CORSOrigins []string
	// MaxBody caps a request body in bytes.
	MaxBody int64
	// RateLimit is requests per second per user (0: unlimited), RateBurst the burst.
	RateLimit float64
	RateBurst int
	// ShutdownTimeout bounds the drain of calls in flight on SIGTERM.
	ShutdownTimeout time.Duration

	// Timeouts of the HTTP server (fixed; tests shorten them).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// JWKSMinRefresh spaces key refetches for unknown key ids (tests shorten it).
	JWKSMinRefresh time.Duration
}

// Defaults of HTTP mode.
const (
	defaultMaxBody   = 4 << 20
	defaultRateLimit = 10
	defaultRateBurst = 40
)

// httpFlags are the serve flags of HTTP mode.
type httpFlags struct {
	addr            string
	publicURL       string
	issuer          string
	introspect      bool
	cors            string
	maxBody         int64
	rateLimit       float64
	rateBurst       int
	shutdownTimeout time.Duration
}

func (h *httpFlags) bind(f *pflag.FlagSet) {
	f.StringVar(&h.addr, "http", "", "serve MCP over Streamable HTTP on ADDR (a bare port listens on loopback only; env NEXTCLOUD_MCP_HTTP_ADDR)")
	f.StringVar(&h.publicURL, "public-url", "", "URL clients reach this server at, for OAuth discovery (env NEXTCLOUD_MCP_PUBLIC_URL)")
	f.StringVar(&h.issuer, "issuer", "", "identity provider for HTTP token-exchange mode (env NEXTCLOUD_MCP_OIDC_ISSUER)")
	f.BoolVar(&h.introspect, "introspect", false, "check opaque access tokens by RFC 7662 introspection (env NEXTCLOUD_MCP_INTROSPECT)")
	f.StringVar(&h.cors, "cors-origins", "", "comma list of browser origins allowed to call /mcp; CORS is off without it (env NEXTCLOUD_MCP_CORS_ORIGINS)")
	f.Int64Var(&h.maxBody, "max-body", defaultMaxBody, "largest request body in bytes (env NEXTCLOUD_MCP_HTTP_MAX_BODY)")
	f.Float64Var(&h.rateLimit, "rate-limit", defaultRateLimit, "requests per second per user, 0 for no limit (env NEXTCLOUD_MCP_RATE_LIMIT)")
	f.IntVar(&h.rateBurst, "rate-burst", defaultRateBurst, "requests a user may send at once above the rate (env NEXTCLOUD_MCP_RATE_BURST)")
	f.DurationVar(&h.shutdownTimeout, "shutdown-timeout", 25*time.Second, "how long SIGTERM waits for calls in flight (env NEXTCLOUD_MCP_SHUTDOWN_TIMEOUT)")
}

// resolve returns nil when HTTP mode is not asked for.
func (h *httpFlags) resolve(f *pflag.FlagSet, getenv func(string) string) (*HTTPConfig, error) {
	changed := func(name string) bool { fl := f.Lookup(name); return fl != nil && fl.Changed }
	pick := func(flag, val, env string) string {
		if changed(flag) {
			return val
		}
		return strings.TrimSpace(getenv(env))
	}
	addr := pick("http", h.addr, "NEXTCLOUD_MCP_HTTP_ADDR")
	if addr == "" {
		for _, name := range []string{"public-url", "issuer", "introspect", "cors-origins", "max-body", "rate-limit", "rate-burst", "shutdown-timeout"} {
			if changed(name) {
				return nil, usageError("--%s only works with --http ADDR", name)
			}
		}
		return nil, nil
	}
	listen, err := listenAddr(addr)
	if err != nil {
		return nil, err
	}
	c := &HTTPConfig{
		Addr:         listen,
		PublicURL:    strings.TrimRight(pick("public-url", h.publicURL, "NEXTCLOUD_MCP_PUBLIC_URL"), "/"),
		Issuer:       strings.TrimRight(pick("issuer", h.issuer, "NEXTCLOUD_MCP_OIDC_ISSUER"), "/"),
		ClientSecret: strings.TrimSpace(getenv("NEXTCLOUD_MCP_CLIENT_SECRET")),
		MaxBody:      h.maxBody, RateLimit: h.rateLimit, RateBurst: h.rateBurst, ShutdownTimeout: h.shutdownTimeout,
		Introspect:        h.introspect,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 10 * time.Minute, IdleTimeout: 2 * time.Minute,
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, usageError("--public-url %q is not an http(s) URL: give the address clients use, e.g. https://mcp.example.com", c.PublicURL)
		}
	}
	if !changed("introspect") {
		if v := getenv("NEXTCLOUD_MCP_INTROSPECT"); v != "" {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return nil, usageError("NEXTCLOUD_MCP_INTROSPECT=%q is not a boolean: use true or false", v)
			}
			c.Introspect = b
		}
	}
	for _, o := range strings.Split(pick("cors-origins", h.cors, "NEXTCLOUD_MCP_CORS_ORIGINS"), ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	if v := getenv("NEXTCLOUD_MCP_HTTP_MAX_BODY"); v != "" && !changed("max-body") {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, usageError("NEXTCLOUD_MCP_HTTP_MAX_BODY=%q is not a number of bytes", v)
		}
		c.MaxBody = n
	}
	if v := getenv("NEXTCLOUD_MCP_RATE_LIMIT"); v != "" && !changed("rate-limit") {
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return nil, usageError("NEXTCLOUD_MCP_RATE_LIMIT=%q is not a number of requests per second", v)
		}
		c.RateLimit = n
	}
	if v := getenv("NEXTCLOUD_MCP_RATE_BURST"); v != "" && !changed("rate-burst") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return nil, usageError("NEXTCLOUD_MCP_RATE_BURST=%q is not a whole number", v)
		}
		c.RateBurst = n
	}
	if v := getenv("NEXTCLOUD_MCP_SHUTDOWN_TIMEOUT"); v != "" && !changed("shutdown-timeout") {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return nil, usageError("NEXTCLOUD_MCP_SHUTDOWN_TIMEOUT=%q is not a duration such as 25s", v)
		}
		c.ShutdownTimeout = d
	}
	switch {
	case c.MaxBody < 1024:
		return nil, usageError("--max-body %d is too small: requests need at least 1024 bytes", c.MaxBody)
	case c.RateLimit < 0 || c.RateBurst < 1:
		return nil, usageError("--rate-limit must be 0 or more and --rate-burst at least 1")
	case c.ShutdownTimeout <= 0:
		return nil, usageError("--shutdown-timeout must be positive")
	}
	return c, nil
}

// listenAddr turns ADDR into a listen address: "8080" and ":8080" listen
// on loopback only; an explicit host (0.0.0.0, an interface address, a
// name) is taken as given.
func listenAddr(addr string) (string, error) {
	if _, err := strconv.Atoi(addr); err == nil {
		addr = ":" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usageError("--http %q is not an address: use a port (8080, loopback only) or host:port (0.0.0.0:8080 for every interface)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", usageError("--http %q has no valid port", addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

package cmd

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics are the Prometheus metrics of HTTP mode. Every label value
// comes from a fixed set (routes, tool names, status codes, reasons), so
// nothing a caller sends, least of all a token, becomes a label.
type httpMetrics struct {
	reg *prometheus.Registry

	requests     *prometheus.CounterVec
	requestTime  *prometheus.HistogramVec
	inflight     prometheus.Gauge
	rpc          *prometheus.CounterVec
	toolCalls    *prometheus.CounterVec
	toolTime     *prometheus.HistogramVec
	refusals     *prometheus.CounterVec
	rateLimited  prometheus.Counter
	exchanges    *prometheus.CounterVec
	exchangeTime prometheus.Histogram
	cacheHits    prometheus.Counter
	jwksFetches  *prometheus.CounterVec
	ncRequests   *prometheus.CounterVec
	ncTime       *prometheus.HistogramVec
}

var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

func newHTTPMetrics() *httpMetrics {
	const ns = "nextcloud_mcp"
	m := &httpMetrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "http_requests_total",
			Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		requestTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: latencyBuckets}, []string{"route"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "http_requests_in_flight",
			Help: "MCP requests being served now."}),
		rpc: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "rpc_requests_total",
			Help: "JSON-RPC messages received, by method."}, []string{"method"}),
		toolCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "tool_calls_total",
			Help: "Tool calls by tool and outcome (ok, tool_error, error, canceled)."}, []string{"tool", "outcome"}),
		toolTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "tool_call_duration_seconds",
			Help: "Tool call latency by tool.", Buckets: latencyBuckets}, []string{"tool"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "auth_refusals_total",
			Help: "Requests refused before any tool ran, by reason."}, []string{"reason"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "rate_limited_total",
			Help: "Requests answered 429 by the per-user rate limit."}),
		exchanges: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "token_exchanges_total",
			Help: "RFC 8693 token exchanges sent to the identity provider, by outcome."}, []string{"outcome"}),
		exchangeTime: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Name: "token_exchange_duration_seconds",
			Help: "Token exchange latency.", Buckets: latencyBuckets}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "token_cache_hits_total",
			Help: "Requests served with a cached exchanged token."}),
		jwksFetches: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "jwks_fetches_total",
			Help: "Fetches of the identity provider's signing keys, by outcome."}, []string{"outcome"}),
		ncRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "nextcloud_requests_total",
			Help: "Requests to Nextcloud by HTTP method and status code (error: no answer)."}, []string{"method", "code"}),
		ncTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "nextcloud_request_duration_seconds",
			Help: "Nextcloud request latency by HTTP method.", Buckets: latencyBuckets}, []string{"method"}),
	}
	m.reg.MustRegister(m.requests, m.requestTime, m.inflight, m.rpc, m.toolCalls, m.toolTime, m.refusals, m.rateLimited,
		m.exchanges, m.exchangeTime, m.cacheHits, m.jwksFetches, m.ncRequests, m.ncTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *httpMetrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// rpcMethods bounds the method label: anything else counts as "other".
var rpcMethods = map[string]bool{
	"initialize": true, "notifications/initialized": true, "ping": true, "tools/list": true, "tools/call": true,
	"resources/list": true, "resources/read": true, "resources/templates/list": true, "prompts/list": true,
	"notifications/cancelled": true, "logging/setLevel": true, "completion/complete": true,
}

func (m *httpMetrics) countRPC(method string) {
	if !rpcMethods[method] {
		method = "other"
	}
	m.rpc.WithLabelValues(method).Inc()
}

// toolMiddleware counts tool calls by registered tool name and outcome.
func (m *httpMetrics) toolMiddleware(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		res, err := next(ctx, req)
		outcome := "ok"
		switch {
		case ctx.Err() != nil:
			outcome = "canceled"
		case err != nil:
			outcome = "error"
		case res != nil && res.IsError:
			outcome = "tool_error"
		}
		m.toolCalls.WithLabelValues(req.Params.Name, outcome).Inc()
		m.toolTime.WithLabelValues(req.Params.Name).Observe(time.Since(start).Seconds())
		return res, err
	}
}

// CacheHit implements auth.ExchangeObserver.
func (m *httpMetrics) CacheHit() { m.cacheHits.Inc() }

// Exchanged implements auth.ExchangeObserver.
func (m *httpMetrics) Exchanged(d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.exchanges.WithLabelValues(outcome).Inc()
	m.exchangeTime.Observe(d.Seconds())
}

func (m *httpMetrics) jwksFetched(err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.jwksFetches.WithLabelValues(outcome).Inc()
}

// ncMethods bounds the method label of Nextcloud requests.
var ncMethods = map[string]bool{
	"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "PROPFIND": true,
	"PROPPATCH": true, "MKCOL": true, "MOVE": true, "COPY": true, "REPORT": true, "SEARCH": true, "LOCK": true, "UNLOCK": true,
}

// nextcloudTransport counts Nextcloud requests by method and status.
type nextcloudTransport struct {
	next http.RoundTripper
	m    *httpMetrics
}

func (t nextcloudTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	method := req.Method
	if !ncMethods[method] {
		method = "OTHER"
	}
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	} else if errors.Is(err, context.Canceled) {
		code = "canceled"
	}
	t.m.ncRequests.WithLabelValues(method, code).Inc()
	t.m.ncTime.WithLabelValues(method).Observe(time.Since(start).Seconds())
	return resp, err
}

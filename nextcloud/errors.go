package nextcloud

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Sentinel errors to test against with errors.Is. An *Error matches the
// sentinel of its HTTP status class.
var (
	ErrUnauthorized       = errors.New("not authenticated")
	ErrForbidden          = errors.New("forbidden")
	ErrNotFound           = errors.New("not found")
	ErrConflict           = errors.New("conflict")
	ErrPreconditionFailed = errors.New("precondition failed")
	ErrLocked             = errors.New("locked")
	ErrThrottled          = errors.New("throttled")
	ErrInsufficientSpace  = errors.New("insufficient storage")
	ErrAppMissing         = errors.New("app not installed")
	ErrTooLarge           = errors.New("response too large")
	// ErrNotAPI is an HTML page where the API's answer belongs: a proxy,
	// captive portal or maintenance page answered instead of Nextcloud.
	ErrNotAPI = errors.New("a web page came back instead of the API's answer")
)

// RequestError is a request that got no usable answer: the connection
// failed, broke, or timed out. The method tells a caller whether the server
// may have acted on it anyway.
type RequestError struct {
	Method string
	Host   string
	// Path is the request path without query.
	Path string
	Err  error
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("%s %s%s: %v", e.Method, e.Host, e.Path, e.Err)
}

func (e *RequestError) Unwrap() error { return e.Err }

// ReadOnly reports whether the request only read, so the server cannot have
// changed anything whatever happened to it.
func (e *RequestError) ReadOnly() bool { return safe(e.Method) }

// Error is a failed Nextcloud request, with what the server said about it.
type Error struct {
	Method string
	// Path is the request path without query, never with credentials.
	Path   string
	Status int
	// OCSStatus is the OCS envelope's meta.statuscode, when there was one.
	OCSStatus int
	// Message is the server's own explanation (OCS message, Sabre s:message, JSON message).
	Message string
	// Exception is the Sabre exception class, e.g. Sabre\DAV\Exception\PreconditionFailed.
	Exception string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// ETag is the current ETag a 412 reports, when the server sent one.
	ETag string
	// Page is the title of an HTML error page that came instead of an API
	// error: a proxy's "502 Bad Gateway", or Nextcloud's own page.
	Page string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.OCSStatus != 0 && e.OCSStatus != e.Status {
		fmt.Fprintf(&b, " (OCS %d)", e.OCSStatus)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// Is maps the status onto the sentinel errors.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized || e.OCSStatus == 997
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound || e.OCSStatus == 404 || e.OCSStatus == 998
	case ErrConflict:
		return e.Status == http.StatusConflict || e.Status == http.StatusMethodNotAllowed
	case ErrPreconditionFailed:
		return e.Status == http.StatusPreconditionFailed
	case ErrLocked:
		return e.Status == http.StatusLocked
	case ErrThrottled:
		return e.Status == http.StatusTooManyRequests
	case ErrInsufficientSpace:
		return e.Status == http.StatusInsufficientStorage
	}
	return false
}

// StatusOf returns the HTTP status of a Nextcloud error, or 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// sabreError is Sabre's XML error body: <d:error><s:exception/><s:message/></d:error>.
type sabreError struct {
	XMLName   xml.Name `xml:"DAV: error"`
	Exception string   `xml:"http://sabredav.org/ns exception"`
	Message   string   `xml:"http://sabredav.org/ns message"`
}

// ocsXMLMeta is the XML OCS envelope, which Nextcloud sends for 401 even when JSON was asked for.
type ocsXMLMeta struct {
	XMLName xml.Name `xml:"ocs"`
	Meta    struct {
		StatusCode int    `xml:"statuscode"`
		Message    string `xml:"message"`
	} `xml:"meta"`
}

// newError builds an *Error from a failed response and (a capped prefix of) its body.
func newError(resp *http.Response, body []byte) *Error {
	e := &Error{
		Method: resp.Request.Method,
		Path:   resp.Request.URL.Path,
		Status: resp.StatusCode,
		ETag:   resp.Header.Get("ETag"),
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
	case trimmed[0] == '<':
		var se sabreError
		if xml.Unmarshal(trimmed, &se) == nil && (se.Exception != "" || se.Message != "") {
			e.Exception, e.Message = se.Exception, strings.TrimSpace(se.Message)
			break
		}
		var oe ocsXMLMeta
		if xml.Unmarshal(trimmed, &oe) == nil && oe.Meta.StatusCode != 0 {
			e.OCSStatus, e.Message = oe.Meta.StatusCode, strings.TrimSpace(oe.Meta.Message)
		}
	case trimmed[0] == '{':
		var env struct {
			OCS *struct {
				Meta ocsMeta `json:"meta"`
			} `json:"ocs"`
			Message string `json:"message"`
			Error   string `json:"error"`
		}
		if json.Unmarshal(trimmed, &env) == nil {
			switch {
			case env.OCS != nil:
				e.OCSStatus, e.Message = env.OCS.Meta.StatusCode, env.OCS.Meta.Message
			case env.Message != "":
				e.Message = env.Message
			case env.Error != "":
				e.Message = env.Error
			}
		}
	}
	if e.Message == "" && e.Exception == "" && resp.Header.Get("X-Nextcloud-Bruteforce-Throttled") != "" {
		e.Message = "throttled by brute-force protection"
	}
	if looksLikeHTMLPage(trimmed) {
		// A proxy's or the web server's own error page: its title says what it is.
		e.Page = htmlTitle(trimmed)
	}
	return e
}

var (
	htmlStart    = regexp.MustCompile(`(?i)^\s*(<!doctype html|<html[\s>])`)
	htmlTitleTag = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
)

// looksLikeHTMLPage reports a body that is a web page.
func looksLikeHTMLPage(body []byte) bool {
	return htmlStart.Match(body[:min(len(body), 512)])
}

// htmlTitle is a page's title, one line and short.
func htmlTitle(body []byte) string {
	m := htmlTitleTag.FindSubmatch(body[:min(len(body), 4096)])
	if m == nil {
		return "untitled page"
	}
	t := strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " ")
	if len(t) > 80 {
		t = strings.ToValidUTF8(t[:80], "") + "…"
	}
	if t == "" {
		return "untitled page"
	}
	return t
}

package tools

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// InputError is a problem with the arguments the model sent; its message
// names the problem and the fix.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// inputErrorf builds an InputError.
func inputErrorf(format string, a ...any) error { return &InputError{Msg: fmt.Sprintf(format, a...)} }

// ResourceError names the resource a failed request was about, so the
// message can say "note 42" instead of a URL.
type ResourceError struct {
	What string // e.g. `note 42`, `file "/Documents/a.txt"`
	Err  error
}

func (e *ResourceError) Error() string { return e.What + ": " + e.Err.Error() }
func (e *ResourceError) Unwrap() error { return e.Err }

// about wraps err with the resource it concerns; nil stays nil.
func about(err error, format string, a ...any) error {
	if err == nil {
		return nil
	}
	return &ResourceError{What: fmt.Sprintf(format, a...), Err: err}
}

// ErrorResult turns any failure into an isError result with one sentence
// that says what failed, on which resource, the HTTP status, and what to do.
func ErrorResult(err error) *mcp.CallToolResult {
	return mcp.NewToolResultError(tidyErrorText(Explain(err)))
}

// callErrorResult is ErrorResult for a tool's own failure. A tool that
// changes data adds what the model must know when the answer was lost: the
// change may have been made, so it must look before it tries again.
func callErrorResult(err error, changesData bool) *mcp.CallToolResult {
	msg := Explain(err)
	if changesData {
		if why, ok := outcomeUnknown(err); ok {
			msg = fmt.Sprintf("%s, so it is not known whether the change was made: check %s (read or list it) before trying again; repeating it blindly could do it twice.", why, resourceOf(err))
		}
		if errors.Is(err, nextcloud.ErrNotAPI) {
			msg = fmt.Sprintf("A web page came back for %s instead of Nextcloud's answer (a proxy, captive portal or sign-in page is in the way), so it is not known whether the change was made: check the server URL and the network, then check %[1]s before trying again.", resourceOf(err))
		}
	}
	return mcp.NewToolResultError(tidyErrorText(msg))
}

// outcomeUnknown says why a request may have reached Nextcloud without its
// answer reaching us: the connection broke, the time ran out, or the answer
// was unreadable. A call cancelled by the client is not among them: the
// client chose to stop and knows it.
func outcomeUnknown(err error) (string, bool) {
	what := resourceOf(err)
	var ne *nextcloud.Error
	switch {
	case errors.As(err, &ne) && (ne.Status == http.StatusBadGateway || ne.Status == http.StatusGatewayTimeout):
		return fmt.Sprintf("The proxy in front of Nextcloud lost the answer for %s (HTTP %d)", what, ne.Status), true
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("Nextcloud did not answer in time for %s", what), true
	case brokenConnection(err):
		return fmt.Sprintf("The connection to Nextcloud broke during %s before the answer arrived", what), true
	case unreadableAnswer(err):
		return fmt.Sprintf("The answer for %s could not be read", what), true
	}
	return "", false
}

// resourceOf names what a failed request was about.
func resourceOf(err error) string {
	var re *ResourceError
	if errors.As(err, &re) {
		return re.What
	}
	return "the request"
}

// brokenConnection is a connection that failed after it was made.
func brokenConnection(err error) bool {
	var re *nextcloud.RequestError
	if !errors.As(err, &re) {
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// unreadableAnswer is an answer cut short or malformed: JSON or XML that
// does not parse, or calendar data that does not.
func unreadableAnswer(err error) bool {
	var (
		js *json.SyntaxError
		jt *json.UnmarshalTypeError
		xs *xml.SyntaxError
	)
	return errors.As(err, &js) || errors.As(err, &jt) || errors.As(err, &xs) ||
		errors.Is(err, nextcloud.ErrMalformed) || (!brokenConnection(err) && errors.Is(err, io.ErrUnexpectedEOF))
}

// Explain is the sentence ErrorResult uses.
func Explain(err error) string {
	var ie *InputError
	if errors.As(err, &ie) {
		return sentence(ie.Msg)
	}
	if errors.Is(err, auth.ErrNoCredentials) {
		return err.Error() + "."
	}
	if errors.Is(err, auth.ErrSessionExpired) {
		return "Your Nextcloud session expired: run `nextcloud-mcp login --oauth` to sign in again."
	}
	var oe *auth.OAuthError
	if errors.As(err, &oe) {
		return fmt.Sprintf("Getting a Nextcloud token failed (%s): check the identity provider settings shown by `nextcloud-mcp status`.", oe.Msg)
	}
	what := "the request"
	var re *ResourceError
	if errors.As(err, &re) {
		what = re.What
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Sprintf("The call on %s was cancelled before Nextcloud answered; nothing more was sent.", what)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("Nextcloud did not answer in time for %s: check that the server is reachable and try again.", what)
	}
	if errors.Is(err, nextcloud.ErrAppMissing) {
		return fmt.Sprintf("%s: ask your Nextcloud admin to install and enable the app.", strings.TrimSuffix(err.Error(), "."))
	}
	if msg := explainTransport(err); msg != "" {
		return msg
	}
	if errors.Is(err, nextcloud.ErrNotAPI) {
		return fmt.Sprintf("A web page came back for %s instead of Nextcloud's answer, so a proxy, captive portal or sign-in page is in the way: check the server URL (NEXTCLOUD_HOST or the login) and the network, then try again.", what)
	}
	if brokenConnection(err) {
		return fmt.Sprintf("The connection to Nextcloud broke during %s: try again in a moment; if it keeps happening, check the network or the proxy in front of Nextcloud.", what)
	}
	if unreadableAnswer(err) {
		return fmt.Sprintf("Nextcloud's answer for %s could not be read (cut short or malformed): try again; if it keeps happening, a proxy in front of Nextcloud may be changing answers.", what)
	}
	var ne *nextcloud.Error
	if !errors.As(err, &ne) {
		if errors.Is(err, nextcloud.ErrTooLarge) {
			return fmt.Sprintf("The answer for %s is larger than this server reads into memory (%v): ask for less, for example with a limit or an offset window.", what, err)
		}
		detail := err
		if re != nil {
			detail = re.Err // its Error() would name the resource twice
		}
		return fmt.Sprintf("Failed on %s: %v.", what, strings.TrimSuffix(detail.Error(), "."))
	}
	server := ""
	switch {
	case ne.Message != "":
		server = fmt.Sprintf(" (server said: %s)", ne.Message)
	case ne.Page != "" && ne.Status >= 500:
		server = fmt.Sprintf(" (a web page said: %s)", ne.Page)
	}
	switch {
	case ne.Status == http.StatusUnauthorized || ne.OCSStatus == 997:
		return fmt.Sprintf("Nextcloud rejected the credentials (HTTP 401) for %s: check the app password, or run `nextcloud-mcp login` again.", what)
	case ne.Status == http.StatusForbidden:
		return fmt.Sprintf("Nextcloud refused access to %s (HTTP 403)%s: this account lacks permission for it.", what, server)
	case ne.Status == http.StatusNotFound:
		return fmt.Sprintf("%s was not found (HTTP 404)%s: check the id or path, for example by listing first.", capitalize(what), server)
	case ne.Status == http.StatusMethodNotAllowed:
		return fmt.Sprintf("%s already exists or does not allow this (HTTP 405)%s: pick another name or path.", capitalize(what), server)
	case ne.Status == http.StatusConflict:
		return fmt.Sprintf("Conflict on %s (HTTP 409)%s: the parent folder may be missing or the target is of another kind; create the parent or change the path.", what, server)
	case ne.Status == http.StatusPreconditionFailed:
		return fmt.Sprintf("%s was changed by someone else or already exists (HTTP 412): nothing was written; re-read it to get the current etag and retry with that etag.", capitalize(what))
	case ne.Status == http.StatusLocked:
		return fmt.Sprintf("%s is locked (HTTP 423), probably open in another app: retry later.", capitalize(what))
	case ne.Status == http.StatusTooManyRequests:
		wait := "a minute"
		if ne.RetryAfter > 0 {
			wait = ne.RetryAfter.String()
		}
		return fmt.Sprintf("Nextcloud is throttling requests (HTTP 429) for %s: wait %s and try again.", what, wait)
	case ne.Status == http.StatusInsufficientStorage:
		return fmt.Sprintf("Not enough storage for %s (HTTP 507): the quota is full; free space or ask the admin for more.", what)
	case ne.Status == http.StatusBadGateway || ne.Status == http.StatusGatewayTimeout:
		return fmt.Sprintf("The proxy in front of Nextcloud could not get an answer for %s (HTTP %d)%s: Nextcloud is down or overloaded; try again later.", what, ne.Status, server)
	case ne.Status == http.StatusServiceUnavailable:
		return fmt.Sprintf("Nextcloud is unavailable for %s (HTTP 503)%s, perhaps in maintenance mode: try again later.", what, server)
	case ne.Status >= 500:
		return fmt.Sprintf("Nextcloud failed on %s (HTTP %d)%s: this is a server-side problem; try again later or check the Nextcloud log.", what, ne.Status, server)
	default:
		return fmt.Sprintf("Nextcloud refused %s (HTTP %d)%s: check the arguments and try again.", what, ne.Status, server)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// explainTransport names the fix for failures below HTTP: an untrusted TLS
// certificate or a server that cannot be reached. "" means it is neither.
func explainTransport(err error) string {
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &invalid), errors.As(err, &verify) && !errors.As(err, &hostname):
		return "Nextcloud's TLS certificate is not trusted (self-signed or private CA): point NEXTCLOUD_CA_BUNDLE (or --ca-file) at its CA certificate, or for a test server only set NEXTCLOUD_VERIFY_SSL=false."
	case errors.As(err, &hostname):
		return "Nextcloud's TLS certificate is for another host name: use the server URL the certificate names in NEXTCLOUD_HOST (or `nextcloud-mcp login`)."
	case errors.Is(err, syscall.ECONNREFUSED):
		return "Nextcloud refused the connection: check that the server is running and that the server URL (NEXTCLOUD_HOST or the login) is right."
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Sprintf("The server name %q cannot be resolved: check the server URL (NEXTCLOUD_HOST or the login) and your network or VPN.", dnsErr.Name)
	}
	return ""
}

// sentence ends a message with a stop. The first letter stays as it is:
// messages often start with an argument name such as note_id, which must
// keep its spelling to be recognised.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return msg
	}
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

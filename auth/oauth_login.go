package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"
)

// OAuthLogin runs the authorization code flow with PKCE S256 and a loopback
// redirect on a random port (RFC 8252).
type OAuthLogin struct {
	Endpoints    OAuthEndpoints
	ClientID     string
	ClientSecret string
	Scopes       []string
	// RedirectHost is 127.0.0.1 by default; some providers only allow localhost.
	RedirectHost string
	// RedirectPort is random (0) by default, as RFC 8252 asks. Nextcloud's
	// oauth2 app sends the browser to the redirect URI registered with the
	// client, whatever the request said, so there the port must be fixed.
	RedirectPort int
	// OpenBrowser opens the URL for the user; it must not block.
	OpenBrowser func(url string) error
	// Announce tells the user which URL to open (printed even when a browser opens).
	Announce func(url string)
	// Timeout bounds the wait for the user; default 5 minutes.
	Timeout    time.Duration
	HTTPClient *http.Client
}

// Run waits for the browser to come back with a code and exchanges it.
func (l *OAuthLogin) Run(ctx context.Context) (*oauth2.Token, error) {
	host := l.RedirectHost
	if host == "" {
		host = "127.0.0.1"
	}
	if host != "127.0.0.1" && host != "localhost" && host != "[::1]" {
		return nil, fmt.Errorf("redirect host %q is not a loopback name: use 127.0.0.1 or localhost", host)
	}
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if l.RedirectPort < 0 || l.RedirectPort > 65535 {
		return nil, fmt.Errorf("redirect port %d is not a TCP port", l.RedirectPort)
	}
	// localhost is served on 127.0.0.1, which browsers fall back to; [::1] needs its own socket.
	listenHost := "127.0.0.1"
	if host == "[::1]" {
		listenHost = host
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("%s:%d", listenHost, l.RedirectPort))
	if err != nil {
		return nil, fmt.Errorf("open loopback port %d for the OAuth redirect: %w", l.RedirectPort, err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	redirect := fmt.Sprintf("http://%s:%d/callback", host, port)

	cfg := &oauth2.Config{
		ClientID:     l.ClientID,
		ClientSecret: l.ClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: l.Endpoints.AuthURL, TokenURL: l.Endpoints.TokenURL, AuthStyle: authStyle(l.ClientSecret)},
		RedirectURL:  redirect,
		Scopes:       l.Scopes,
	}
	state, err := randomString(24)
	if err != nil {
		return nil, err
	}
	verifier := oauth2.GenerateVerifier()
	// PKCE is sent even to Nextcloud's oauth2 app, which ignores it: OIDC providers enforce it.
	authURL := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))

	type result struct {
		code string
		err  error
	}
	results := make(chan result, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res result
		switch {
		case q.Get("state") != state:
			res.err = errors.New("the redirect carried a wrong state: the sign-in was not started by this command, so it was refused")
		case q.Get("error") != "":
			res.err = fmt.Errorf("the provider refused the sign-in: %s %s", q.Get("error"), q.Get("error_description"))
		case q.Get("code") == "":
			res.err = errors.New("the redirect carried no authorization code")
		default:
			res.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<p>Sign-in failed: %s</p>", html.EscapeString(res.err.Error()))
		} else {
			fmt.Fprint(w, "<p>nextcloud-mcp is signed in. You can close this tab.</p>")
		}
		select {
		case results <- res:
		default:
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		// Shutdown, not Close: the browser's connection may still be
		// reading the answer page; Close cut it off (EOF in the browser).
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	if l.Announce != nil {
		l.Announce(authURL)
	}
	if l.OpenBrowser != nil {
		_ = l.OpenBrowser(authURL) // the announced URL is the fallback
	}

	var res result
	select {
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("no sign-in arrived within %s: run the command again", timeout)
		}
		return nil, ctx.Err()
	case res = <-results:
	}
	if res.err != nil {
		return nil, res.err
	}
	if l.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, l.HTTPClient)
	}
	tok, err := cfg.Exchange(ctx, res.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange the authorization code: %w", redactOAuthError(err))
	}
	return tok, nil
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// redactOAuthError keeps the OAuth error code and drops the raw body, which
// may echo tokens back.
func redactOAuthError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		if code == "" {
			code = "HTTP " + fmt.Sprint(re.Response.StatusCode)
		}
		msg := code
		if re.ErrorDescription != "" {
			msg += ": " + re.ErrorDescription
		}
		return &OAuthError{Code: re.ErrorCode, Status: re.Response.StatusCode, Msg: msg}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, redactURL(ue.URL), ue.Err)
	}
	return err
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the token endpoint"
	}
	u.RawQuery = ""
	return u.String()
}

// OAuthError is a token endpoint refusal, without the response body.
type OAuthError struct {
	Code   string
	Status int
	Msg    string
}

func (e *OAuthError) Error() string { return "the identity provider refused: " + e.Msg }

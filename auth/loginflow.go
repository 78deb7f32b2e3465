package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// DeviceName is the User-Agent of sign-in requests, which Nextcloud shows
// as the app password's name in the user's Devices list.
func DeviceName() string {
	host, err := os.Hostname()
	if err != nil || strings.TrimSpace(host) == "" {
		host = "this computer"
	}
	return "nextcloud-mcp on " + host
}

// ErrPlainHTTP refuses to send a credential unencrypted across a network.
var ErrPlainHTTP = errors.New("refusing plain http://")

// NormalizeServer parses the server URL as the user typed it (adding
// https://, dropping /index.php and trailing slashes) and refuses plain
// http:// except to this machine, unless allowHTTP.
func NormalizeServer(raw string, allowHTTP bool) (*url.URL, error) {
	u, err := nextcloud.ParseBaseURL(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "http" && !allowHTTP && !nextcloud.IsLoopback(u) {
		return nil, fmt.Errorf("%w to %s: the app password would cross the network unencrypted; use https:// (or pass --allow-http if you really mean it)", ErrPlainHTTP, u.Host)
	}
	return u, nil
}

// SignIn runs Login Flow v2 and stores what it yields. The CLI uses its
// steps directly; the chat tools use Start, Status and Wait, which keep
// polling in the background.
type SignIn struct {
	Store  *StoreOpener
	Client ClientOptions
	// UserAgent names the app password; default DeviceName().
	UserAgent string
	// PollInterval defaults to nextcloud.LoginFlowPollInterval.
	PollInterval time.Duration
	// AllowHTTP permits plain http:// to other hosts than this machine.
	AllowHTTP bool
	// DefaultServer is the server used when Start gets none (--server / NEXTCLOUD_HOST).
	DefaultServer string
	// OnSignedIn runs after an account was stored, e.g. StoredFactory.Use.
	OnSignedIn func(a store.Account, secret string) error
	// Background is the parent of background polls (the serve context), so
	// they stop with the server. Default context.Background().
	Background context.Context
	Logger     *slog.Logger

	mu      sync.Mutex
	pending *chatFlow
	last    SignInStatus
}

// Flow is a started sign-in: show LoginURL to the user, then Wait.
type Flow struct {
	Server *url.URL
	*nextcloud.LoginFlow
	client *nextcloud.Client
}

// SignedIn is the result of a completed sign-in.
type SignedIn struct {
	Account store.Account
	User    *nextcloud.User
	// Replaced is true when an older credential of the same account was replaced.
	Replaced bool
}

func (s *SignIn) userAgent() string {
	if s.UserAgent != "" {
		return s.UserAgent
	}
	return DeviceName()
}

// Prepare checks that a result could be stored, before the user is sent to
// the browser: the store opens and its key is available.
func (s *SignIn) Prepare(ctx context.Context) error {
	st, err := s.Store.Open(ctx)
	if err != nil {
		return err
	}
	return st.Unlock(ctx)
}

// StartFlow normalises the server URL and starts Login Flow v2 there.
func (s *SignIn) StartFlow(ctx context.Context, server string) (*Flow, error) {
	u, err := NormalizeServer(server, s.AllowHTTP)
	if err != nil {
		return nil, err
	}
	o := s.Client.apply(u.String(), nil)
	o.UserAgent = s.userAgent()
	c, err := nextcloud.New(o)
	if err != nil {
		return nil, err
	}
	lf, err := c.StartLoginFlow(ctx)
	if err != nil {
		return nil, err
	}
	return &Flow{Server: u, LoginFlow: lf, client: c}, nil
}

// Wait polls until access is granted, ctx ends, or the flow expires.
func (f *Flow) Wait(ctx context.Context, interval time.Duration, tick func()) (*nextcloud.LoginGrant, error) {
	return f.client.WaitLoginFlow(ctx, f.LoginFlow, interval, tick)
}

// Complete verifies the granted app password with cloud/user and stores it
// sealed as the default account. The account is keyed by the server URL the
// user configured, not the one the server reports (they differ behind proxies).
func (s *SignIn) Complete(ctx context.Context, server *url.URL, g *nextcloud.LoginGrant) (*SignedIn, error) {
	return s.save(ctx, server, g.LoginName, g.AppPassword)
}

// SaveAppPassword stores a credential given directly (non-interactive
// login). It is verified first; a login password is exchanged for an app
// password so the login password itself is never stored.
func (s *SignIn) SaveAppPassword(ctx context.Context, server, login, password string) (*SignedIn, bool, error) {
	u, err := NormalizeServer(server, s.AllowHTTP)
	if err != nil {
		return nil, false, err
	}
	if err := s.Prepare(ctx); err != nil {
		return nil, false, err
	}
	o := s.Client.apply(u.String(), nextcloud.BasicAuth{User: login, Password: password})
	o.UserAgent = s.userAgent()
	c, err := nextcloud.New(o)
	if err != nil {
		return nil, false, err
	}
	if _, err := c.CurrentUser(ctx); err != nil {
		return nil, false, rejected(u, err)
	}
	exchanged := false
	if app, ok, err := c.ExchangeForAppPassword(ctx); err == nil && ok {
		password, exchanged = app, true
	}
	res, err := s.save(ctx, u, login, password)
	return res, exchanged, err
}

func rejected(u *url.URL, err error) error {
	if errors.Is(err, nextcloud.ErrUnauthorized) {
		return fmt.Errorf("%s rejected the login name or app password (HTTP 401): check both, or create a new app password under Settings → Security: %w", u.Host, err)
	}
	return fmt.Errorf("verify the credential at %s: %w", u.Host, err)
}

func (s *SignIn) save(ctx context.Context, u *url.URL, login, password string) (*SignedIn, error) {
	c, err := nextcloud.New(s.Client.apply(u.String(), nextcloud.BasicAuth{User: login, Password: password}))
	if err != nil {
		return nil, err
	}
	user, err := c.CurrentUser(ctx)
	if err != nil {
		return nil, rejected(u, err)
	}
	st, err := s.Store.Open(ctx)
	if err != nil {
		return nil, err
	}
	key := store.AccountKey(u.String(), login)
	_, replaced, err := st.Account(ctx, key)
	if err != nil {
		return nil, err
	}
	display := user.DisplayName
	if display == "" {
		display = login
	}
	a, err := st.SaveAccount(ctx, store.Account{ServerURL: u.String(), Login: login, DisplayName: display,
		Kind: store.KindAppPassword, IsDefault: true, VerifiedAt: time.Now()}, password)
	if err != nil {
		return nil, ExplainStoreError(err, s.Store.Keys)
	}
	if s.OnSignedIn != nil {
		if err := s.OnSignedIn(a, password); err != nil {
			return nil, err
		}
	}
	return &SignedIn{Account: a, User: user, Replaced: replaced}, nil
}

// SignInService is what the chat sign-in tools need.
type SignInService interface {
	// Start begins a sign-in at server ("" means the configured one), or
	// returns the one already waiting for the same server, or the one
	// that signed in there since its outcome was last reported.
	Start(ctx context.Context, server string) (SignInStatus, error)
	// Status reports the latest sign-in; a finished one counts as
	// reported from then on.
	Status() SignInStatus
	// Wait blocks until the pending sign-in ends, d passes or ctx ends,
	// calling tick after each poll.
	Wait(ctx context.Context, d time.Duration, tick func(SignInStatus)) SignInStatus
	// Cancel stops a pending sign-in (the user declined to open the page).
	Cancel()
}

// Sign-in states.
const (
	SignInNone      = "none"
	SignInPending   = "pending"
	SignInSignedIn  = "signed_in"
	SignInFailed    = "failed"
	SignInExpired   = "expired"
	SignInCancelled = "cancelled"
)

// SignInStatus describes the latest chat sign-in. It never holds a secret.
type SignInStatus struct {
	// ID names the flow (used as the elicitation id).
	ID    string
	State string
	// Server is the normalised server URL.
	Server string
	// LoginURL is the page to open; set while pending.
	LoginURL    string
	ExpiresAt   time.Time
	Login       string
	DisplayName string
	Error       string
}

type chatFlow struct {
	status SignInStatus
	cancel context.CancelFunc
	done   chan struct{}
	polls  chan struct{} // closed and replaced after each poll, to wake waiters
	// reported: the finished outcome has been handed to a caller.
	reported bool
}

// Start implements SignInService.
func (s *SignIn) Start(ctx context.Context, server string) (SignInStatus, error) {
	if strings.TrimSpace(server) == "" {
		server = s.DefaultServer
	}
	if strings.TrimSpace(server) == "" {
		// Signing in again (a revoked app password, say) goes to the same server.
		if st, err := s.Store.Open(ctx); err == nil {
			if a, ok, _ := st.DefaultAccount(ctx); ok {
				server = a.ServerURL
			}
		}
	}
	if strings.TrimSpace(server) == "" {
		return SignInStatus{}, errors.New("no server to sign in to: pass the server URL, e.g. https://cloud.example.com")
	}
	u, err := NormalizeServer(server, s.AllowHTTP)
	if err != nil {
		return SignInStatus{}, err
	}
	s.mu.Lock()
	if p := s.pending; p != nil && p.status.Server == u.String() {
		pending := p.status.State == SignInPending && time.Now().Before(p.status.ExpiresAt)
		// The grant can land between the call that started the sign-in
		// and the one that waits for it; starting over then would send
		// the user to the browser a second time.
		unreported := p.status.State == SignInSignedIn && !p.reported
		if pending || unreported {
			if unreported {
				p.reported = true
			}
			st := p.status
			s.mu.Unlock()
			return st, nil
		}
	}
	s.mu.Unlock()
	if err := s.Prepare(ctx); err != nil {
		return SignInStatus{}, ExplainStoreError(err, s.Store.Keys)
	}
	flow, err := s.StartFlow(ctx, u.String())
	if err != nil {
		return SignInStatus{}, err
	}
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	parent := s.Background
	if parent == nil {
		parent = context.Background()
	}
	bg, cancel := context.WithDeadline(parent, flow.Expires)
	p := &chatFlow{
		status: SignInStatus{ID: hex.EncodeToString(id), State: SignInPending, Server: u.String(), LoginURL: flow.LoginURL, ExpiresAt: flow.Expires},
		cancel: cancel, done: make(chan struct{}), polls: make(chan struct{}),
	}
	s.mu.Lock()
	if old := s.pending; old != nil && old.status.State == SignInPending {
		old.cancel() // a new sign-in replaces the one waiting
	}
	s.pending = p
	s.last = p.status
	s.mu.Unlock()
	go s.poll(bg, p, flow)
	return p.status, nil
}

func (s *SignIn) poll(ctx context.Context, p *chatFlow, flow *Flow) {
	defer close(p.done)
	defer p.cancel()
	tick := func() {
		s.mu.Lock()
		close(p.polls)
		p.polls = make(chan struct{})
		s.mu.Unlock()
	}
	g, err := flow.Wait(ctx, s.PollInterval, tick)
	var res *SignedIn
	if err == nil {
		res, err = s.Complete(context.WithoutCancel(ctx), flow.Server, g)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := p.status
	st.LoginURL = ""
	switch {
	case err == nil:
		st.State, st.Login, st.DisplayName = SignInSignedIn, res.Account.Login, res.Account.DisplayName
	case errors.Is(err, nextcloud.ErrLoginFlowExpired) || errors.Is(err, context.DeadlineExceeded):
		st.State, st.Error = SignInExpired, "the sign-in link expired before access was granted; start again"
	case errors.Is(err, context.Canceled):
		st.State, st.Error = SignInCancelled, "the sign-in was cancelled"
	default:
		st.State, st.Error = SignInFailed, err.Error()
	}
	p.status = st
	if s.pending == p {
		s.last = st
	}
	close(p.polls)
	p.polls = make(chan struct{})
	if s.Logger != nil {
		s.Logger.Info("chat sign-in ended", "server", st.Server, "state", st.State, "login", st.Login)
	}
}

// Status implements SignInService.
func (s *SignIn) Status() SignInStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last.State == "" {
		return SignInStatus{State: SignInNone}
	}
	if p := s.pending; p != nil && p.status.State != SignInPending {
		p.reported = true
	}
	return s.last
}

// Wait implements SignInService.
func (s *SignIn) Wait(ctx context.Context, d time.Duration, tick func(SignInStatus)) SignInStatus {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		s.mu.Lock()
		p := s.pending
		var polls chan struct{}
		if p != nil {
			polls = p.polls
		}
		st := s.last
		s.mu.Unlock()
		if p == nil || st.State != SignInPending {
			return s.Status()
		}
		select {
		case <-ctx.Done():
			return s.Status()
		case <-timer.C:
			return s.Status()
		case <-p.done:
			return s.Status()
		case <-polls:
			if tick != nil {
				tick(s.Status())
			}
		}
	}
}

// Cancel stops a pending chat sign-in.
func (s *SignIn) Cancel() {
	s.mu.Lock()
	p := s.pending
	s.mu.Unlock()
	if p != nil {
		p.cancel()
		<-p.done
	}
}

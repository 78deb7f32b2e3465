package auth

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

func TestNormalizeServer(t *testing.T) {
	cases := []struct {
		in, want string
		allow    bool
		err      bool
	}{
		{in: "cloud.example.com", want: "https://cloud.example.com"},
		{in: "https://cloud.example.com/", want: "https://cloud.example.com"},
		{in: "https://example.com/nextcloud/index.php/", want: "https://example.com/nextcloud"},
		{in: "http://localhost:8080", want: "http://localhost:8080"},
		{in: "http://127.0.0.1:8080/", want: "http://127.0.0.1:8080"},
		{in: "http://[::1]:8080", want: "http://[::1]:8080"},
		{in: "http://cloud.example.com", err: true},
		{in: "http://cloud.example.com", allow: true, want: "http://cloud.example.com"},
		{in: "ftp://cloud.example.com", err: true},
		{in: "", err: true},
	}
	for _, c := range cases {
		u, err := NormalizeServer(c.in, c.allow)
		if c.err {
			if err == nil {
				t.Errorf("%q: accepted as %s", c.in, u)
			}
			continue
		}
		if err != nil || u.String() != c.want {
			t.Errorf("%q: %v %v, want %s", c.in, u, err, c.want)
		}
	}
	_, err := NormalizeServer("http://cloud.example.com", false)
	if !errors.Is(err, ErrPlainHTTP) || !strings.Contains(err.Error(), "--allow-http") {
		t.Fatalf("plain http error: %v", err)
	}
}

func newSignIn(t *testing.T) (*SignIn, *ncfake.Server, *httptest.Server, *StoredFactory) {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	t.Cleanup(ts.Close)
	o := testOpener(t)
	f := NewStoredFactory(o, ClientOptions{Version: "test"}, time.Hour)
	s := &SignIn{Store: o, Client: ClientOptions{Version: "test"}, UserAgent: "nextcloud-mcp on testhost",
		PollInterval: 10 * time.Millisecond, DefaultServer: ts.URL, OnSignedIn: f.Use}
	t.Cleanup(s.Cancel)
	return s, fake, ts, f
}

func TestCLISignInSteps(t *testing.T) {
	ctx := context.Background()
	s, fake, ts, f := newSignIn(t)
	if err := s.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	flow, err := s.StartFlow(ctx, ts.URL+"/index.php/")
	if err != nil {
		t.Fatal(err)
	}
	pw := fake.GrantLogin(flow.LoginURL, "alice")
	g, err := flow.Wait(ctx, 10*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Complete(ctx, flow.Server, g)
	if err != nil {
		t.Fatal(err)
	}
	if res.Account.Key != store.AccountKey(ts.URL, "alice") || !res.Account.IsDefault || res.User.DisplayName != "Alice" || res.Replaced {
		t.Fatalf("signed in: %+v %+v", res.Account, res.User)
	}
	if fake.DeviceName(pw) != "nextcloud-mcp on testhost" {
		t.Fatalf("device %q", fake.DeviceName(pw))
	}
	c, err := f.Client(ctx)
	if err != nil || c.Login() != "alice" {
		t.Fatalf("factory after sign-in: %v", err)
	}
	st, _ := s.Store.Open(ctx)
	if got, _ := st.AccountSecret(ctx, res.Account.Key); got != pw {
		t.Fatal("stored secret is not the granted app password")
	}
	// Signing in again replaces the credential.
	flow2, _ := s.StartFlow(ctx, ts.URL)
	pw2 := fake.GrantLogin(flow2.LoginURL, "alice")
	g2, _ := flow2.Wait(ctx, 10*time.Millisecond, nil)
	res2, err := s.Complete(ctx, flow2.Server, g2)
	if err != nil || !res2.Replaced {
		t.Fatalf("second sign-in: %+v %v", res2, err)
	}
	if got, _ := st.AccountSecret(ctx, res.Account.Key); got != pw2 {
		t.Fatal("second sign-in did not replace the secret")
	}
}

func TestSaveAppPasswordVerifiesAndExchangesLoginPasswords(t *testing.T) {
	ctx := context.Background()
	s, fake, ts, _ := newSignIn(t)
	if _, _, err := s.SaveAppPassword(ctx, ts.URL, "alice", "wrong"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong password: %v", err)
	}
	st, _ := s.Store.Open(ctx)
	if _, ok, _ := st.DefaultAccount(ctx); ok {
		t.Fatal("a rejected credential was stored")
	}
	res, exchanged, err := s.SaveAppPassword(ctx, ts.URL, "alice", "alice-app-password")
	if err != nil || exchanged {
		t.Fatalf("app password: %v exchanged=%v", err, exchanged)
	}
	if got, _ := st.AccountSecret(ctx, res.Account.Key); got != "alice-app-password" {
		t.Fatal("app password not stored as given")
	}
	// The login password is never stored: it is traded for an app password.
	res, exchanged, err = s.SaveAppPassword(ctx, ts.URL, "alice", "alice")
	if err != nil || !exchanged {
		t.Fatalf("login password: %v exchanged=%v", err, exchanged)
	}
	got, _ := st.AccountSecret(ctx, res.Account.Key)
	if got == "alice" || !fake.AppPasswordValid("alice", got) {
		t.Fatal("the stored secret is not a fresh app password")
	}
}

func TestChatSignInInBackground(t *testing.T) {
	ctx := context.Background()
	s, fake, ts, f := newSignIn(t)
	if _, err := f.Client(ctx); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("before sign-in: %v", err)
	}
	if s.Status().State != SignInNone {
		t.Fatal(s.Status())
	}
	st, err := s.Start(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if st.State != SignInPending || st.Server != ts.URL || !strings.Contains(st.LoginURL, "/login/v2/flow/") || st.ID == "" {
		t.Fatalf("pending status: %+v", st)
	}
	// Calling again while pending returns the same flow, not a new one.
	again, _ := s.Start(ctx, ts.URL)
	if again.ID != st.ID || fake.LoginFlowsStarted() != 1 {
		t.Fatalf("second start made a new flow: %s vs %s (%d started)", again.ID, st.ID, fake.LoginFlowsStarted())
	}
	ticks := 0
	w := s.Wait(ctx, 50*time.Millisecond, func(SignInStatus) { ticks++ })
	if w.State != SignInPending || ticks == 0 {
		t.Fatalf("wait before grant: %+v, %d ticks", w, ticks)
	}
	fake.GrantLogin(st.LoginURL, "admin")
	w = s.Wait(ctx, 5*time.Second, nil)
	if w.State != SignInSignedIn || w.Login != "admin" || w.DisplayName != "admin" || w.LoginURL != "" {
		t.Fatalf("after grant: %+v", w)
	}
	// The very next call uses the new credential: no restart.
	c, err := f.Client(ctx)
	if err != nil || c.Login() != "admin" {
		t.Fatalf("factory after chat sign-in: %v", err)
	}
}

func TestChatSignInExpiresAndCancels(t *testing.T) {
	ctx := context.Background()
	s, fake, ts, _ := newSignIn(t)
	st, err := s.Start(ctx, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	s.Cancel()
	if got := s.Status(); got.State != SignInCancelled || got.ID != st.ID {
		t.Fatalf("after cancel: %+v", got)
	}
	// A background context with a deadline stands in for the 20 minutes.
	bg, cancel := context.WithTimeout(ctx, 60*time.Millisecond)
	defer cancel()
	s.Background = bg
	if _, err := s.Start(ctx, ts.URL); err != nil {
		t.Fatal(err)
	}
	if got := s.Wait(ctx, 5*time.Second, nil); got.State != SignInExpired || !strings.Contains(got.Error, "expired") {
		t.Fatalf("after expiry: %+v", got)
	}
	if fake.LoginFlowsStarted() != 2 {
		t.Fatalf("%d flows", fake.LoginFlowsStarted())
	}
}

func TestChatSignInRefusesWithoutKeyBeforeTheBrowser(t *testing.T) {
	s, fake, ts, _ := newSignIn(t)
	kr := newMemKeyring()
	kr.err = errors.New("no secret service")
	s.Store = &StoreOpener{Dir: t.TempDir(), Keys: &KeySource{Keyring: kr}}
	defer s.Store.Close()
	_, err := s.Start(context.Background(), ts.URL)
	if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "TOKEN_ENCRYPTION_KEY") {
		t.Fatalf("err = %v", err)
	}
	if fake.LoginFlowsStarted() != 0 {
		t.Fatal("a flow was started although its result could not be stored")
	}
}

// The grant can land before the model calls again to wait for it. That
// call reports the sign-in instead of starting another (which would send
// the user to the browser twice); once reported, a new call starts anew.
func TestChatSignInGrantedBetweenCalls(t *testing.T) {
	ctx := context.Background()
	s, fake, ts, _ := newSignIn(t)
	st, err := s.Start(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	fake.GrantLogin(st.LoginURL, "admin")
	s.mu.Lock()
	done := s.pending.done
	s.mu.Unlock()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the sign-in did not finish")
	}
	again, err := s.Start(ctx, ts.URL)
	if err != nil || again.State != SignInSignedIn || again.ID != st.ID || again.Login != "admin" {
		t.Fatalf("call after the grant: %+v %v", again, err)
	}
	if fake.LoginFlowsStarted() != 1 {
		t.Fatalf("%d flows started; the finished one must be reported, not replaced", fake.LoginFlowsStarted())
	}
	// Reported once: the next call is a new sign-in (another account, say).
	next, err := s.Start(ctx, ts.URL)
	if err != nil || next.State != SignInPending || next.ID == st.ID || fake.LoginFlowsStarted() != 2 {
		t.Fatalf("call after the report: %+v %v (%d flows)", next, err, fake.LoginFlowsStarted())
	}
	s.Cancel()
	// Status counts as a report too.
	third, _ := s.Start(ctx, ts.URL)
	fake.GrantLogin(third.LoginURL, "admin")
	if w := s.Wait(ctx, 30*time.Second, nil); w.State != SignInSignedIn {
		t.Fatalf("wait: %+v", w)
	}
	if fourth, _ := s.Start(ctx, ts.URL); fourth.State != SignInPending || fake.LoginFlowsStarted() != 4 {
		t.Fatalf("a sign-in Wait reported was reported again: %+v", fourth)
	}
}

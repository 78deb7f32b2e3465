package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// ncAppWorld is a fake Nextcloud whose built-in oauth2 app is the issuer.
type ncAppWorld struct {
	fake   *ncfake.Server
	nc     *wireLog
	url    *url.URL
	client ncfake.OAuth2Client
	port   int
	opener *StoreOpener
}

func newNCAppWorld(t *testing.T) *ncAppWorld {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	wl := &wireLog{next: fake.Handler()}
	ts := httptest.NewServer(wl)
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	// The oauth2 app redirects to the URI registered with the client, so the
	// loopback port is fixed at registration.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c := fake.AddOAuth2Client("nextcloud-mcp", fmt.Sprintf("http://127.0.0.1:%d/callback", port))
	key := make([]byte, 32)
	rand.Read(key)
	opener := &StoreOpener{Dir: filepath.Join(t.TempDir(), "cfg"), Keys: &KeySource{EnvKey: base64.StdEncoding.EncodeToString(key)}}
	t.Cleanup(func() { opener.Close() })
	return &ncAppWorld{fake: fake, nc: wl, url: u, client: c, port: port, opener: opener}
}

// browser plays alice: the authorize redirect leads to the grant page, the
// grant sends her to the loopback callback.
func (w *ncAppWorld) browser(t *testing.T) func(string) error {
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	return func(authURL string) error {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(authURL)
			if err != nil || resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/index.php/login/flow" {
				t.Errorf("authorize did not lead to the grant page: %v %v", resp, err)
				return
			}
			resp.Body.Close()
			form := url.Values{"clientIdentifier": {resp.Request.URL.Query().Get("clientIdentifier")}}
			req, _ := http.NewRequest(http.MethodPost, w.url.String()+"/index.php/login/flow", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth("alice", "alice")
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("grant: %v", err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("callback answered %d", resp.StatusCode)
			}
		}()
		return nil
	}
}

func (w *ncAppWorld) login(t *testing.T) *OAuthSignedIn {
	t.Helper()
	si := &OAuthSignIn{Store: w.opener, Client: ClientOptions{Version: "test"}, Mode: ModeOAuth, OpenBrowser: w.browser(t), Timeout: 20 * time.Second}
	res, err := si.Run(context.Background(), OAuthRequest{Server: w.url, ClientID: w.client.ClientID, ClientSecret: w.client.ClientSecret, RedirectPort: w.port})
	if err != nil {
		t.Fatalf("login --oauth: %v", err)
	}
	return res
}

func (w *ncAppWorld) expireStored(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	st, _ := w.opener.Open(ctx)
	_, tok, err := StoredOAuthSession(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = time.Now().Add(-time.Second)
	if err := st.SaveOAuthToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
}

func TestOAuthWithNextcloudAppFallsBackAndRotates(t *testing.T) {
	ctx := context.Background()
	w := newNCAppWorld(t)
	res := w.login(t)
	if !res.NextcloudApp || res.User.ID != "alice" || res.Issuer != w.url.String() {
		t.Fatalf("signed in %+v", res)
	}
	st, _ := w.opener.Open(ctx)
	_, before, err := StoredOAuthSession(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if before.TokenURL != w.url.String()+"/index.php/apps/oauth2/api/v1/token" {
		t.Fatalf("token URL %q", before.TokenURL)
	}

	w.expireStored(t)
	f := NewOAuthFactory(ModeOAuth, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	c, err := f.Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.CurrentUser(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := w.fake.OAuth2Refreshes(); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	_, after, _ := StoredOAuthSession(ctx, st)
	if after.RefreshToken == before.RefreshToken || w.fake.OAuth2RefreshTokenWorks(before.RefreshToken) || !w.fake.OAuth2RefreshTokenWorks(after.RefreshToken) {
		t.Fatal("the rotated refresh token was not stored, or the old one still works")
	}
	// Notes refuses Bearer; the same token as Basic password works.
	if _, err := c.ListNotes(ctx, nextcloud.NotesListOptions{}); err != nil {
		t.Fatalf("notes: %v", err)
	}
	// The token endpoint lives on this server too; no other request may carry the refresh token or the client secret.
	for _, r := range w.nc.requests() {
		if r.path != "/index.php/apps/oauth2/api/v1/token" && (strings.Contains(r.raw, after.RefreshToken) || strings.Contains(r.raw, w.client.ClientSecret)) {
			t.Fatalf("a refresh token or the client secret went to %s", r.path)
		}
	}

	// Nextcloud answers invalid_request for a dead refresh token.
	w.fake.EndOAuth2Sessions()
	w.expireStored(t)
	f2 := NewOAuthFactory(ModeOAuth, w.opener, ClientOptions{Version: "test"}, ExchangeSettings{})
	c2, _ := f2.Client(ctx)
	if _, err := c2.CurrentUser(ctx); !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("err = %v, want ErrSessionExpired", err)
	}
}

func TestOAuthWithNextcloudAppNeedsClientSecret(t *testing.T) {
	w := newNCAppWorld(t)
	opened := false
	si := &OAuthSignIn{Store: w.opener, Mode: ModeOAuth, OpenBrowser: func(string) error { opened = true; return nil }, Timeout: time.Second}
	_, err := si.Run(context.Background(), OAuthRequest{Server: w.url, ClientID: w.client.ClientID})
	if err == nil || !strings.Contains(err.Error(), "--client-secret-stdin") || opened {
		t.Fatalf("err = %v, browser opened %t", err, opened)
	}
}

package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// OAuthEndpoints are where the authorization code flow and token calls go.
type OAuthEndpoints struct {
	Issuer   string `json:"issuer"`
	AuthURL  string `json:"authorization_endpoint"`
	TokenURL string `json:"token_endpoint"`
	// JWKSURI and IntrospectionURL serve HTTP mode's token checks.
	JWKSURI          string `json:"jwks_uri,omitempty"`
	IntrospectionURL string `json:"introspection_endpoint,omitempty"`
	// NextcloudApp is true for Nextcloud's built-in oauth2 app, which has no
	// discovery document, ignores PKCE and rotates both tokens on refresh.
	NextcloudApp bool `json:"-"`
}

// DiscoverOAuth reads the issuer's OpenID discovery document. When there is
// none and the issuer is the Nextcloud server itself, it falls back to the
// built-in oauth2 app's fixed endpoints.
func DiscoverOAuth(ctx context.Context, hc *http.Client, issuer, nextcloudBase string) (OAuthEndpoints, error) {
	issuer = strings.TrimRight(issuer, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, issuer+"/.well-known/openid-configuration", nil)
	if err != nil {
		return OAuthEndpoints{}, fmt.Errorf("issuer URL %q: %w", issuer, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return OAuthEndpoints{}, fmt.Errorf("reach the issuer %s: %w", issuer, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode == http.StatusOK {
		var ep OAuthEndpoints
		if err := json.Unmarshal(body, &ep); err != nil {
			return OAuthEndpoints{}, fmt.Errorf("the discovery document of %s is not JSON: %w", issuer, err)
		}
		if ep.AuthURL == "" || ep.TokenURL == "" {
			return OAuthEndpoints{}, errors.New("the discovery document of " + issuer + " lacks authorization_endpoint or token_endpoint")
		}
		return ep, nil
	}
	if strings.TrimRight(nextcloudBase, "/") == issuer {
		return NextcloudOAuthEndpoints(issuer), nil
	}
	return OAuthEndpoints{}, fmt.Errorf("the issuer %s has no OpenID discovery document (HTTP %d): check --issuer", issuer, resp.StatusCode)
}

// NextcloudOAuthEndpoints are the built-in oauth2 app's endpoints below base.
func NextcloudOAuthEndpoints(base string) OAuthEndpoints {
	base = strings.TrimRight(base, "/")
	return OAuthEndpoints{
		Issuer:       base,
		AuthURL:      base + "/index.php/apps/oauth2/authorize",
		TokenURL:     base + "/index.php/apps/oauth2/api/v1/token",
		NextcloudApp: true,
	}
}

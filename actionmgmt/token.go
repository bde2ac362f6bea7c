package actionmgmt

import (
	"context"
	"errors"
	"net/url"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The identity servers' token endpoints.
const (
	EuroTokenURL   = "https://idp.euro.confirmit.com/identity/connect/token"
	USTokenURL     = "https://idp.us.confirmit.com/identity/connect/token"
	NordicTokenURL = "https://idp.nordic.confirmit.com/identity/connect/token"
)

// TokenConfig is an API user's client credentials.
type TokenConfig struct {
	TokenURL     string // e.g. EuroTokenURL
	ClientID     string
	ClientSecret string
	Scopes       []string // e.g. "pub.hubs"
}

// RefreshBefore is how long before expiry a cached token is replaced.
const RefreshBefore = time.Minute

// APIUserTokenSource returns a token source for the Forsta identity server:
// form-encoded POSTs to cfg.TokenURL with grant_type=api-user (not
// client_credentials), the client id and secret sent as the server accepts
// them. Tokens are cached and replaced RefreshBefore their expiry; the
// source is safe for concurrent use, and concurrent callers share one
// fetch. The client secret is never logged and never sent anywhere but
// cfg.TokenURL.
//
// ctx is used for every token fetch, for its lifetime and for an
// *http.Client it may carry under oauth2.HTTPClient: pass a long-lived
// context, not a request's.
func APIUserTokenSource(ctx context.Context, cfg TokenConfig) oauth2.TokenSource {
	if cfg.TokenURL == "" || cfg.ClientID == "" || cfg.ClientSecret == "" {
		return errSource{errors.New("actionmgmt: TokenConfig needs TokenURL, ClientID and ClientSecret")}
	}
	cc := &clientcredentials.Config{
		ClientID:       cfg.ClientID,
		ClientSecret:   cfg.ClientSecret,
		TokenURL:       cfg.TokenURL,
		Scopes:         cfg.Scopes,
		EndpointParams: url.Values{"grant_type": {"api-user"}},
	}
	fetch := tokenFunc(func() (*oauth2.Token, error) { return cc.Token(ctx) })
	return &apiUserSource{TokenSource: oauth2.ReuseTokenSourceWithExpiry(nil, fetch, RefreshBefore), secret: cfg.ClientSecret}
}

// apiUserSource is the cached token source; it lets a Client know the
// client secret so that an echo of it is redacted from errors and logs.
type apiUserSource struct {
	oauth2.TokenSource
	secret string
}

func (s *apiUserSource) redactedSecrets() []string { return []string{s.secret} }

type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

type errSource struct{ err error }

func (e errSource) Token() (*oauth2.Token, error) { return nil, e.err }

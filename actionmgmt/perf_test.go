package actionmgmt_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestCasePathMatchesHubPath(t *testing.T) {
	t.Parallel()
	for _, ids := range [][2]int64{{1, 1}, {6435, 2009632}, {1<<63 - 1, 1<<63 - 1}} {
		assert.Equal(t, actionmgmt.HubPath(ids[0], "cases", strconv.FormatInt(ids[1], 10)), actionmgmt.CasePath(ids[0], ids[1]))
	}
}

// rotatingTokens hands out a new access token on each call to Rotate.
type rotatingTokens struct {
	mu  sync.Mutex
	tok string
}

func (r *rotatingTokens) Token() (*oauth2.Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return &oauth2.Token{AccessToken: r.tok}, nil
}

func (r *rotatingTokens) set(tok string) {
	r.mu.Lock()
	r.tok = tok
	r.mu.Unlock()
}

// TestEachTryCarriesTheCurrentToken: the Authorization value is cached per
// token, never past a token change.
func TestEachTryCarriesTheCurrentToken(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"itemType":"Role","itemCount":0,"totalCount":0,"items":[]}`))
	}))
	defer srv.Close()
	tokens := &rotatingTokens{tok: "first"}
	c, err := actionmgmt.NewClient(srv.URL, tokens)
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	for _, tok := range []string{"first", "first", "second", "first"} {
		tokens.set(tok)
		_, _ = c.ListRoles(context.Background(), 1)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"Bearer first", "Bearer first", "Bearer second", "Bearer first"}, seen)
}

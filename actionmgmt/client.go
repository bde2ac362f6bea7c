package actionmgmt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/internal/jsonx"
	"golang.org/x/oauth2"
)

// The shared surface of the package (error types, bulk options, common
// options and Client methods) is generated from internal/gen.
//go:generate go run ../internal/gen -pkg actionmgmt -kind public -o public.go

const pkg = "actionmgmt"

// The REST hosts of the Forsta Plus sites.
const (
	EuroURL      = "https://ws.euro.confirmit.com"
	USURL        = "https://ws.us.confirmit.com"
	NordicURL    = "https://ws.nordic.confirmit.com"
	AustraliaURL = "https://ws.confirmit.com.au"
	GermanyURL   = "https://ws.confirmit.de"
)

// Client calls the Action Management API of one site. It is safe for
// concurrent use.
type Client struct {
	core   *core.Client
	tokens oauth2.TokenSource
	locks  *caseLocks
}

// Option configures a Client.
type Option func(*options)

type options struct{ core core.Options }

// NewClient returns a client for the site at baseURL (EuroURL, USURL, ...)
// that takes a bearer token from tokens on every try, so a refreshed token
// is used as soon as there is one; use APIUserTokenSource for the Forsta
// identity server. An error from tokens is returned as is. NewClient makes
// no network call.
//
// A token can be refused before its expiry (revoked or rotated: 401). With
// APIUserTokenSource, the client then drops that token, fetches a new one
// (concurrent calls refused with the same token share one fetch) and sends
// the call once more; a second 401 is returned (ErrUnauthorized). With a
// TokenSource of your own, the client cannot make it forget the token: the
// 401 is returned at once, and the next call gets whatever your source
// gives then (an oauth2.ReuseTokenSource keeps the refused token until its
// expiry).
func NewClient(baseURL string, tokens oauth2.TokenSource, opts ...Option) (*Client, error) {
	if tokens == nil {
		return nil, invalid("tokens", "a token source is required")
	}
	if es, ok := tokens.(errSource); ok {
		return nil, es.err // a TokenConfig APIUserTokenSource refused: nothing can work
	}
	var secrets []string
	if sh, ok := tokens.(interface{ redactedSecrets() []string }); ok {
		secrets = sh.redactedSecrets()
	}
	var o options
	o.core.SetBaseURL(baseURL)
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	auth := &bearerCache{}
	token := func(r *http.Request) (*oauth2.Token, error) { return tokens.Token() }
	if src, ok := tokens.(*apiUserSource); ok {
		// The call's context bounds the wait for a token: a slow identity
		// server never holds a call past its deadline.
		token = func(r *http.Request) (*oauth2.Token, error) { return src.tokenContext(r.Context()) }
	}
	c, err := core.New(core.Spec{
		APIPrefixes: []string{"/v1", "/v1/actionmanagement"},
		Package:     pkg,
		Auth: func(r *http.Request) error {
			tok, err := token(r)
			if err != nil {
				return err
			}
			if tok == nil || tok.AccessToken == "" {
				return errEmptyToken
			}
			r.Header["Authorization"] = auth.value(tok.AccessToken)
			return nil
		},
		DecodeError:        decodeError,
		Public:             public,
		Secrets:            secrets,
		DynamicCredentials: true,
		Reauth:             reauth(tokens),
	}, o.core)
	if err != nil {
		return nil, public(err)
	}
	return &Client{core: c, tokens: tokens, locks: &caseLocks{}}, nil
}

// reauth drops a token the API refused (401) before its expiry from an
// APIUserTokenSource, so the call is sent once more with a fresh one. A
// caller's own oauth2.TokenSource cannot be told to forget a token: its
// 401 is returned as is.
func reauth(tokens oauth2.TokenSource) func(string) bool {
	src, ok := tokens.(*apiUserSource)
	if !ok {
		return nil
	}
	return func(authorization string) bool {
		tok, ok := strings.CutPrefix(authorization, "Bearer ")
		if !ok || tok == "" {
			return false
		}
		src.invalidate(tok)
		return true
	}
}

// hubsPath is the prefix of every Action Management path.
const hubsPath = "/v1/actionmanagement/hubs/"

// hubPath is /v1/actionmanagement/hubs/{hubID}, then each of rest as a
// path segment (segments the SDK builds, never caller text).
func hubPath(hubID int64, rest ...string) string {
	p := hubsPath + strconv.FormatInt(hubID, 10)
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// bearerCache holds the Authorization value of the last access token, so
// a token used for many requests is formatted once, not on every try.
type bearerCache struct {
	last atomic.Pointer[bearer]
}

type bearer struct {
	token string
	value []string // {"Bearer <token>"}; shared, never modified
}

// value returns the Authorization header value for token.
func (b *bearerCache) value(token string) []string {
	if p := b.last.Load(); p != nil && p.token == token {
		return p.value
	}
	p := &bearer{token: token, value: []string{"Bearer " + token}}
	b.last.Store(p)
	return p.value
}

// casePath is /v1/actionmanagement/hubs/{hubID}/cases/{caseID}, built in
// one allocation: it is on every read and write of a case.
func casePath(hubID, caseID int64) string {
	var buf [80]byte
	b := append(buf[:0], hubsPath...)
	b = strconv.AppendInt(b, hubID, 10)
	b = append(b, "/cases/"...)
	b = strconv.AppendInt(b, caseID, 10)
	return string(b)
}

// ListRoles returns the case roles of a hub's Action Management program:
// GET /v1/actionmanagement/hubs/{hubID}/roles.
func (c *Client) ListRoles(ctx context.Context, hubID int64) ([]Role, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := positive("hubID", hubID); err != nil {
		return nil, err
	}
	r := &core.Request{Method: http.MethodGet, Path: hubPath(hubID, "roles")}
	l, err := core.Call(ctx, c.core, r, decodeList(func(l *roleList) bool { return l.Items != nil }))
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// errNoItems is a list answer without its "items" array: not a list page,
// so not an empty one either.
var errNoItems = errors.New(`no "items" array in the answer`)

// decodeList returns the decoder of a list answer read into a W: one
// without its "items" array (hasItems) is refused with errNoItems.
func decodeList[W any](hasItems func(*W) bool) func(body []byte) (*W, error) {
	return func(body []byte) (*W, error) {
		var w W
		if err := jsonx.Unmarshal(body, &w); err != nil {
			return nil, err
		}
		if !hasItems(&w) {
			return nil, errNoItems
		}
		return &w, nil
	}
}

// QueryEndUsers returns one page of a hub's End User List:
// POST /v1/hubs/{hubID}/enduserlists/{listID}/users/query. A zero Top asks
// for DefaultPageSize users.
func (c *Client) QueryEndUsers(ctx context.Context, hubID, listID int64, opts *EndUserQuery) (*EndUserPage, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	var q EndUserQuery
	if opts != nil {
		q = *opts
	}
	if err := positive("hubID", hubID); err != nil {
		return nil, err
	}
	if err := positive("listID", listID); err != nil {
		return nil, err
	}
	if q.Top < 0 || q.Skip < 0 {
		return nil, invalid("q", "top and skip must not be negative")
	}
	if q.Top == 0 {
		q.Top = DefaultPageSize
	}
	p := "/v1/hubs/" + strconv.FormatInt(hubID, 10) + "/enduserlists/" + strconv.FormatInt(listID, 10) + "/users/query"
	r, err := c.core.JSONRequest(http.MethodPost, p, q)
	if err != nil {
		return nil, err
	}
	return core.Call(ctx, c.core, r, decodeList(func(p *EndUserPage) bool { return p.Items != nil }))
}

// AllEndUsers iterates over every user the query selects, page after page
// (skip advancing by the users received), until totalCount users were seen
// or a page comes back empty. A page shorter than Top does not end it while
// totalCount says more remain (a server may cap pages below Top); without
// a totalCount, a short page is the last.
// It copies opts (nil: the defaults) and stops requesting as soon as the loop stops. An error ends
// the iteration after being yielded once. A server that sends the same page
// twice, or more than MaxPages pages, ends the iteration with an error
// matching ErrUnexpectedResponse.
func (c *Client) AllEndUsers(ctx context.Context, hubID, listID int64, opts *EndUserQuery) iter.Seq2[*EndUser, error] {
	var q EndUserQuery
	if opts != nil {
		q = *opts
	}
	if q.Top == 0 {
		q.Top = DefaultPageSize
	}
	return skipPages(q.Skip, q.Top, func(u *EndUser) int64 { return u.ID }, func(skip int) ([]EndUser, int, error) {
		page := q
		page.Skip = skip
		p, err := c.QueryEndUsers(ctx, hubID, listID, &page)
		if err != nil {
			return nil, 0, err
		}
		return p.Items, p.TotalCount, nil
	})
}

// skipPages drives a top/skip listing from skip start: fetch reads the page
// at a skip, size is the page size asked for. It stops after an empty page,
// once total items were seen, or, when the server gives no total, after a
// short page; a page shorter than size does not end it while the total
// says more remain. A page with the items of one read before, or more than
// MaxPages pages, ends the iteration with an error matching
// ErrUnexpectedResponse. Each range over the sequence starts again at start.
func skipPages[T any](start, size int, id func(*T) int64, fetch func(skip int) ([]T, int, error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		guard := core.NewPager(pkg, MaxPages)
		var key []byte
		for skip := start; ; {
			if err := guard.Next(""); err != nil {
				yield(nil, err)
				return
			}
			items, total, err := fetch(skip)
			if err != nil {
				yield(nil, err)
				return
			}
			key = key[:0]
			for i := range items {
				key = strconv.AppendInt(key, id(&items[i]), 10)
				key = append(key, ',')
			}
			if err := guard.Seen(string(key)); err != nil {
				yield(nil, err)
				return
			}
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
			skip += len(items)
			switch {
			case len(items) == 0:
				return
			case total > 0:
				if skip >= total {
					return
				}
			case len(items) < size:
				return
			}
		}
	}
}

// MaxPages is the most pages an iterator reads before it stops with an error.
const MaxPages = core.MaxPages

// GetCase reads a case: GET /v1/actionmanagement/hubs/{hubID}/cases/{caseID}.
func (c *Client) GetCase(ctx context.Context, hubID, caseID int64) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := positive("hubID", hubID); err != nil {
		return nil, err
	}
	if err := positive("caseID", caseID); err != nil {
		return nil, err
	}
	return core.Call(ctx, c.core, &core.Request{Method: http.MethodGet, Path: casePath(hubID, caseID)}, func(body []byte) (*Case, error) {
		return decodeCaseOf(body, caseID)
	})
}

// UpdateCase writes the whole case: PUT /v1/actionmanagement/hubs/{hubID}/cases/{cs.ID},
// and returns the case the server answers with. The server keeps the last
// write and offers no version check: a writer outside this client that
// writes between your read and this write loses its change, or you lose
// yours. AssignUser and UnassignUser serialize their own read-modify-writes.
func (c *Client) UpdateCase(ctx context.Context, hubID int64, cs *Case) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := positive("hubID", hubID); err != nil {
		return nil, err
	}
	if cs == nil {
		return nil, invalid("cs", "a case is required")
	}
	if err := positive("cs.ID", cs.ID); err != nil {
		return nil, err
	}
	for i, r := range cs.Roles {
		for j, u := range r.Users {
			if err := positive(fmt.Sprintf("cs.Roles[%d].Users[%d].ID", i, j), u.ID); err != nil {
				return nil, err
			}
		}
	}
	body, err := cs.appendJSON(nil) // not json.Marshal: it would re-validate the output
	if err != nil {
		return nil, invalid("cs", err.Error())
	}
	id := cs.ID
	return core.Call(ctx, c.core, &core.Request{Method: http.MethodPut, Path: casePath(hubID, id), Body: body}, func(body []byte) (*Case, error) {
		return decodeCaseOf(body, id)
	})
}

// decodeCaseOf decodes the answer of a read or write of case id: another
// case (or one without an id) is not the answer, and a case read that way
// must not be written back over the case asked for.
func decodeCaseOf(body []byte, id int64) (*Case, error) {
	cs, err := decodeCaseBody(body)
	if err == nil && cs.ID != id {
		return nil, fmt.Errorf("asked for case %d, the server answered case %d", id, cs.ID)
	}
	return cs, err
}

// AssignUser adds a user (from the program's End User List; only active
// users are accepted) to a role of a case: it reads the case, adds the user
// to the role and writes the case back, in one step. When the user is
// already in the role no PUT is sent and the case as read is returned. A
// role the case lacks is an error matching ErrNotFound, and nothing is
// written.
//
// Calls on the same case through one Client never interleave, so none of
// their changes is lost; calls on different cases run in parallel. Writers
// outside this Client can still race with it: the API has no version check.
func (c *Client) AssignUser(ctx context.Context, hubID, caseID int64, m RoleMember) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	return c.changeRole(ctx, hubID, caseID, m.RoleID, m.UserID, true)
}

// RoleMember names a user in a case role: what AssignUser and UnassignUser
// set or clear on the case that hubID and caseID locate.
type RoleMember struct {
	RoleID int64 // the case role's id (ListRoles)
	UserID int64 // an end user's id (QueryEndUsers); only active users can be assigned
}

// UnassignUser removes a user from a role of a case, like AssignUser in
// reverse. When the user is not in the role no PUT is sent.
func (c *Client) UnassignUser(ctx context.Context, hubID, caseID int64, m RoleMember) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	return c.changeRole(ctx, hubID, caseID, m.RoleID, m.UserID, false)
}

func (c *Client) changeRole(ctx context.Context, hubID, caseID, roleID, userID int64, add bool) (*Case, error) {
	if err := positives(idArg{"hubID", hubID}, idArg{"caseID", caseID}, idArg{"roleID", roleID}, idArg{"userID", userID}); err != nil {
		return nil, err
	}
	return c.modify(ctx, hubID, caseID, func(cs *Case) (bool, error) {
		role, err := roleOf(cs, roleID)
		if err != nil {
			return false, err
		}
		if !add {
			return role.removeUser(userID), nil
		}
		if role.HasUser(userID) {
			return false, nil
		}
		role.Users = append(role.Users, RoleUser{ID: userID})
		return true, nil
	})
}

type caseKey struct{ hub, id int64 }

// caseLocks serializes read-modify-writes per case. An entry lives only
// while someone holds or waits for it, so the map does not grow with the
// number of cases ever touched.
type caseLocks struct {
	mu sync.Mutex
	m  map[caseKey]*caseLock
}

type caseLock struct {
	key  caseKey
	ch   chan struct{} // a one-slot semaphore, so waiting can honour ctx
	refs int           // callers holding or waiting for the lock; guarded by caseLocks.mu
	// changer is the goroutine running a caller's ModifyCase change
	// function under this lock, 0 when none.
	changer atomic.Uint64
}

func (l *caseLocks) lock(ctx context.Context, k caseKey) (*caseLock, error) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[caseKey]*caseLock{}
	}
	e := l.m[k]
	if e == nil {
		e = &caseLock{key: k, ch: make(chan struct{}, 1)}
		l.m[k] = e
	}
	e.refs++
	l.mu.Unlock()
	select {
	case e.ch <- struct{}{}:
		return e, nil
	default:
	}
	if g := e.changer.Load(); g != 0 && (g == goroutineID() || g == callerOf(ctx)) {
		l.release(e)
		return nil, ErrReentrant
	}
	select {
	case e.ch <- struct{}{}:
		return e, nil
	case <-ctx.Done():
		l.release(e)
		return nil, ctx.Err()
	}
}

// callerOf returns the goroutine that made the bulk call ctx belongs to,
// 0 outside one.
func callerOf(ctx context.Context) uint64 {
	g, _ := ctx.Value(callerKey{}).(uint64)
	return g
}

// goroutineID returns the id of the calling goroutine, from the first line
// of its stack trace ("goroutine 18 [running]:"). Go exposes no other way;
// it is read only where a caller's function runs under a case lock, and
// where a lock is found taken.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b, _ = bytes.CutPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

// unlock releases a lock lock returned.
func (l *caseLocks) unlock(e *caseLock) {
	<-e.ch
	l.release(e)
}

// release drops one reference to e, and its entry with the last one.
func (l *caseLocks) release(e *caseLock) {
	l.mu.Lock()
	e.refs--
	if e.refs == 0 {
		delete(l.m, e.key)
	}
	l.mu.Unlock()
}

// lockedCases reports how many cases have a lock entry (for tests).
func (l *caseLocks) lockedCases() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

// decodeCaseBody decodes a case answer. It calls Case.UnmarshalJSON
// directly: going through json.Unmarshal would validate the body once more
// before handing it over.
func decodeCaseBody(body []byte) (*Case, error) {
	var cs Case
	if err := cs.UnmarshalJSON(body); err != nil {
		return nil, err
	}
	return &cs, nil
}

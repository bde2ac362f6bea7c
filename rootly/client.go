package rootly

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/caseassign/caseassign/internal/core"
	"github.com/google/go-querystring/query"
)

// The shared surface of the package (error types, bulk options, common
// options and Client methods) is generated from internal/gen.
//go:generate go run ../internal/gen -pkg rootly -kind public -o public.go

const pkg = "rootly"

// DefaultBaseURL is Rootly's API origin.
const DefaultBaseURL = "https://api.rootly.com"

// MediaType is the JSON:API media type of requests and answers.
const MediaType = "application/vnd.api+json"

// Client calls the Rootly API. It is safe for concurrent use.
type Client struct {
	core  *core.Client
	cache *lookupCache
}

// Option configures a Client.
type Option func(*options)

type options struct {
	core     core.Options
	cacheTTL time.Duration
}

// WithLookupCacheTTL sets how long AssignRoleByEmail remembers a resolved
// user or role (default 5 minutes); 0 or less disables the cache.
func WithLookupCacheTTL(d time.Duration) Option { return func(o *options) { o.cacheTTL = d } }

// DefaultLookupCacheTTL is how long AssignRoleByEmail remembers a lookup.
const DefaultLookupCacheTTL = 5 * time.Minute

// NewClient returns a client that authenticates with an API token as
// "Authorization: Bearer <token>". It makes no network call.
func NewClient(token string, opts ...Option) (*Client, error) {
	if err := core.CheckCredential(pkg, "token", token); err != nil {
		return nil, public(err)
	}
	token = strings.TrimSpace(token)
	o := options{cacheTTL: DefaultLookupCacheTTL}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	auth := []string{"Bearer " + token}
	c, err := core.New(core.Spec{
		APIPrefixes:    []string{"/v1"},
		Package:        pkg,
		DefaultBaseURL: DefaultBaseURL,
		Auth: func(r *http.Request) error {
			r.Header["Authorization"] = auth
			return nil
		},
		Secrets:     []string{token},
		DecodeError: decodeError,
		Public:      public,
	}, o.core)
	if err != nil {
		return nil, public(err)
	}
	return &Client{core: c, cache: newLookupCache(o.cacheTTL)}, nil
}

// request builds a JSON:API request.
func request(method, path, query string, body []byte) *core.Request {
	r := &core.Request{Method: method, Path: path, Query: query, Body: body, Accept: MediaType}
	if body != nil {
		r.ContentType = MediaType
	}
	return r
}

// AssignRoleToUser puts a user in an incident role:
// POST /v1/incidents/{id}/assign_role_to_user. It returns the incident with
// its role assignments.
func (c *Client) AssignRoleToUser(ctx context.Context, incidentID string, req AssignRoleRequest) (*Incident, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	return c.changeRole(ctx, "assign_role_to_user", http.MethodPost, incidentID, req)
}

// UnassignRoleFromUser takes a user out of an incident role:
// DELETE /v1/incidents/{id}/unassign_role_from_user, with the same document
// body as AssignRoleToUser.
func (c *Client) UnassignRoleFromUser(ctx context.Context, incidentID string, req AssignRoleRequest) (*Incident, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	return c.changeRole(ctx, "unassign_role_from_user", http.MethodDelete, incidentID, req)
}

func (c *Client) changeRole(ctx context.Context, op, method, incidentID string, req AssignRoleRequest) (*Incident, error) {
	incidentID, req.IncidentRoleID = core.LowerUUID(incidentID), core.LowerUUID(req.IncidentRoleID)
	if err := validateIncidentID("incidentID", incidentID); err != nil {
		return nil, err
	}
	if err := req.validate(""); err != nil {
		return nil, err
	}
	return c.sendRole(ctx, op, method, incidentID, req)
}

func (c *Client) sendRole(ctx context.Context, op, method, incidentID string, req AssignRoleRequest) (*Incident, error) {
	path, err := core.Path("/v1/incidents", incidentID, op)
	if err != nil {
		return nil, invalid("incidentID", err.Error())
	}
	body, err := encodeAssign(req)
	if err != nil {
		return nil, invalid("req", err.Error())
	}
	assign := op == "assign_role_to_user"
	return core.Call(ctx, c.core, request(method, path, "", body), func(b []byte) (*Incident, error) {
		inc, err := decodeIncidentOf(b, incidentID)
		if err != nil {
			return nil, err
		}
		if !showsChange(inc, req, assign) {
			return nil, fmt.Errorf("the answer does not show user %s %s role %s: %w", req.UserID,
				map[bool]string{true: "in", false: "out of"}[assign], req.IncidentRoleID, ErrNotConfirmed)
		}
		return inc, nil
	})
}

// ErrNotConfirmed matches the error of an assignment or unassignment whose
// answer (the incident, with its role assignments) does not show the
// change: the server did not say it made it, so it is not reported as
// done. It also matches ErrUnexpectedResponse.
var ErrNotConfirmed = errors.New("rootly: the answer does not show the change")

// showsChange reports whether the incident an assignment answered with
// holds (assign) or no longer holds (unassign) the user in the role. An
// answer whose role assignments carry no role and user (not included) can
// tell neither, and is taken as it is.
func showsChange(inc *Incident, req AssignRoleRequest, assign bool) bool {
	held, known := false, false
	for _, ra := range inc.Roles {
		if ra.Role == nil || ra.User == nil {
			continue
		}
		known = true
		if strings.EqualFold(ra.Role.ID, req.IncidentRoleID) && ra.User.ID == req.UserID {
			held = true
		}
	}
	if assign {
		return held || (!known && len(inc.Roles) > 0)
	}
	return !held
}

// decodeIncidentOf decodes an incident document that must be about the
// incident id names (its UUID, or its slug): an answer about another
// incident, or none, is an error.
func decodeIncidentOf(body []byte, id string) (*Incident, error) {
	inc, err := decodeIncident(body)
	if err != nil {
		return nil, err
	}
	if !core.SameResource(inc.ID, inc.Slug, id) {
		return nil, fmt.Errorf("the answer is about incident %q, not %q", inc.ID, id)
	}
	return inc, nil
}

// GetIncident reads an incident with its role assignments:
// GET /v1/incidents/{id}?include=roles.
func (c *Client) GetIncident(ctx context.Context, incidentID string) (*Incident, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	incidentID = core.LowerUUID(incidentID)
	if err := validateIncidentID("incidentID", incidentID); err != nil {
		return nil, err
	}
	path, err := core.Path("/v1/incidents", incidentID)
	if err != nil {
		return nil, invalid("incidentID", err.Error())
	}
	return core.Call(ctx, c.core, request(http.MethodGet, path, "include=roles", nil), func(b []byte) (*Incident, error) {
		return decodeIncidentOf(b, incidentID)
	})
}

// ListIncidentRoles returns one page of incident roles: GET /v1/incident_roles
// with page[...] and filter[...] parameters. opts may be nil.
func (c *Client) ListIncidentRoles(ctx context.Context, opts *ListIncidentRolesOptions) (*IncidentRoleList, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &ListIncidentRolesOptions{}
	}
	if err := opts.ListOptions.validate(); err != nil {
		return nil, err
	}
	return list(ctx, c, "/v1/incident_roles", opts, decodeRoleList)
}

// ListUsers returns one page of users: GET /v1/users with page[...] and
// filter[...] parameters. opts may be nil.
func (c *Client) ListUsers(ctx context.Context, opts *ListUsersOptions) (*UserList, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &ListUsersOptions{}
	}
	if err := opts.ListOptions.validate(); err != nil {
		return nil, err
	}
	return list(ctx, c, "/v1/users", opts, decodeUserList)
}

// list reads one page of path with opts as its query.
func list[T any](ctx context.Context, c *Client, path string, opts any, decode func([]byte) (T, error)) (T, error) {
	v, err := query.Values(opts)
	if err != nil {
		var zero T
		return zero, invalid("opts", err.Error())
	}
	return core.Call(ctx, c.core, request(http.MethodGet, path, v.Encode(), nil), decode)
}

func (o ListOptions) validate() error {
	if o.PageNumber < 0 {
		return invalid("opts.PageNumber", "must not be negative")
	}
	if o.PageSize < 0 {
		return invalid("opts.PageSize", "must not be negative")
	}
	return nil
}

// AllIncidentRoles iterates over every incident role of every page. It
// copies opts, stops requesting when the loop stops, and pages by number:
// it reads the next page number from meta or from the next link but never
// requests a link itself, so no request can go to another host. A server
// that sends the same page twice, or more than MaxPages pages, ends the
// iteration with an error matching ErrUnexpectedResponse.
func (c *Client) AllIncidentRoles(ctx context.Context, opts *ListIncidentRolesOptions) iter.Seq2[*IncidentRole, error] {
	return c.allIncidentRoles(ctx, opts, MaxPages)
}

func (c *Client) allIncidentRoles(ctx context.Context, opts *ListIncidentRolesOptions, maxPages int) iter.Seq2[*IncidentRole, error] {
	base := func(o *ListIncidentRolesOptions) *ListOptions { return &o.ListOptions }
	return pagesOf(opts, base, maxPages, func(r *IncidentRole) string { return r.ID }, func(o *ListIncidentRolesOptions) ([]*IncidentRole, Links, *ListMeta, error) {
		l, err := c.ListIncidentRoles(ctx, o)
		if err != nil {
			return nil, Links{}, nil, err
		}
		return l.Roles, l.Links, l.Meta, nil
	})
}

// AllUsers iterates over every user of every page, like AllIncidentRoles.
func (c *Client) AllUsers(ctx context.Context, opts *ListUsersOptions) iter.Seq2[*User, error] {
	return c.allUsers(ctx, opts, MaxPages)
}

func (c *Client) allUsers(ctx context.Context, opts *ListUsersOptions, maxPages int) iter.Seq2[*User, error] {
	base := func(o *ListUsersOptions) *ListOptions { return &o.ListOptions }
	return pagesOf(opts, base, maxPages, func(u *User) string { return u.ID }, func(o *ListUsersOptions) ([]*User, Links, *ListMeta, error) {
		l, err := c.ListUsers(ctx, o)
		if err != nil {
			return nil, Links{}, nil, err
		}
		return l.Users, l.Links, l.Meta, nil
	})
}

// MaxPages is the most pages an iterator reads before it stops with an error.
const MaxPages = core.MaxPages

// pagesOf pages with a copy of opts (the zero options when nil), whose
// page fields base returns, through list.
func pagesOf[O, T any](opts *O, base func(*O) *ListOptions, maxPages int, id func(T) string, list func(*O) ([]T, Links, *ListMeta, error)) iter.Seq2[T, error] {
	var o O
	if opts != nil {
		o = *opts
	}
	return pages(base(&o), nil, maxPages, id, func() ([]T, Links, *ListMeta, error) { return list(&o) })
}

// pages drives a paged list: fetch reads the page lo (and, for a list that
// pages by cursor, *after) points at. It goes on while the server says
// there is more: meta.next_page, meta.total_pages, the next link's
// page[number], or, where after is not nil, meta.next_cursor; a page with
// no item does not end the list by itself. Paging by cursor (after set by
// the caller, or the only way on the server offers) follows next_cursor
// alone. A page whose items (by id) are those of a page read before, a
// cursor seen before, or a page beyond maxPages ends the iteration with an
// error.
func pages[T any](lo *ListOptions, after *string, maxPages int, id func(T) string, fetch func() ([]T, Links, *ListMeta, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		byCursor := after != nil && *after != ""
		if lo.PageNumber == 0 && !byCursor {
			lo.PageNumber = 1
		}
		guard := core.NewPager(pkg, maxPages)
		var key strings.Builder
		for {
			cursor := ""
			if byCursor {
				cursor = "cursor:" + *after
			}
			if err := guard.Next(cursor); err != nil {
				yield(zero, err)
				return
			}
			items, links, meta, err := fetch()
			if err != nil {
				yield(zero, err)
				return
			}
			key.Reset()
			for _, it := range items {
				key.WriteString(id(it))
				key.WriteByte(0)
			}
			if err := guard.Seen(key.String()); err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if !byCursor {
				if next := nextPage(lo.PageNumber, links, meta); next > lo.PageNumber {
					lo.PageNumber = next
					continue
				}
			}
			if meta == nil || meta.NextCursor == "" {
				return
			}
			if after == nil {
				// More announced, by a cursor this list does not page by
				// (its operation has no page[after]): not an end.
				yield(zero, fmt.Errorf("%s: the server announces more items only by cursor (meta.next_cursor), which this list does not page by: %w", pkg, ErrUnexpectedResponse))
				return
			}
			*after, lo.PageNumber, byCursor = meta.NextCursor, 0, true
		}
	}
}

// nextPage returns the number of the next page, or 0 when there is none.
func nextPage(cur int, links Links, meta *ListMeta) int {
	if meta != nil && meta.NextPage != nil {
		return *meta.NextPage
	}
	if meta != nil && meta.TotalPages > 0 && links.Next == "" {
		if cur < meta.TotalPages {
			return cur + 1
		}
		return 0
	}
	if links.Next == "" {
		return 0
	}
	u, err := url.Parse(links.Next)
	if err != nil {
		return 0
	}
	if n, err := strconv.Atoi(u.Query().Get("page[number]")); err == nil {
		return n
	}
	return cur + 1
}

// AssignRoles makes many assignments through the shared bulk runner, with
// opts.Concurrency requests in flight (default 8), and returns one Outcome
// per item in input order. Every item is checked before anything is sent
// (an invalid one is a *ValidationError and no outcomes). Otherwise every
// outcome is returned, and the error is non-nil exactly when at least one
// item failed: a *BulkError that errors.Is and errors.As see through to
// each failure. When the context ends, the items not started fail with the
// context's error.
func (c *Client) AssignRoles(ctx context.Context, items []Assignment, opts BulkOptions) ([]Outcome, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	items = append([]Assignment(nil), items...) // normalized below; the caller's slice is not changed
	for i := range items {
		items[i].IncidentID = core.LowerUUID(items[i].IncidentID)
		items[i].IncidentRoleID = core.LowerUUID(items[i].IncidentRoleID)
	}
	for i, it := range items {
		field := "items[" + strconv.Itoa(i) + "]"
		if err := validateIncidentID(field+".IncidentID", it.IncidentID); err != nil {
			return nil, err
		}
		if err := it.validate(field + "."); err != nil {
			return nil, err
		}
	}
	out := make([]Outcome, len(items))
	errs := core.RunBulk(ctx, len(items), nil, opts.core(), func(ctx context.Context, i int) error {
		inc, err := c.sendRole(ctx, "assign_role_to_user", http.MethodPost, items[i].IncidentID, items[i].AssignRoleRequest)
		out[i].Incident = inc
		return err
	})
	for i, err := range errs {
		out[i].Assignment = items[i]
		out[i].Err = err
	}
	return out, bulkError(errs, nil, len(errs))
}

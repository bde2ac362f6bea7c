package rootly_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
	"github.com/google/jsonapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newServer(t testing.TB, opts ...rootly.Option) (*rootlytest.Server, *rootly.Client) {
	t.Helper()
	srv := rootlytest.NewServer()
	t.Cleanup(srv.Close)
	opts = append([]rootly.Option{rootly.WithBaseURL(srv.URL), rootly.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := rootly.NewClient(srv.Token, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

var seedReq = rootly.AssignRoleRequest{UserID: rootlytest.SeedUser, IncidentRoleID: rootlytest.SeedRole}

func TestWireFormat(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	req := rootly.AssignRoleRequest{UserID: "317", IncidentRoleID: rootlytest.CommanderRole}
	_, err := c.AssignRoleToUser(ctx, rootlytest.FirstExtraIncident, req)
	require.NoError(t, err)
	_, err = c.UnassignRoleFromUser(ctx, rootlytest.FirstExtraIncident, req)
	require.NoError(t, err)
	_, err = c.GetIncident(ctx, rootlytest.FirstExtraIncident)
	require.NoError(t, err)
	enabled := true
	_, err = c.ListIncidentRoles(ctx, &rootly.ListIncidentRolesOptions{ListOptions: rootly.ListOptions{PageNumber: 2, PageSize: 5}, Slug: "commander", Enabled: &enabled})
	require.NoError(t, err)
	_, err = c.ListUsers(ctx, &rootly.ListUsersOptions{Email: "a+b@example.com", Search: "x y"})
	require.NoError(t, err)

	reqs := srv.Requests()
	require.Len(t, reqs, 5)
	body := `{"data":{"type":"incidents","attributes":{"user_id":"317","incident_role_id":"` + rootlytest.CommanderRole + `"}}}`
	for i, want := range []struct {
		method, path string
		query        url.Values
		body         string
	}{
		{http.MethodPost, "/v1/incidents/" + rootlytest.FirstExtraIncident + "/assign_role_to_user", url.Values{}, body},
		{http.MethodDelete, "/v1/incidents/" + rootlytest.FirstExtraIncident + "/unassign_role_from_user", url.Values{}, body},
		{http.MethodGet, "/v1/incidents/" + rootlytest.FirstExtraIncident, url.Values{"include": {"roles"}}, ""},
		{http.MethodGet, "/v1/incident_roles", url.Values{"page[number]": {"2"}, "page[size]": {"5"}, "filter[slug]": {"commander"}, "filter[enabled]": {"true"}}, ""},
		{http.MethodGet, "/v1/users", url.Values{"filter[email]": {"a+b@example.com"}, "filter[search]": {"x y"}}, ""},
	} {
		r := reqs[i]
		assert.Equal(t, want.method, r.Method)
		assert.Equal(t, want.path, r.RawPath)
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		assert.Equal(t, want.query, q)
		assert.Equal(t, "Bearer "+rootlytest.Token, r.Header.Get("Authorization"))
		assert.Equal(t, rootly.MediaType, r.Header.Get("Accept"))
		if want.body != "" {
			assert.Equal(t, rootly.MediaType, r.Header.Get("Content-Type"))
			assert.JSONEq(t, want.body, string(r.Body))
			var doc map[string]map[string]any
			require.NoError(t, json.Unmarshal(r.Body, &doc))
			assert.NotContains(t, doc["data"], "id", "the request document has no id")
		} else {
			assert.Empty(t, r.Body)
		}
	}
}

func TestSeedResponseDecoded(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	inc, err := c.AssignRoleToUser(context.Background(), rootlytest.SeedIncident, seedReq)
	require.NoError(t, err)
	ts := func(s string) time.Time { v, err := time.Parse(time.RFC3339Nano, s); require.NoError(t, err); return v }

	assert.Equal(t, rootlytest.SeedIncident, inc.ID)
	assert.Equal(t, int64(1), inc.SequentialID)
	assert.Equal(t, "Consequatur et corrupti voluptatem.", inc.Title)
	assert.Equal(t, "consequatur-et-corrupti-voluptatem", inc.Slug)
	assert.Equal(t, "normal", inc.Kind)
	assert.False(t, inc.Private)
	assert.Equal(t, "Reprehenderit facilis quisquam. Laborum nostrum eius. Laudantium nobis voluptatem.", inc.Summary)
	assert.Equal(t, "started", inc.Status)
	assert.Equal(t, "web", inc.Source)
	assert.Equal(t, "http://localhost:3001/account/incidents/1-consequatur-et-corrupti-voluptatem", inc.URL)
	assert.Empty(t, inc.ShortURL, "null")
	assert.Empty(t, inc.ParentIncidentID, "null")
	assert.Equal(t, "not_started", inc.RetrospectiveProgressStatus)
	assert.Equal(t, map[string]any{}, inc.Labels)
	assert.Empty(t, inc.SlackChannelID)

	require.NotNil(t, inc.User)
	assert.Equal(t, "317", inc.User.ID)
	assert.Equal(t, "Mario Casper", inc.User.Name)
	assert.Equal(t, "emmett.daugherty@wehner-turner.test", inc.User.Email)
	assert.Equal(t, "[Goyette Group] Mario Casper", inc.User.FullNameWithTeam)
	assert.Equal(t, "UTC", inc.User.TimeZone)
	assert.Empty(t, inc.User.Phone)
	assert.True(t, ts("2025-03-20T17:52:08.905-07:00").Equal(inc.User.UpdatedAt), "fractional seconds and offset")
	assert.Equal(t, 905*time.Millisecond, time.Duration(inc.User.UpdatedAt.Nanosecond()))
	require.NotNil(t, inc.StartedBy)
	assert.Equal(t, "317", inc.StartedBy.ID)
	assert.Nil(t, inc.InTriageBy)
	assert.Nil(t, inc.MitigatedBy)
	assert.Nil(t, inc.ResolvedBy)
	assert.Nil(t, inc.ClosedBy)
	assert.Nil(t, inc.CancelledBy)

	require.NotNil(t, inc.Severity)
	assert.Equal(t, rootly.Severity{ID: "6344d06c-4222-4861-bde2-64981566abfe", Name: "9o4cg", Slug: "9o4cg", Description: "Quas quisquam aliquam qui.",
		Severity: "medium", Color: "#E58A1F", Position: 1, CreatedAt: inc.Severity.CreatedAt, UpdatedAt: inc.Severity.UpdatedAt, Raw: inc.Severity.Raw}, *inc.Severity)
	assert.True(t, ts("2025-03-20T17:52:08.866-07:00").Equal(inc.Severity.CreatedAt))

	require.NotNil(t, inc.StartedAt)
	assert.True(t, ts("2025-03-20T17:52:08.874-07:00").Equal(*inc.StartedAt))
	assert.Nil(t, inc.DetectedAt)
	assert.Nil(t, inc.MitigatedAt)
	assert.Nil(t, inc.ScheduledFor)
	assert.True(t, ts("2025-03-20T17:52:31.016-07:00").Equal(inc.UpdatedAt))

	require.Len(t, inc.Roles, 1)
	ra := inc.Roles[0]
	assert.Equal(t, rootlytest.SeedAssignment, ra.ID)
	require.NotNil(t, ra.Role)
	assert.Equal(t, rootlytest.SeedRole, ra.Role.ID)
	assert.Equal(t, rootlytest.SeedRoleSlug, ra.Role.Slug)
	assert.Equal(t, "Error accusantium eligendi esse.", ra.Role.Name)
	assert.Equal(t, 1, ra.Role.Position)
	assert.True(t, ra.Role.Enabled)
	assert.False(t, ra.Role.Optional)
	assert.False(t, ra.Role.AllowMultiUserAssignment)
	assert.Empty(t, ra.Role.Summary)
	assert.True(t, ts("2025-03-20T17:52:10.802-07:00").Equal(ra.Role.CreatedAt))
	require.NotNil(t, ra.User)
	assert.Equal(t, rootlytest.SeedUser, ra.User.ID)
	assert.Equal(t, "Merlene Hoppe", ra.User.Name)
	assert.Equal(t, rootlytest.SeedUserEmail, ra.User.Email)

	// Raw keeps every resource object exactly as sent: nothing is lost.
	var doc struct {
		Data struct {
			Attributes struct {
				User, Severity struct {
					Data json.RawMessage `json:"data"`
				}
			} `json:"attributes"`
		} `json:"data"`
		Included []struct {
			Attributes struct {
				IncidentRole, User struct {
					Data json.RawMessage `json:"data"`
				} `json:"-"`
			} `json:"attributes"`
		} `json:"included"`
	}
	var whole struct {
		Data     json.RawMessage   `json:"data"`
		Included []json.RawMessage `json:"included"`
	}
	require.NoError(t, json.Unmarshal(rootlytest.SeedAssignResponse, &whole))
	require.NoError(t, json.Unmarshal(rootlytest.SeedAssignResponse, &doc))
	assert.Equal(t, string(whole.Data), string(inc.Raw), "byte for byte")
	assert.Equal(t, string(doc.Data.Attributes.User.Data), string(inc.User.Raw))
	assert.Equal(t, string(doc.Data.Attributes.Severity.Data), string(inc.Severity.Raw))
	require.Len(t, whole.Included, 1)
	assert.Equal(t, string(whole.Included[0]), string(ra.Raw))
	var assignment struct {
		Attributes struct {
			IncidentRole struct {
				Data json.RawMessage `json:"data"`
			} `json:"incident_role"`
			User struct {
				Data json.RawMessage `json:"data"`
			} `json:"user"`
		} `json:"attributes"`
	}
	require.NoError(t, json.Unmarshal(whole.Included[0], &assignment))
	assert.Equal(t, string(assignment.Attributes.IncidentRole.Data), string(ra.Role.Raw))
	assert.Equal(t, string(assignment.Attributes.User.Data), string(ra.User.Raw))
	var attrs map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(rawAttributes(t, inc.Raw), &attrs))
	assert.Greater(t, len(attrs), 40, "every attribute the server sent is in Raw, typed or not")
}

// rawAttributes returns the attributes member of a resource object.
func rawAttributes(t *testing.T, raw json.RawMessage) []byte {
	t.Helper()
	var r struct {
		Attributes json.RawMessage `json:"attributes"`
	}
	require.NoError(t, json.Unmarshal(raw, &r))
	return r.Attributes
}

func TestNullAbsentAndUnknownAttributes(t *testing.T) {
	t.Parallel()
	absent := `{"data":{"id":"i1","type":"incidents","attributes":{"title":"t"}}}`
	null := `{"data":{"id":"i1","type":"incidents","attributes":{"title":"t","summary":null,"user":null,"severity":null,"started_at":null,"labels":null,"sequential_id":null,"brand_new":{"x":1}},"relationships":{"roles":{"data":null}}}}`
	for _, doc := range []string{absent, null} {
		inc, err := rootly.DecodeIncident([]byte(doc))
		require.NoError(t, err, doc)
		assert.Equal(t, "t", inc.Title)
		assert.Empty(t, inc.Summary)
		assert.Nil(t, inc.User)
		assert.Nil(t, inc.Severity)
		assert.Nil(t, inc.StartedAt)
		assert.Zero(t, inc.SequentialID)
		assert.Empty(t, inc.Roles)
	}
	inc, err := rootly.DecodeIncident([]byte(`{"data":{"id":"i","type":"incidents","attributes":{"labels":{"platform":"osx","version":1.29}},
		"relationships":{"roles":{"data":[{"id":"r1","type":"incident_role_assignments"},{"id":"r2","type":"incident_role_assignments"}]}}},
		"included":[{"id":"r2","type":"incident_role_assignments","attributes":{"incident_role":{"data":null},"user":{"data":{"id":"9","type":"users","attributes":{"email":"a@b.c"}}}}},
		{"id":"zz","type":"something_else","attributes":{}}]}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"platform": "osx", "version": 1.29}, inc.Labels)
	require.Len(t, inc.Roles, 2)
	assert.Equal(t, &rootly.RoleAssignment{ID: "r1"}, inc.Roles[0], "a referenced assignment that was not included keeps its id")
	assert.Nil(t, inc.Roles[1].Role)
	assert.Equal(t, "a@b.c", inc.Roles[1].User.Email)
}

func TestTypeMismatchReportedClearly(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		doc, where, want, got string
	}{
		{`{"data":{"id":"1","type":"users","attributes":{}}}`, "data", "incidents", "users"},
		{`{"data":{"id":"1","type":"incidents","attributes":{"user":{"data":{"id":"2","type":"teams"}}}}}`, "user", "users", "teams"},
		{`{"data":{"id":"1","type":"incidents","attributes":{"severity":{"data":{"id":"2","type":"users"}}}}}`, "severity", "severities", "users"},
		{`{"data":{"id":"1","type":"incidents","attributes":{},"relationships":{"roles":{"data":[{"id":"x","type":"users"}]}}}}`, "roles relationship", "incident_role_assignments", "users"},
	} {
		srv, c := newServer(t)
		srv.Inject(rootlytest.Fault{Status: 200, Body: tt.doc, ContentType: rootly.MediaType})
		_, err := c.GetIncident(context.Background(), "1")
		require.ErrorIs(t, err, rootly.ErrUnexpectedResponse)
		var tm *rootly.TypeMismatchError
		require.ErrorAs(t, err, &tm, tt.doc)
		assert.Equal(t, rootly.TypeMismatchError{Where: tt.where, Want: tt.want, Got: tt.got}, *tm)
		assert.Contains(t, err.Error(), `want "`+tt.want+`", got "`+tt.got+`"`)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	_, err := c.GetIncident(ctx, "no-such-incident")
	var ae *rootly.APIError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, rootly.ErrNotFound)
	assert.Equal(t, "Not found or unauthorized", ae.Message)

	_, err = c.AssignRoleToUser(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleRequest{UserID: "9999", IncidentRoleID: rootlytest.CommanderRole})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusUnprocessableEntity, ae.StatusCode)
	assert.Equal(t, "Validation failed: User 9999 does not exist", ae.Message)
	assert.Equal(t, "invalid_user", ae.Code)

	srv.Inject(rootlytest.Fault{Status: 422, Body: `{"errors":[{"title":"First","status":"422","code":"c1","detail":"d1"},{"title":"Second","status":"422","code":null,"detail":null}]}`})
	_, err = c.GetIncident(ctx, rootlytest.SeedIncident)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "First: d1", ae.Message, "the title and the vendor's detail")
	assert.Contains(t, err.Error(), "First: d1")
	assert.Contains(t, err.Error(), "1 more error objects")
	assert.Equal(t, "c1", ae.Code)
	var objs rootly.ErrorObjects
	require.ErrorAs(t, err, &objs)
	assert.Equal(t, rootly.ErrorObjects{{Title: "First", Status: "422", Code: "c1", Detail: "d1"}, {Title: "Second", Status: "422"}}, objs)

	srv.Inject(rootlytest.Fault{Status: 422, Body: `{"name":["can't be blank","is too short"],"user_id":["can't be blank"]}`})
	_, err = c.GetIncident(ctx, rootlytest.SeedIncident)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "name can't be blank; name is too short; user_id can't be blank", ae.Message)
	require.ErrorAs(t, err, &objs)
	assert.Len(t, objs, 3)

	bad, err := rootly.NewClient("wrong-token", rootly.WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer bad.CloseIdleConnections()
	_, err = bad.GetIncident(ctx, rootlytest.SeedIncident)
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, rootly.ErrUnauthorized)
	assert.Equal(t, "Invalid token", ae.Message)
	assert.NotContains(t, err.Error(), "wrong-token")
}

func TestSingleUserRoleReplacesHolder(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	inc := rootlytest.FirstExtraIncident
	for _, u := range []string{"318", "319"} {
		_, err := c.AssignRoleToUser(ctx, inc, rootly.AssignRoleRequest{UserID: u, IncidentRoleID: rootlytest.CommanderRole})
		require.NoError(t, err)
		_, err = c.AssignRoleToUser(ctx, inc, rootly.AssignRoleRequest{UserID: u, IncidentRoleID: rootlytest.ScribeRole})
		require.NoError(t, err)
	}
	got, err := c.GetIncident(ctx, inc)
	require.NoError(t, err)
	holders := map[string][]string{}
	for _, ra := range got.Roles {
		holders[ra.Role.Slug] = append(holders[ra.Role.Slug], ra.User.ID)
	}
	assert.Equal(t, map[string][]string{"commander": {"319"}, "scribe": {"318", "319"}}, holders)
	assert.Len(t, srv.Assignments(inc), 3)

	_, err = c.UnassignRoleFromUser(ctx, inc, rootly.AssignRoleRequest{UserID: "318", IncidentRoleID: rootlytest.ScribeRole})
	require.NoError(t, err)
	assert.Len(t, srv.Assignments(inc), 2)
}

func TestPaging(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	opts := &rootly.ListUsersOptions{ListOptions: rootly.ListOptions{PageSize: 10}}
	var ids []string
	for u, err := range c.AllUsers(ctx, opts) {
		require.NoError(t, err)
		ids = append(ids, u.ID)
	}
	assert.Len(t, ids, 45)
	assert.Len(t, srv.Requests(), 5)
	assert.Equal(t, 0, opts.PageNumber, "the caller's options are not changed")

	page, err := c.ListUsers(ctx, &rootly.ListUsersOptions{ListOptions: rootly.ListOptions{PageNumber: 2, PageSize: 10}})
	require.NoError(t, err)
	assert.Contains(t, page.Links.Next, "page%5Bnumber%5D=3")
	assert.Contains(t, page.Links.Prev, "page%5Bnumber%5D=1")
	require.NotNil(t, page.Meta)
	assert.Equal(t, 2, page.Meta.CurrentPage)
	assert.Equal(t, 45, page.Meta.TotalCount)
	assert.Equal(t, 5, page.Meta.TotalPages)
	require.NotNil(t, page.Meta.NextPage)
	assert.Equal(t, 3, *page.Meta.NextPage)

	last, err := c.ListUsers(ctx, &rootly.ListUsersOptions{ListOptions: rootly.ListOptions{PageNumber: 5, PageSize: 10}})
	require.NoError(t, err)
	assert.Empty(t, last.Links.Next, "null next link")
	assert.Nil(t, last.Meta.NextPage)

	srv.ResetRequests()
	n := 0
	for _, err := range c.AllIncidentRoles(ctx, &rootly.ListIncidentRolesOptions{ListOptions: rootly.ListOptions{PageSize: 4}}) {
		require.NoError(t, err)
		if n++; n == 5 {
			break
		}
	}
	assert.Len(t, srv.Requests(), 2, "no page is requested after the loop stops")
}

func TestIteratorNeverFollowsLinksToAnotherHost(t *testing.T) {
	t.Parallel()
	other := rootlytest.NewServer()
	defer other.Close()
	srv, c := newServer(t)
	srv.SetLinkBase(other.URL)
	n := 0
	for _, err := range c.AllIncidentRoles(context.Background(), &rootly.ListIncidentRolesOptions{ListOptions: rootly.ListOptions{PageSize: 7}}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 30, n)
	assert.Len(t, srv.Requests(), 5)
	assert.Empty(t, other.Requests(), "the host named in the links got nothing")
}

func TestNextPage(t *testing.T) {
	t.Parallel()
	three, none := 3, (*int)(nil)
	assert.Equal(t, 3, rootly.NextPage(2, rootly.Links{}, &rootly.ListMeta{NextPage: &three}))
	assert.Equal(t, 0, rootly.NextPage(2, rootly.Links{}, &rootly.ListMeta{NextPage: none, TotalPages: 2}))
	assert.Equal(t, 3, rootly.NextPage(2, rootly.Links{}, &rootly.ListMeta{TotalPages: 4}))
	assert.Equal(t, 7, rootly.NextPage(2, rootly.Links{Next: "https://evil.example.com/v1/users?page%5Bnumber%5D=7"}, nil), "only the number is read from a link")
	assert.Equal(t, 3, rootly.NextPage(2, rootly.Links{Next: "https://api.rootly.com/v1/users?cursor=abc"}, nil))
	assert.Equal(t, 0, rootly.NextPage(2, rootly.Links{}, nil))
}

func TestAssignRoleByEmail(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	inc, err := c.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleByEmailRequest{Email: "RESPONDER340@Example.com", RoleSlug: "specialist-1"})
	require.NoError(t, err)
	require.Len(t, inc.Roles, 1)
	assert.Equal(t, "340", inc.Roles[0].User.ID)
	assert.Equal(t, "specialist-1", inc.Roles[0].Role.Slug, "exact slug, though the filter also matched specialist-10..19")

	srv.ResetRequests()
	_, err = c.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleByEmailRequest{Email: "responder340@example.com", RoleSlug: "specialist-1"})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "both lookups came from the cache")
	assert.Equal(t, http.MethodPost, reqs[0].Method)

	srv.ResetRequests()
	_, err = c.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleByEmailRequest{Email: "esponder340@example.com", RoleSlug: "commander"})
	assert.ErrorIs(t, err, rootly.ErrNotFound, "a partial e-mail match is not a match")
	assert.Contains(t, err.Error(), "esponder340@example.com")
	_, err = c.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleByEmailRequest{Email: rootlytest.CreatorEmail, RoleSlug: "no-such-role"})
	assert.ErrorIs(t, err, rootly.ErrNotFound)
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method, "nothing is assigned for an unknown e-mail or slug")
	}

	// A short lifetime sends the lookups again.
	srv2, short := newServer(t, rootly.WithLookupCacheTTL(time.Millisecond))
	_, err = short.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleByEmailRequest{Email: rootlytest.CreatorEmail, RoleSlug: "commander"})
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	srv2.ResetRequests()
	_, err = short.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleByEmailRequest{Email: rootlytest.CreatorEmail, RoleSlug: "commander"})
	require.NoError(t, err)
	assert.Len(t, srv2.Requests(), 3, "user lookup, role lookup, assignment")
}

// A role the account disabled is refused before the assignment is sent,
// with an error that says so; a role enabled again is found at once.
func TestAssignRoleByEmailRefusesADisabledRole(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	srv.AddRole(rootlytest.Role{ID: "0b6d3bd1-5f44-4b07-a8d3-6f5b0d3f6a11", Name: "Archivist", Slug: "archivist", Position: 90, Enabled: false})
	req := rootly.AssignRoleByEmailRequest{Email: rootlytest.CreatorEmail, RoleSlug: "archivist"}
	_, err := c.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, req)
	require.ErrorIs(t, err, rootly.ErrRoleDisabled)
	assert.ErrorContains(t, err, `"archivist" is disabled`)
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method, "nothing is assigned")
	}
	assert.Empty(t, srv.Assignments(rootlytest.FirstExtraIncident))

	srv.AddRole(rootlytest.Role{ID: "0b6d3bd1-5f44-4b07-a8d3-6f5b0d3f6a11", Name: "Archivist", Slug: "archivist", Position: 90, Enabled: true})
	_, err = c.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, req)
	require.NoError(t, err)
	assert.Len(t, srv.Assignments(rootlytest.FirstExtraIncident), 1)
}

func TestAssignRolesBulk(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddIncidents(30)
	items := make([]rootly.Assignment, len(ids))
	for i, id := range ids {
		user := "320"
		if i == 7 {
			user = "9999"
		}
		items[i] = rootly.Assignment{IncidentID: id, AssignRoleRequest: rootly.AssignRoleRequest{UserID: user, IncidentRoleID: rootlytest.CommanderRole}}
	}
	var mu sync.Mutex
	var progress []int
	out, err := c.AssignRoles(context.Background(), items, rootly.BulkOptions{Concurrency: 6, OnProgress: func(done, _ int) {
		mu.Lock()
		progress = append(progress, done)
		mu.Unlock()
	}})
	var be *rootly.BulkError
	require.ErrorAs(t, err, &be, "one failed item makes the call's error non-nil")
	assert.Equal(t, 1, be.Failed)
	assert.Equal(t, 30, be.Total)
	require.Len(t, out, 30)
	for i, o := range out {
		assert.Equal(t, items[i], o.Assignment)
		if i == 7 {
			assert.Error(t, o.Err)
			assert.Nil(t, o.Incident)
			continue
		}
		require.NoError(t, o.Err)
		assert.Equal(t, ids[i], o.Incident.ID)
		assert.Len(t, srv.Assignments(ids[i]), 1)
	}
	assert.Len(t, progress, 30)
	assert.Len(t, srv.Events(), 29)
}

func TestRateLimitHeadersHonoured(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, rootly.WithRetryWait(time.Millisecond, 20*time.Millisecond))
	srv.SetRateLimit(3.0/60, 3) // three requests, then one a minute
	ctx := context.Background()
	for range 3 {
		_, err := c.GetIncident(ctx, rootlytest.SeedIncident)
		require.NoError(t, err)
	}
	_, err := c.GetIncident(ctx, rootlytest.SeedIncident)
	require.ErrorIs(t, err, rootly.ErrRateLimited, "after Remaining: 0 with a reset beyond the max wait, the next call fails at once")
	var ae *rootly.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 0, ae.StatusCode, "not sent")
	assert.Greater(t, ae.RetryAfter, 50*time.Second, "the window's reset is reported, not slept")
	assert.Len(t, srv.Requests(), 3, "nothing sent into a used-up window")
}

func TestValidationSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	good := rootly.AssignRoleRequest{UserID: "317", IncidentRoleID: rootlytest.CommanderRole}
	tests := []struct {
		name, field, reason string
		call                func(c *rootly.Client) error
	}{
		{"empty incident", "incidentID", "", func(c *rootly.Client) error { _, err := c.AssignRoleToUser(ctx, "", good); return err }},
		{"space in incident", "incidentID", "", func(c *rootly.Client) error { _, err := c.AssignRoleToUser(ctx, "a b", good); return err }},
		{"newline in incident", "incidentID", "", func(c *rootly.Client) error { _, err := c.GetIncident(ctx, "a\nb"); return err }},
		{"dot-dot incident", "incidentID", "", func(c *rootly.Client) error { _, err := c.UnassignRoleFromUser(ctx, "..", good); return err }},
		{"empty user", "UserID", "", func(c *rootly.Client) error {
			_, err := c.AssignRoleToUser(ctx, "i", rootly.AssignRoleRequest{IncidentRoleID: rootlytest.CommanderRole})
			return err
		}},
		{"email as user", "UserID", "AssignRoleByEmail", func(c *rootly.Client) error {
			_, err := c.AssignRoleToUser(ctx, "i", rootly.AssignRoleRequest{UserID: "a@example.com", IncidentRoleID: rootlytest.CommanderRole})
			return err
		}},
		{"role not a UUID", "IncidentRoleID", "UUID", func(c *rootly.Client) error {
			_, err := c.AssignRoleToUser(ctx, "i", rootly.AssignRoleRequest{UserID: "1", IncidentRoleID: "commander"})
			return err
		}},
		{"bulk item", "items[1].IncidentRoleID", "", func(c *rootly.Client) error {
			_, err := c.AssignRoles(ctx, []rootly.Assignment{{IncidentID: "i", AssignRoleRequest: good}, {IncidentID: "i", AssignRoleRequest: rootly.AssignRoleRequest{UserID: "1"}}}, rootly.BulkOptions{})
			return err
		}},
		{"bulk incident", "items[0].IncidentID", "", func(c *rootly.Client) error {
			_, err := c.AssignRoles(ctx, []rootly.Assignment{{AssignRoleRequest: good}}, rootly.BulkOptions{})
			return err
		}},
		{"by email: email", "req.Email", "", func(c *rootly.Client) error {
			_, err := c.AssignRoleByEmail(ctx, "i", rootly.AssignRoleByEmailRequest{Email: "nobody", RoleSlug: "commander"})
			return err
		}},
		{"by email: slug", "req.RoleSlug", "", func(c *rootly.Client) error {
			_, err := c.AssignRoleByEmail(ctx, "i", rootly.AssignRoleByEmailRequest{Email: "a@b.c", RoleSlug: " "})
			return err
		}},
		{"negative page", "opts.PageNumber", "", func(c *rootly.Client) error {
			_, err := c.ListUsers(ctx, &rootly.ListUsersOptions{ListOptions: rootly.ListOptions{PageNumber: -1}})
			return err
		}},
		{"iterator", "opts.PageSize", "", func(c *rootly.Client) error {
			for _, err := range c.AllIncidentRoles(ctx, &rootly.ListIncidentRolesOptions{ListOptions: rootly.ListOptions{PageSize: -1}}) {
				return err
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			err := tt.call(c)
			require.ErrorIs(t, err, rootly.ErrInvalidInput)
			var ve *rootly.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Reason, tt.reason)
			assert.Empty(t, srv.Requests(), "nothing was sent")
		})
	}
	_, err := rootly.NewClient("")
	assert.ErrorIs(t, err, rootly.ErrInvalidInput)
	c, err := rootly.NewClient("tok")
	require.NoError(t, err)
	assert.Equal(t, "https://api.rootly.com", c.BaseURL())
}

func TestRetriedAssignAppliedOnce(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	srv.Inject(rootlytest.Fault{Method: http.MethodPost, DropAfterHandling: true}, rootlytest.Fault{Method: http.MethodPost, Status: 504})
	inc, err := c.AssignRoleToUser(context.Background(), rootlytest.FirstExtraIncident, rootly.AssignRoleRequest{UserID: "321", IncidentRoleID: rootlytest.ScribeRole})
	require.NoError(t, err)
	require.Len(t, inc.Roles, 1)
	assert.Len(t, srv.Events(), 1, "the replayed POST assigned once")
}

// jsonapiAssign is the request document as github.com/google/jsonapi
// models it: the oracle for the SDK's encoder.
type jsonapiAssign struct {
	ID             string `jsonapi:"primary,incidents"`
	UserID         string `jsonapi:"attr,user_id"`
	IncidentRoleID string `jsonapi:"attr,incident_role_id"`
}

func TestEncodeAssign(t *testing.T) {
	t.Parallel()
	for _, req := range []rootly.AssignRoleRequest{
		{UserID: "321", IncidentRoleID: rootlytest.ScribeRole},
		{UserID: `a"b`, IncidentRoleID: "r"},
		{UserID: "<tag>&\u2028\n", IncidentRoleID: "é\t"},
		{},
	} {
		got, err := rootly.EncodeAssign(req)
		require.NoError(t, err)
		var want bytes.Buffer
		require.NoError(t, jsonapi.MarshalPayload(&want, &jsonapiAssign{UserID: req.UserID, IncidentRoleID: req.IncidentRoleID}))
		assert.JSONEq(t, want.String(), string(got), "google/jsonapi writes the same document for %+v", req)
		assert.False(t, strings.HasSuffix(string(got), "\n"))
	}
	b, err := rootly.EncodeAssign(rootly.AssignRoleRequest{UserID: `a"b`, IncidentRoleID: "r"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"data":{"type":"incidents","attributes":{"user_id":"a\"b","incident_role_id":"r"}}}`, string(b))
}

func FuzzDecodeIncident(f *testing.F) {
	f.Add(rootlytest.SeedAssignResponse)
	f.Add([]byte(`{"data":{"id":"1","type":"incidents","attributes":{"user":{"data":null}},"relationships":{"roles":{"data":[{"id":"x","type":"incident_role_assignments"}]}}},"included":[{"id":"x","type":"incident_role_assignments","attributes":{"user":{"data":{"id":"1","type":"users"}}}}]}`))
	f.Add([]byte(`{"data":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inc, err := rootly.DecodeIncident(data)
		if err != nil {
			if inc != nil {
				t.Fatal("an error with an incident")
			}
			var tm *rootly.TypeMismatchError
			_ = errors.As(err, &tm)
			return
		}
		for _, ra := range inc.Roles {
			if ra == nil {
				t.Fatal("nil role assignment")
			}
		}
		// Raw is a slice of what was sent, and valid JSON when set.
		for _, raw := range [][]byte{inc.Raw} {
			if len(raw) > 0 && (!json.Valid(raw) || !bytes.Contains(data, raw)) {
				t.Fatalf("Raw is not a value of the document: %s", raw)
			}
		}
		if l, err := rootly.DecodeIncidentList([]byte(`{"data":[` + string(rawOrNull(inc.Raw)) + `]}`)); err == nil && len(l.Incidents) == 1 && l.Incidents[0].ID != inc.ID {
			t.Fatalf("the list decoder reads the same resource differently")
		}
	})
}

func rawOrNull(raw []byte) []byte {
	if len(raw) == 0 {
		return []byte("null")
	}
	return raw
}

func TestServerAddIncidentWhileServing(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv.AddIncidents(50)
		}()
	}
	for range 20 {
		_, err := c.GetIncident(context.Background(), rootlytest.FirstExtraIncident)
		require.NoError(t, err)
	}
	wg.Wait()
	assert.Len(t, srv.Assignments(rootlytest.FirstExtraIncident), 0)
}

// TestUpperCaseUUIDsAreSentLowerCased: incident and role UUIDs in upper
// case are accepted and sent lower-cased; a slug keeps its case.
func TestUpperCaseUUIDsAreSentLowerCased(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	up := strings.ToUpper(rootlytest.FirstExtraIncident)
	_, err := c.AssignRoleToUser(context.Background(), up, rootly.AssignRoleRequest{UserID: "318", IncidentRoleID: strings.ToUpper(rootlytest.ScribeRole)})
	require.NoError(t, err)
	inc, err := c.GetIncident(context.Background(), up)
	require.NoError(t, err)
	assert.Equal(t, rootlytest.FirstExtraIncident, inc.ID)
	items := []rootly.Assignment{{IncidentID: up, AssignRoleRequest: rootly.AssignRoleRequest{UserID: "319", IncidentRoleID: strings.ToUpper(rootlytest.ScribeRole)}}}
	_, err = c.AssignRoles(context.Background(), items, rootly.BulkOptions{})
	require.NoError(t, err)
	assert.Equal(t, up, items[0].IncidentID, "the caller's slice is unchanged")
	for _, r := range srv.Requests() {
		assert.NotContains(t, r.Path, up)
		assert.NotContains(t, string(r.Body), strings.ToUpper(rootlytest.ScribeRole))
	}
}

package rootly_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListIncidentsSendsTheSpecFilters(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	after := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	_, err := c.ListIncidents(context.Background(), &rootly.ListIncidentsOptions{
		ListOptions: rootly.ListOptions{PageNumber: 2, PageSize: 5},
		StatusMatch: rootly.Match{In: []string{"started", "mitigated"}}, Search: "checkout", Kind: "normal", UserID: "317", Severity: "sev1",
		ServiceIDs: []string{"svc-1", "svc-2"}, TeamNames: []string{"Payments"}, CreatedAt: rootly.TimeRange{Since: after},
		Private: rootly.Ptr(false), Include: []string{"roles", "services"}, Sort: "-created_at",
	})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/v1/incidents", reqs[0].Path)
	q, err := url.ParseQuery(reqs[0].RawQuery)
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"page[number]": {"2"}, "page[size]": {"5"},
		"filter[status][in]": {"started,mitigated"}, "filter[search]": {"checkout"}, "filter[kind]": {"normal"},
		"filter[user_id]": {"317"}, "filter[severity]": {"sev1"}, "filter[service_ids]": {"svc-1,svc-2"},
		"filter[team_names]": {"Payments"}, "filter[created_at][gte]": {"2025-03-01T00:00:00Z"}, "filter[private]": {"false"},
		"include": {"roles,services"}, "sort": {"-created_at"},
	}, q)

	_, err = c.ListIncidents(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, srv.Requests()[1].RawQuery, "nil options send no parameter")
}

func TestListAndAllIncidents(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	page, err := c.ListIncidents(context.Background(), &rootly.ListIncidentsOptions{Status: "resolved"})
	require.NoError(t, err)
	require.Len(t, page.Incidents, 4, "incidents 5, 10, 15 and 20 of the extras are resolved")
	for _, inc := range page.Incidents {
		assert.Equal(t, "resolved", inc.Status)
		require.NotNil(t, inc.User)
		assert.Equal(t, rootlytest.Creator, inc.User.ID)
		var raw struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal(inc.Raw, &raw))
		assert.Equal(t, inc.ID, raw.ID)
	}

	var ids []string
	for inc, err := range c.AllIncidents(context.Background(), &rootly.ListIncidentsOptions{ListOptions: rootly.ListOptions{PageSize: 4}}) {
		require.NoError(t, err)
		ids = append(ids, inc.ID)
	}
	assert.Len(t, ids, 21, "the seed and its 20 extras, over 6 pages")
	assert.Equal(t, rootlytest.SeedIncident, ids[0])
	assert.Len(t, srv.Requests(), 1+6)

	_, err = c.ListIncidents(context.Background(), &rootly.ListIncidentsOptions{ListOptions: rootly.ListOptions{PageSize: -1}})
	assert.ErrorIs(t, err, rootly.ErrInvalidInput)
}

func TestIncidentServicesAndTeamsAreTyped(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	body := `{"data":{"id":"i1","type":"incidents","attributes":{"title":"t","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z",
		"services":[{"data":{"id":"s1","type":"services","attributes":{"name":"Checkout","slug":"checkout","color":"#fff"}}}],
		"groups":[{"data":{"id":"g1","type":"groups","attributes":{"name":"Payments","slug":"payments"}}}],
		"custom_field":{"a":[1,2]}}}}`
	srv.Inject(rootlytest.Fault{Status: 200, Body: body, ContentType: rootly.MediaType})
	inc, err := c.GetIncident(context.Background(), "i1")
	require.NoError(t, err)
	require.Len(t, inc.Services, 1)
	assert.Equal(t, "Checkout", inc.Services[0].Name)
	assert.Equal(t, "checkout", inc.Services[0].Slug)
	assert.JSONEq(t, `{"id":"s1","type":"services","attributes":{"name":"Checkout","slug":"checkout","color":"#fff"}}`, string(inc.Services[0].Raw))
	require.Len(t, inc.Teams, 1)
	assert.Equal(t, "g1", inc.Teams[0].ID)
	assert.Equal(t, "Payments", inc.Teams[0].Name)
	assert.Contains(t, string(inc.Raw), `"custom_field":{"a":[1,2]}`, "an attribute the SDK does not type is in Raw")

	srv.Inject(rootlytest.Fault{Status: 200, ContentType: rootly.MediaType,
		Body: `{"data":{"id":"i1","type":"incidents","attributes":{"title":"t","services":[{"data":{"id":"s1","type":"teams","attributes":{}}}]}}}`})
	_, err = c.GetIncident(context.Background(), "i1")
	assert.ErrorIs(t, err, rootly.ErrUnexpectedResponse, "a service of the wrong type is refused")
}

func TestIncidentIDMayBeASlug(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	first, err := c.GetIncident(context.Background(), rootlytest.FirstExtraIncident)
	require.NoError(t, err)
	require.NotEmpty(t, first.Slug)
	bySlug, err := c.GetIncident(context.Background(), first.Slug)
	require.NoError(t, err)
	assert.Equal(t, first.ID, bySlug.ID)
	_, err = c.AssignRoleToUser(context.Background(), first.Slug, rootly.AssignRoleRequest{UserID: rootlytest.SeedUser, IncidentRoleID: rootlytest.CommanderRole})
	require.NoError(t, err)
	assert.Len(t, srv.Assignments(first.ID), 1)
	assert.Equal(t, "/v1/incidents/"+first.Slug+"/assign_role_to_user", srv.Requests()[2].RawPath)
}

func TestGetUserAndGetIncidentRole(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	u, err := c.GetUser(ctx, rootlytest.SeedUser)
	require.NoError(t, err)
	assert.Equal(t, rootlytest.SeedUserEmail, u.Email)
	assert.Contains(t, string(u.Raw), `"type":"users"`)
	me, err := c.GetUser(ctx, "me")
	require.NoError(t, err)
	assert.Equal(t, rootlytest.Creator, me.ID)
	role, err := c.GetIncidentRole(ctx, rootlytest.CommanderRole)
	require.NoError(t, err)
	assert.Equal(t, "commander", role.Slug)
	assert.Contains(t, string(role.Raw), `"type":"incident_roles"`)

	_, err = c.GetUser(ctx, "999999")
	assert.ErrorIs(t, err, rootly.ErrNotFound)
	n := len(srv.Requests())
	for _, bad := range []string{"", "..", "a b", "x\ny"} {
		_, err = c.GetUser(ctx, bad)
		assert.ErrorIs(t, err, rootly.ErrInvalidInput, bad)
		_, err = c.GetIncidentRole(ctx, bad)
		assert.ErrorIs(t, err, rootly.ErrInvalidInput, bad)
	}
	assert.Len(t, srv.Requests(), n, "nothing sent for an invalid id")
	srv.Inject(rootlytest.Fault{Status: 200, ContentType: rootly.MediaType, Body: `{"data":{"id":"1","type":"incident_roles","attributes":{}}}`})
	_, err = c.GetUser(ctx, "1")
	assert.ErrorIs(t, err, rootly.ErrUnexpectedResponse, "a user answer of another type is refused")
}

// Cursor paging: with PageAfter, AllIncidents follows meta.next_cursor
// (page[after]) to the end; a page the server reads by cursor has no page
// number, and the list does not end there.
func TestAllIncidentsPagesByCursor(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	first, err := c.ListIncidents(context.Background(), &rootly.ListIncidentsOptions{ListOptions: rootly.ListOptions{PageSize: 4}})
	require.NoError(t, err)
	require.NotNil(t, first.Meta)
	require.NotEmpty(t, first.Meta.NextCursor, "every page announces the next cursor")

	srv.ResetRequests()
	var ids []string
	for _, inc := range first.Incidents {
		ids = append(ids, inc.ID)
	}
	for inc, err := range c.AllIncidents(context.Background(), &rootly.ListIncidentsOptions{ListOptions: rootly.ListOptions{PageSize: 4}, PageAfter: first.Meta.NextCursor}) {
		require.NoError(t, err)
		ids = append(ids, inc.ID)
	}
	assert.Len(t, ids, 21, "the first page, then 5 pages by cursor")
	reqs := srv.Requests()
	require.Len(t, reqs, 5)
	for _, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		assert.NotEmpty(t, q.Get("page[after]"))
		assert.Empty(t, q.Get("page[number]"), "by cursor alone")
	}
}

// Odd servers that are still right: links as JSON:API link objects, an
// empty page that announces the next one, a list that goes on by cursor
// only. The iterators read every item, and end only when nothing more is
// announced.
func TestIteratorsFollowOddButValidPaging(t *testing.T) {
	t.Parallel()
	inc := func(id string) string {
		return `{"id":"` + id + `","type":"incidents","attributes":{"title":"t","status":"started","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z"},` +
			`"links":{"self":{"href":"https://api.rootly.com/v1/incidents/` + id + `","meta":{"x":1}}}}`
	}
	pages := map[string]string{
		// page 1: link objects everywhere, next by link object only.
		"page[number]=1": `{"data":[` + inc("a") + `],"links":{"self":{"href":"/v1/incidents?page%5Bnumber%5D=1"},"first":"/v1/incidents?page%5Bnumber%5D=1",` +
			`"prev":null,"next":{"href":"/v1/incidents?page%5Bnumber%5D=2","meta":{}},"last":null},"meta":{"total_count":3}}`,
		// page 2: empty, but next_page says there is more.
		"page[number]=2": `{"data":[],"links":{"self":"x","first":"x","prev":null,"next":null,"last":null},"meta":{"current_page":2,"next_page":3,"prev_page":1,"total_count":3,"total_pages":4}}`,
		// page 3: no next page by number, only a cursor.
		"page[number]=3": `{"data":[` + inc("b") + `],"links":{"self":"x","first":"x","prev":null,"next":null,"last":null},"meta":{"next_cursor":"c1","current_page":3,"next_page":null,"prev_page":2,"total_count":3,"total_pages":3}}`,
		"page[after]=c1": `{"data":[` + inc("c") + `],"links":{"self":"x","first":"x","prev":null,"next":null,"last":null},"meta":{"next_cursor":null,"current_page":null,"next_page":null,"prev_page":null,"total_count":3,"total_pages":3}}`,
	}
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		key := "page[number]=" + q.Get("page[number]")
		if a := q.Get("page[after]"); a != "" {
			key = "page[after]=" + a
		}
		got = append(got, key)
		body, ok := pages[key]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", rootlytest.MediaType)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	c, err := rootly.NewClient("tok-0123456789", rootly.WithBaseURL(srv.URL), rootly.WithRetryMax(0))
	require.NoError(t, err)
	var ids []string
	for inc, err := range c.AllIncidents(context.Background(), nil) {
		require.NoError(t, err)
		ids = append(ids, inc.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, ids)
	assert.Equal(t, []string{"page[number]=1", "page[number]=2", "page[number]=3", "page[after]=c1"}, got)

	page, err := c.ListIncidents(context.Background(), &rootly.ListIncidentsOptions{ListOptions: rootly.ListOptions{PageNumber: 1}})
	require.NoError(t, err)
	assert.Equal(t, "/v1/incidents?page%5Bnumber%5D=2", page.Links.Next, "a link object's href")
	assert.Equal(t, "/v1/incidents?page%5Bnumber%5D=1", page.Links.Self)
}

// A list answer without its data array is not an empty page.
func TestListAnswersWithoutDataAreErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"data":null,"links":{},"meta":{}}`, `{"links":{},"meta":{"next_page":2}}`} {
		srv, c := newServer(t)
		srv.Inject(rootlytest.Fault{Path: "/v1/*", Status: 200, Body: body, Times: 10})
		_, err := c.ListIncidents(context.Background(), nil)
		assert.ErrorIs(t, err, rootly.ErrUnexpectedResponse, body)
		_, err = c.ListUsers(context.Background(), nil)
		assert.ErrorIs(t, err, rootly.ErrUnexpectedResponse, body)
		_, err = c.ListIncidentRoles(context.Background(), nil)
		assert.ErrorIs(t, err, rootly.ErrUnexpectedResponse, body)
		for _, err := range c.AllIncidents(context.Background(), nil) {
			assert.ErrorIs(t, err, rootly.ErrUnexpectedResponse, body)
		}
	}
}

// manyRoles is an incident document with n role assignments, all included.
func manyRoles(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"data":{"id":"2f000000-0000-4000-8000-000000000001","type":"incidents","attributes":{"title":"t","status":"started","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z"},"relationships":{"roles":{"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"ra-%d","type":"incident_role_assignments"}`, i)
	}
	b.WriteString(`]}}},"included":[`)
	for i := n - 1; i >= 0; i-- { // in the reverse order: a scan from the start finds each late
		if i < n-1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"ra-%d","type":"incident_role_assignments","attributes":{"incident_role":{"data":{"id":"r%d","type":"incident_roles","attributes":{"name":"R","slug":"r"}}},"user":{"data":{"id":"%d","type":"users","attributes":{"name":"U","email":"u@example.com"}}}}}`, i, i, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// 30,000 role assignments and as many included resources (about 6 MB)
// resolve each assignment to its own included resource, through an index:
// the cost is linear in the document, not quadratic.
func TestManyRolesResolveThroughAnIndex(t *testing.T) {
	t.Parallel()
	inc, err := rootly.DecodeIncident(manyRoles(30000))
	require.NoError(t, err)
	require.Len(t, inc.Roles, 30000)
	for i, ra := range inc.Roles {
		require.NotNil(t, ra.User, i)
		require.Equal(t, strconv.Itoa(i), ra.User.ID)
	}
	found, indexed := rootly.IncludedLookups(30000)
	assert.Equal(t, 30000, found)
	assert.True(t, indexed)
	_, indexed = rootly.IncludedLookups(8)
	assert.False(t, indexed, "a few are scanned")
}

// A list that pages by number only (users, incident roles: no page[after]
// in the spec) whose page announces more by cursor alone ends with an
// error, never silently.
func TestCursorOnlyOnANumberedListIsAnError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", rootlytest.MediaType)
		_, _ = w.Write([]byte(`{"data":[{"id":"1","type":"users","attributes":{"name":"A","email":"a@example.com"}}],` +
			`"links":{"self":"x","first":"x","prev":null,"next":null,"last":null},"meta":{"next_cursor":"c2","current_page":1,"next_page":null,"prev_page":null,"total_count":2,"total_pages":1}}`))
	}))
	defer srv.Close()
	c, err := rootly.NewClient("tok-0123456789", rootly.WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	var users int
	var last error
	for u, err := range c.AllUsers(context.Background(), nil) {
		if err != nil {
			last = err
			break
		}
		users++
		_ = u
	}
	assert.Equal(t, 1, users)
	assert.ErrorIs(t, last, rootly.ErrUnexpectedResponse)
}

// Incident and incident role ids are a UUID or a slug (^[a-z0-9_-]+$), as
// the spec's path parameters say: anything else is refused before sending,
// with the forms that are accepted (and, for a number, where to look).
func TestIDsAreCheckedAgainstTheSpec(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	req := rootly.AssignRoleRequest{UserID: rootlytest.SeedUser, IncidentRoleID: rootlytest.SeedRole}
	for _, bad := range []string{"INC-123", "1-Checkout-Errors", "a+b", "a b", "a/b", "..", "ünïcode", "Checkout_errors", ""} {
		_, err := c.AssignRoleToUser(ctx, bad, req)
		assert.ErrorIs(t, err, rootly.ErrInvalidInput, bad)
		assert.ErrorContains(t, err, "UUID or its slug", bad)
		_, err = c.GetIncident(ctx, bad)
		assert.ErrorIs(t, err, rootly.ErrInvalidInput, bad)
		_, err = c.GetIncidentRole(ctx, bad)
		assert.ErrorIs(t, err, rootly.ErrInvalidInput, bad)
	}
	_, err := c.GetIncident(ctx, "INC-123")
	assert.ErrorContains(t, err, "SequentialID")
	for _, bad := range []string{"abc", "3-1", "a@example.com", ""} {
		_, err := c.GetUser(ctx, bad)
		assert.ErrorIs(t, err, rootly.ErrInvalidInput, bad)
	}
	assert.Empty(t, srv.Requests(), "nothing sent")
	for _, good := range []string{rootlytest.FirstExtraIncident, strings.ToUpper(rootlytest.FirstExtraIncident), "2-checkout-errors-1"} {
		_, err := c.GetIncident(ctx, good)
		assert.NoError(t, err, good)
	}
	_, err = c.GetIncidentRole(ctx, "commander")
	assert.NoError(t, err)
	_, err = c.GetUser(ctx, "me")
	assert.NoError(t, err)
}

// rootlytest applies every filter it accepts: each selects exactly the
// incidents it should (checked against the incidents' own decoded
// attributes), an empty result when nothing matches, and a 400 for a
// filter the list does not have.
func TestTestServerAppliesTheFilters(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	ctx := context.Background()
	base, err := time.Parse(time.RFC3339, "2025-03-20T17:52:08.420-07:00")
	require.NoError(t, err)
	names := func(inc *rootly.Incident, teams bool) []string {
		var out []string
		if teams {
			for _, t := range inc.Teams {
				out = append(out, t.Name)
			}
		} else {
			for _, s := range inc.Services {
				out = append(out, s.Name)
			}
		}
		return out
	}
	tests := []struct {
		name string
		opts rootly.ListIncidentsOptions
		want int
		keep func(*rootly.Incident) bool
	}{
		{"status in", rootly.ListIncidentsOptions{StatusMatch: rootly.Match{In: []string{"mitigated", "resolved"}}}, 9,
			func(i *rootly.Incident) bool { return i.Status == "mitigated" || i.Status == "resolved" }},
		{"status not_eq", rootly.ListIncidentsOptions{StatusMatch: rootly.Match{NotEq: "started"}}, 9,
			func(i *rootly.Incident) bool { return i.Status != "started" }},
		{"resolved since", rootly.ListIncidentsOptions{ResolvedAt: rootly.TimeRange{Since: base.Add(10 * time.Hour)}}, 3,
			func(i *rootly.Incident) bool {
				return i.ResolvedAt != nil && !i.ResolvedAt.Before(base.Add(10*time.Hour))
			}},
		{"created before", rootly.ListIncidentsOptions{CreatedAt: rootly.TimeRange{Before: base.Add(3 * time.Hour)}}, 3,
			func(i *rootly.Incident) bool { return i.CreatedAt.Before(base.Add(3 * time.Hour)) }},
		{"team names", rootly.ListIncidentsOptions{TeamNames: []string{"Payments Team"}}, 6,
			func(i *rootly.Incident) bool { return slices.Contains(names(i, true), "Payments Team") }},
		{"service names", rootly.ListIncidentsOptions{ServiceNames: []string{"Payments"}}, 5,
			func(i *rootly.Incident) bool { return slices.Contains(names(i, false), "Payments") }},
		{"services not_in", rootly.ListIncidentsOptions{ServicesMatch: rootly.Match{NotIn: []string{"checkout", "search"}}}, 1,
			func(i *rootly.Incident) bool { return len(i.Services) == 0 }},
		{"severity", rootly.ListIncidentsOptions{Severity: "sev1"}, 6,
			func(i *rootly.Incident) bool { return i.Severity != nil && i.Severity.Slug == "sev1" }},
		{"labels eq", rootly.ListIncidentsOptions{LabelsMatch: rootly.Match{Eq: "region:eu"}}, 10,
			func(i *rootly.Incident) bool { return i.Labels["region"] == "eu" }},
		{"private", rootly.ListIncidentsOptions{Private: rootly.Ptr(true)}, 0, nil},
		{"nothing matches", rootly.ListIncidentsOptions{Environments: []string{"production"}, StatusMatch: rootly.Match{Eq: "closed"}}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []*rootly.Incident
			for inc, err := range c.AllIncidents(ctx, &tt.opts) {
				require.NoError(t, err)
				got = append(got, inc)
			}
			assert.Len(t, got, tt.want)
			for _, inc := range got {
				assert.True(t, tt.keep(inc), "%s: %s", tt.name, inc.Title)
			}
		})
	}
	_, err = c.ListIncidentRoles(ctx, &rootly.ListIncidentRolesOptions{EnabledMatch: rootly.Match{Eq: "false"}})
	require.NoError(t, err)
	roles, err := c.ListIncidentRoles(ctx, &rootly.ListIncidentRolesOptions{Enabled: rootly.Ptr(false)})
	require.NoError(t, err)
	require.Len(t, roles.Roles, 1)
	assert.Equal(t, "retired-role", roles.Roles[0].Slug)
	users, err := c.ListUsers(ctx, &rootly.ListUsersOptions{CreatedAt: rootly.TimeRange{After: time.Now()}})
	require.NoError(t, err)
	assert.Empty(t, users.Users, "nobody created after now")
}

// A filter the list does not have is refused by rootlytest (400), as a
// parameter the spec does not name would be.
func TestTestServerRefusesUnknownFilters(t *testing.T) {
	t.Parallel()
	srv := rootlytest.Start(t)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/incidents?filter%5Bcolour%5D=red", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

// rootlytest's rate-limit answers have Rootly's documented forms: every
// answer's X-RateLimit-Limit is "<limit>, <limit>;window=<seconds>", and a
// 429's body is {"error": "Rate limit exceeded. Try again later."}.
func TestTestServerRateLimitAnswersAsDocumented(t *testing.T) {
	t.Parallel()
	srv := rootlytest.Start(t)
	srv.SetRateLimit(1, 2)
	get := func() *http.Response {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/users", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+srv.Token)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		return resp
	}
	var last *http.Response
	for range 3 {
		if last != nil {
			last.Body.Close()
		}
		last = get()
		assert.Regexp(t, `^2, 2;window=2$`, last.Header.Get("X-RateLimit-Limit"))
	}
	defer last.Body.Close()
	require.Equal(t, http.StatusTooManyRequests, last.StatusCode)
	body, err := io.ReadAll(last.Body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"error":"Rate limit exceeded. Try again later."}`, string(body))
	assert.NotEmpty(t, last.Header.Get("Retry-After"))
}

// A list asked with include=roles carries each incident's role
// assignments, resolved as GetIncident resolves them.
func TestListIncidentsIncludesRoles(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	ctx := context.Background()
	_, err := c.AssignRoleToUser(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleRequest{UserID: rootlytest.Creator, IncidentRoleID: rootlytest.CommanderRole})
	require.NoError(t, err)
	page, err := c.ListIncidents(ctx, &rootly.ListIncidentsOptions{Include: []string{"roles"}, ListOptions: rootly.ListOptions{PageSize: 3}})
	require.NoError(t, err)
	var commander string
	for _, inc := range page.Incidents {
		for _, ra := range inc.Roles {
			if inc.ID == rootlytest.FirstExtraIncident && ra.Role != nil && ra.Role.Slug == "commander" && ra.User != nil {
				commander = ra.User.Email
			}
		}
	}
	assert.Equal(t, rootlytest.CreatorEmail, commander)
	plain, err := c.ListIncidents(ctx, &rootly.ListIncidentsOptions{ListOptions: rootly.ListOptions{PageSize: 3}})
	require.NoError(t, err)
	for _, inc := range plain.Incidents {
		assert.Empty(t, inc.Roles, "without include=roles, no roles")
	}
}

// A time bound keeps its fraction of a second on the wire.
func TestTimeRangeKeepsFractions(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	at := time.Date(2025, 6, 1, 12, 0, 0, 500_000_000, time.UTC)
	_, err := c.ListIncidents(context.Background(), &rootly.ListIncidentsOptions{CreatedAt: rootly.TimeRange{After: at, Until: at}})
	require.NoError(t, err)
	q, err := url.ParseQuery(srv.Requests()[0].RawQuery)
	require.NoError(t, err)
	assert.Equal(t, "2025-06-01T12:00:00.5Z", q.Get("filter[created_at][gt]"))
	assert.Equal(t, "2025-06-01T12:00:00.5Z", q.Get("filter[created_at][lte]"))
}

// An assignment's user id is the user's numeric id, checked before sending.
func TestAssignUserIDIsChecked(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	for _, bad := range []string{"317abc", "-1", "alice", "me", ""} {
		_, err := c.AssignRoleToUser(context.Background(), rootlytest.FirstExtraIncident, rootly.AssignRoleRequest{UserID: bad, IncidentRoleID: rootlytest.CommanderRole})
		assert.ErrorIs(t, err, rootly.ErrInvalidInput, bad)
	}
	assert.Empty(t, srv.Requests())
}

package rootly_test

import (
	"context"
	"encoding/json"
	"net/url"
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
		Status:      "started,mitigated", Search: "checkout", Kind: "normal", UserID: "317", Severity: "sev1",
		ServiceIDs: "svc-1", TeamIDs: "team-1", CreatedAfter: after, Sort: "-created_at",
	})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/v1/incidents", reqs[0].Path)
	q, err := url.ParseQuery(reqs[0].RawQuery)
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"page[number]": {"2"}, "page[size]": {"5"},
		"filter[status]": {"started,mitigated"}, "filter[search]": {"checkout"}, "filter[kind]": {"normal"},
		"filter[user_id]": {"317"}, "filter[severity]": {"sev1"}, "filter[service_ids]": {"svc-1"},
		"filter[team_ids]": {"team-1"}, "filter[created_at][gte]": {"2025-03-01T00:00:00Z"}, "sort": {"-created_at"},
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

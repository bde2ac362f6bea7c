package proof

import (
	"context"
	"net/http"
	"testing"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCoralogixTestServerAnswersTheSpec drives every operation the SDK uses
// against coralogixtest, success and failure, and validates each answer
// against Coralogix's published OpenAPI document.
func TestCoralogixTestServerAnswersTheSpec(t *testing.T) {
	t.Parallel()
	srv := coralogixtest.Start(t)
	check := newSpecCheck(t, coralogixSpec, srv.URL, "/mgmt/openapi/5")
	c, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL),
		coralogix.WithHTTPClient(&http.Client{Transport: check}), coralogix.WithRetryMax(0))
	require.NoError(t, err)
	ctx := context.Background()
	const user = "0f8fad5b-d9cb-469f-a165-70867728950e"
	// A case added with only an id and a title still answers as the spec says.
	srv.AddCase(coralogix.Case{ID: "0a0a0a0a-0000-4000-8000-000000000001", ReadableID: "CASE-900", Title: "added by a test"})
	ids := srv.AddCases("SPEC", 3)

	_, err = c.GetCase(ctx, coralogixtest.SeedCaseID)
	assert.NoError(t, err)
	_, err = c.GetCase(ctx, "CASE-900")
	assert.NoError(t, err)
	_, err = c.AssignCase(ctx, ids[0], coralogix.UserDetails{UserID: user})
	assert.NoError(t, err)
	_, err = c.AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: append(ids, coralogixtest.SeedCaseID)})
	assert.NoError(t, err)
	_, err = c.UnassignCase(ctx, ids[1])
	assert.NoError(t, err)
	_, err = c.UnassignCases(ctx, ids)
	assert.NoError(t, err)
	_, err = c.UnassignCasesInBatches(ctx, ids, coralogix.BulkOptions{})
	assert.NoError(t, err)
	for _, err := range c.AllCases(ctx, &coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{PageSize: 2}}) {
		require.NoError(t, err)
	}
	// Failures: an unknown case, and an id the server refuses.
	_, err = c.GetCase(ctx, "CASE-99999")
	assert.ErrorIs(t, err, coralogix.ErrNotFound)
	srv.Inject(coralogixtest.Fault{Status: http.StatusServiceUnavailable})
	_, err = c.GetCase(ctx, ids[2])
	assert.Error(t, err)

	check.report(t, 10)
}

// TestRootlyTestServerAnswersTheSpec does the same for rootlytest against
// Rootly's whole published swagger.
func TestRootlyTestServerAnswersTheSpec(t *testing.T) {
	t.Parallel()
	srv := rootlytest.Start(t)
	check := newSpecCheck(t, rootlySpec, srv.URL, "")
	c, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL),
		rootly.WithHTTPClient(&http.Client{Transport: check}), rootly.WithRetryMax(0))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.GetIncident(ctx, rootlytest.SeedIncident)
	assert.NoError(t, err)
	_, err = c.AssignRoleToUser(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleRequest{UserID: rootlytest.SeedUser, IncidentRoleID: rootlytest.ScribeRole})
	assert.NoError(t, err)
	_, err = c.AssignRoleToUser(ctx, rootlytest.SeedIncident, rootly.AssignRoleRequest{UserID: rootlytest.Creator, IncidentRoleID: rootlytest.CommanderRole})
	assert.NoError(t, err)
	_, err = c.UnassignRoleFromUser(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleRequest{UserID: rootlytest.SeedUser, IncidentRoleID: rootlytest.ScribeRole})
	assert.NoError(t, err)
	for _, err := range c.AllIncidentRoles(ctx, &rootly.ListIncidentRolesOptions{ListOptions: rootly.ListOptions{PageSize: 10}}) {
		require.NoError(t, err)
	}
	for _, err := range c.AllUsers(ctx, &rootly.ListUsersOptions{ListOptions: rootly.ListOptions{PageSize: 20}}) {
		require.NoError(t, err)
	}
	_, err = c.AssignRoleByEmail(ctx, rootlytest.FirstExtraIncident, rootly.AssignRoleByEmailRequest{Email: rootlytest.CreatorEmail, RoleSlug: "commander"})
	assert.NoError(t, err)
	for _, err := range c.AllIncidents(ctx, &rootly.ListIncidentsOptions{ListOptions: rootly.ListOptions{PageSize: 7}, Status: "started", Sort: "-created_at"}) {
		require.NoError(t, err)
	}
	_, err = c.GetUser(ctx, rootlytest.SeedUser)
	assert.NoError(t, err)
	_, err = c.GetUser(ctx, "me")
	assert.NoError(t, err)
	_, err = c.GetIncidentRole(ctx, rootlytest.CommanderRole)
	assert.NoError(t, err)
	_, err = c.GetIncident(ctx, "0e000000-0000-4000-8000-000000000404")
	assert.ErrorIs(t, err, rootly.ErrNotFound)
	check.report(t, 16)
}

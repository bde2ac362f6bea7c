package coralogix_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/caseassign/caseassign/internal/jsonx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const user = "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"

func newServer(t testing.TB) (*coralogixtest.Server, *coralogix.Client) {
	t.Helper()
	srv := coralogixtest.NewServer()
	t.Cleanup(srv.Close)
	c, err := coralogix.NewClient(srv.APIKey,
		coralogix.WithBaseURL(srv.URL),
		coralogix.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

func TestWireFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name      string
		call      func(c *coralogix.Client) error
		method    string
		rawPath   string
		rawQuery  string
		body      string
		wantCType bool
	}{
		{
			name: "AssignCases",
			call: func(c *coralogix.Client) error {
				_, err := c.AssignCases(ctx, coralogix.AssignCasesRequest{
					Assignee: coralogix.UserDetails{UserID: user},
					IDs:      []string{coralogixtest.SeedCaseID, "CASE-123"},
				})
				return err
			},
			method: http.MethodPut, rawPath: "/mgmt/openapi/5/cases/assigned/v1",
			body:      `{"assignee":{"userId":"` + user + `"},"ids":["3f166e9f-3c88-4af2-b52e-138f339dab3e","CASE-123"]}`,
			wantCType: true,
		},
		{
			name: "AssignCase",
			call: func(c *coralogix.Client) error {
				_, err := c.AssignCase(ctx, "CASE-124", coralogix.UserDetails{UserID: user})
				return err
			},
			method: http.MethodPost, rawPath: "/mgmt/openapi/5/cases/assigned/v1/CASE-124",
			body: `{"assignee":{"userId":"` + user + `"}}`, wantCType: true,
		},
		{
			name: "UnassignCases",
			call: func(c *coralogix.Client) error {
				_, err := c.UnassignCases(ctx, []string{"CASE-123", "CASE-124"})
				return err
			},
			method: http.MethodDelete, rawPath: "/mgmt/openapi/5/cases/assigned/v1",
			rawQuery: "ids=CASE-123&ids=CASE-124",
		},
		{
			name: "UnassignCase",
			call: func(c *coralogix.Client) error {
				_, err := c.UnassignCase(ctx, coralogixtest.SeedCaseID)
				return err
			},
			method: http.MethodDelete, rawPath: "/mgmt/openapi/5/cases/assigned/v1/" + coralogixtest.SeedCaseID,
		},
		{
			name: "GetCase",
			call: func(c *coralogix.Client) error {
				_, err := c.GetCase(ctx, "CASE-125")
				return err
			},
			method: http.MethodGet, rawPath: "/mgmt/openapi/5/cases/cases/v1/CASE-125",
		},
		{
			name: "ListCaseEvents",
			call: func(c *coralogix.Client) error {
				_, err := c.ListCaseEvents(ctx, "CASE-125")
				return err
			},
			method: http.MethodGet, rawPath: "/mgmt/openapi/5/cases/cases/v1/CASE-125/events",
		},
		{
			name: "ListCases",
			call: func(c *coralogix.Client) error {
				_, err := c.ListCases(ctx, &coralogix.ListCasesRequest{
					Filters:    &coralogix.CaseFilters{Statuses: []coralogix.CaseStatus{coralogix.CaseStatusActive}, Assignees: []coralogix.AssigneeOption{coralogix.Unassigned()}},
					Pagination: &coralogix.PaginationRequest{PageSize: 2},
				})
				return err
			},
			method: http.MethodPost, rawPath: "/mgmt/openapi/5/cases/cases/v1",
			body:      `{"filters":{"statuses":["CASE_STATUS_ACTIVE"],"assignees":[{"unassigned":{}}]},"pagination":{"pageSize":2}}`,
			wantCType: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			require.NoError(t, tt.call(c))
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			assert.Equal(t, tt.method, r.Method)
			assert.Equal(t, tt.rawPath, r.RawPath)
			assert.Equal(t, tt.rawQuery, r.RawQuery)
			assert.Equal(t, "Bearer "+coralogixtest.APIKey, r.Header.Get("Authorization"))
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "caseassign-go/"))
			assert.Contains(t, r.Header.Get("User-Agent"), "(coralogix)")
			if tt.wantCType {
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				assert.JSONEq(t, tt.body, string(r.Body))
			} else {
				assert.Empty(t, r.Body)
			}
		})
	}
}

func TestBasePathPrefixAndTrailingSlash(t *testing.T) {
	t.Parallel()
	srv := coralogixtest.NewServer()
	defer srv.Close()
	for _, base := range []string{srv.URL, srv.URL + "/"} {
		c, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(base))
		require.NoError(t, err)
		_, err = c.GetCase(context.Background(), "CASE-123")
		require.NoError(t, err, base)
		c.CloseIdleConnections()
	}
	for _, r := range srv.Requests() {
		assert.Equal(t, "/mgmt/openapi/5/cases/cases/v1/CASE-123", r.RawPath, "no // in the path")
	}
}

// The documentation's sample answer (which the spec would refuse: no
// status, "duration": "") is a decoding fixture: the server is made to send
// it byte for byte.
func TestSeedResponseDecodedWithNothingLost(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	srv.Inject(coralogixtest.Fault{Method: http.MethodPut, Status: http.StatusOK, Body: string(coralogixtest.SeedAssignResponse)})
	cases, err := c.AssignCases(context.Background(), coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: user},
		IDs:      []string{coralogixtest.SeedCaseID, "CASE-123"},
	})
	require.NoError(t, err)
	require.Len(t, cases, 1)
	cs := cases[0]
	ts := func(s string) time.Time { v, err := time.Parse(time.RFC3339Nano, s); require.NoError(t, err); return v }

	assert.Equal(t, coralogixtest.SeedCaseID, cs.ID)
	assert.Equal(t, "CASE-123", cs.ReadableID)
	assert.Equal(t, "Database outage investigation", cs.Title)
	assert.Equal(t, ts("2025-09-22T10:30:00.000Z"), cs.CreateTime)
	assert.Equal(t, ts("2023-11-07T05:31:56Z"), cs.UpdateTime)
	assert.Equal(t, ts("2023-11-07T05:31:56Z"), cs.AcknowledgeTime)
	assert.Equal(t, "<string>", cs.AISummary)
	require.NotNil(t, cs.Duration)
	assert.Equal(t, "", *cs.Duration)
	require.NotNil(t, cs.Assignee)
	assert.Equal(t, user, cs.Assignee.UserID)
	assert.Equal(t, []coralogix.KeyValue{{Key: "service", Value: "payments"}}, cs.Labels)
	assert.Equal(t, []coralogix.KeyValue{{Key: "service", Value: "payments"}}, cs.Groupings)
	require.Len(t, cs.ImpactedEntities, 1)
	assert.Nil(t, cs.ImpactedEntities[0].APMService)
	assert.Equal(t, &coralogix.APMDatabaseEntity{Name: "orders-db", System: "postgresql"}, cs.ImpactedEntities[0].APMDatabase)

	require.NotNil(t, cs.CaseIndicators)
	require.Len(t, cs.CaseIndicators.AlertIndicators, 1)
	ai := cs.CaseIndicators.AlertIndicators[0]
	assert.Equal(t, "f56645c5-9cd4-4b9f-961f-4f852d8835a0", ai.AlertID)
	assert.Equal(t, []string{"1eae3615-79e7-4b54-88e0-6a77def653bf", "2fbf4726-8af8-5c65-99f1-7b88ef764c0g"}, ai.AlertVersions, "a non-hex version is kept, not rejected")
	assert.Equal(t, "1eae3615-79e7-4b54-88e0-6a77def653bf", ai.LatestAlertVersion)
	require.Len(t, ai.Permutations, 1)
	assert.NotNil(t, ai.Permutations[0].Permutation)
	assert.Empty(t, ai.Permutations[0].Permutation)
	assert.Equal(t, ts("2025-09-22T10:30:00.000Z"), ai.TriggerTime)
	assert.Equal(t, ts("2025-09-22T11:05:00.000Z"), ai.ResolveTime)
	require.NotNil(t, ai.Suppression)
	require.NotNil(t, ai.Suppression.ActiveSuppressionRules)
	assert.Nil(t, ai.Suppression.AlertDefinitionMuted)
	assert.Len(t, ai.Suppression.ActiveSuppressionRules.SuppressionRuleIDs, 2)
	assert.Equal(t, ts("2025-09-22T10:30:00.000Z"), ai.Suppression.SuppressedTime)

	require.Len(t, cs.CaseIndicators.PrometheusAlertIndicators, 1)
	pi := cs.CaseIndicators.PrometheusAlertIndicators[0]
	assert.Equal(t, "5d41402abc4b2a76b9719d911017c592", pi.AlertGroupID)
	assert.Equal(t, "https://alertmanager.example.com", pi.ExternalURL)
	assert.Equal(t, "webhook-coralogix", pi.Receiver)
	assert.Equal(t, ts("2025-09-22T10:30:00.000Z"), pi.ReceivedAt)
	require.NotNil(t, pi.Status.Resolved)
	assert.Nil(t, pi.Status.Triggered)
	assert.Equal(t, ts("2025-09-22T11:05:00.000Z"), pi.Status.Resolved.ResolvedAt)
	require.Len(t, pi.Alerts, 1)
	pa := pi.Alerts[0]
	assert.Equal(t, "HighRequestLatency", pa.AlertName)
	assert.Equal(t, "a1b2c3d4e5f6a7b8", pa.Fingerprint)
	assert.Equal(t, "https://prometheus.example.com/graph?g0.expr=...", pa.GeneratorURL)
	require.NotNil(t, pa.Query)
	assert.Contains(t, pa.Query.PromQL, "histogram_quantile")
	require.NotNil(t, pa.Status.Resolved)
	assert.Equal(t, ts("2025-09-22T10:30:00.000Z"), pa.Status.Resolved.TriggeredAt)

	require.NotNil(t, cs.KPIBreaches)
	require.Len(t, cs.KPIBreaches.BreachedKPIs, 1)
	assert.Equal(t, ts("2025-09-22T11:00:00.000Z"), cs.KPIBreaches.BreachedKPIs[0].BreachedAt)
	assert.Equal(t, &coralogix.PriorityDetails{}, cs.PriorityDetails)
	require.NotNil(t, cs.ResolutionDetails)
	assert.Equal(t, "Case was not applicable.", cs.ResolutionDetails.Reason)
	require.NotNil(t, cs.ResolutionDetails.ResolvedBy)
	assert.Equal(t, &coralogix.Marker{}, cs.ResolutionDetails.ResolvedBy.APIKey)
	assert.Nil(t, cs.ResolutionDetails.ResolvedBy.System)
	assert.Nil(t, cs.Extra, "every member of the seed is modelled")

	// Encoding gives back every member the server sent, with equal values.
	var sent struct {
		Cases []json.RawMessage `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(coralogixtest.SeedAssignResponse, &sent))
	again, err := json.Marshal(cs)
	require.NoError(t, err)
	assertSameJSON(t, sent.Cases[0], again)
}

// assertSameJSON compares two JSON documents member by member, comparing
// strings that are RFC 3339 times as instants.
func assertSameJSON(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g any
	require.NoError(t, json.Unmarshal(want, &w))
	require.NoError(t, json.Unmarshal(got, &g))
	assert.Equal(t, normalize(w), normalize(g))
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case string:
		if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return tm.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

func TestCaseKeepsUnknownMembersAndToleratesOddValues(t *testing.T) {
	t.Parallel()
	in := `{"id":"x","title":"t","status":"CASE_STATUS_SNOOZED","priority":"CASE_PRIORITY_P9","labels":[],"groupings":[],
		"impactedEntities":[{"kubernetesPod":{"name":"p"}}],"newTopLevel":{"a":[1,2]},"duration":"","createTime":"2025-01-02T03:04:05.123456+02:00"}`
	var cs coralogix.Case
	require.NoError(t, json.Unmarshal([]byte(in), &cs))
	assert.Equal(t, coralogix.CaseStatus("CASE_STATUS_SNOOZED"), cs.Status)
	assert.Equal(t, coralogix.CasePriority("CASE_PRIORITY_P9"), cs.Priority)
	assert.JSONEq(t, `{"a":[1,2]}`, string(cs.Extra["newTopLevel"]))
	out, err := json.Marshal(cs)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"newTopLevel":{"a":[1,2]}`)
	assert.Contains(t, string(out), `"duration":""`)
	assert.Contains(t, string(out), `"createTime":"2025-01-02T03:04:05.123456+02:00"`)
}

// Unknown members below the top level, and one-of variants the SDK does not
// know, survive a decode and encode verbatim.
func TestCaseKeepsUnknownMembersAtEveryDepth(t *testing.T) {
	t.Parallel()
	in := `{"id":"x","title":"t","status":"CASE_STATUS_ACTIVE","priority":"CASE_PRIORITY_P2","category":"CASE_CATEGORY_SECURITY",
		"createTime":"2025-01-02T03:04:05Z","state":{"phase":"triage"},"description":"new in v2",
		"assignee":{"userId":"` + user + `","displayName":"Ana","team":{"id":7}},
		"labels":[{"key":"env","value":"prod","source":"alert"}],
		"groupings":[{"key":"svc","value":"api"}],
		"impactedEntities":[{"apmService":{"name":"api","language":"go","version":"1.2"}},{"k8sPod":{"name":"p-1","ns":"prod"}}],
		"caseIndicators":{"alertIndicators":[{"alertId":"a","alertVersions":["1"],"latestAlertVersion":"1","permutations":[],
			"suppression":{"muteWindow":{"until":"2025-01-03T00:00:00Z"},"suppressedTime":"2025-01-02T03:04:05Z"},"extraAlertField":true}],
			"newIndicators":[{"x":1}]},
		"kpiBreaches":{"breachedKpis":[{"id":"k","kpiType":"KPI_TYPE_TTA","slo":{"target":"5m"}}],"summary":"1 breach"},
		"ollyAnalysis":{"status":"OLLY_ANALYSIS_STATUS_COMPLETED","payload":{"rootCause":"db","evidence":["e1"]}},
		"priorityDetails":{"system":"CASE_PRIORITY_P2","reason":"rule"},
		"resolutionDetails":{"reason":"fixed","resolvedBy":{"githubApp":{"installation":9}},"note":"n"}}`
	var cs coralogix.Case
	require.NoError(t, json.Unmarshal([]byte(in), &cs))
	require.NotNil(t, cs.Assignee)
	assert.Equal(t, user, cs.Assignee.UserID)
	require.Len(t, cs.ImpactedEntities, 2)
	assert.Nil(t, cs.ImpactedEntities[1].APMService, "an unknown variant sets no known pointer")
	out, err := json.Marshal(cs)
	require.NoError(t, err)
	assertSameJSON(t, []byte(in), out)
	assert.Contains(t, string(out), `{"k8sPod":{"name":"p-1","ns":"prod"}}`, "the unknown variant, verbatim, not {}")
	assert.Contains(t, string(out), `"githubApp":{"installation":9}`)

	// A value the caller changes is written as changed; extras of the same
	// object stay, and a removed member is not brought back.
	cs.Assignee.UserID = "11111111-2222-3333-4444-555555555555"
	cs.ResolutionDetails = nil
	out, err = json.Marshal(cs)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"userId":"11111111-2222-3333-4444-555555555555"`)
	assert.Contains(t, string(out), `"displayName":"Ana"`)
	assert.NotContains(t, string(out), "resolutionDetails")

	// The same holds for cases from the client's own decoding path.
	var page coralogix.ListCasesResponse
	require.NoError(t, json.Unmarshal([]byte(`{"cases":[`+in+`,`+in+`]}`), &page))
	out, err = json.Marshal(page.Cases[1])
	require.NoError(t, err)
	assertSameJSON(t, []byte(in), out)
}

func TestValidationSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ok := coralogix.UserDetails{UserID: user}
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("CASE-%d", i)
	}
	tests := []struct {
		name  string
		field string
		call  func(c *coralogix.Client) error
	}{
		{"no ids", "ids", func(c *coralogix.Client) error {
			_, err := c.AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: ok})
			return err
		}},
		{"1001 ids", "ids", func(c *coralogix.Client) error {
			_, err := c.AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: ok, IDs: many})
			return err
		}},
		{"bad id at index 3", "ids[3]", func(c *coralogix.Client) error {
			_, err := c.AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: ok, IDs: []string{"CASE-1", "CASE-2", "CASE-3", "case-4"}})
			return err
		}},
		{"id longer than 64", "ids[0]", func(c *coralogix.Client) error {
			_, err := c.AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: ok, IDs: []string{"CASE-" + strings.Repeat("1", 60)}})
			return err
		}},
		{"empty id", "ids[0]", func(c *coralogix.Client) error {
			_, err := c.AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: ok, IDs: []string{""}})
			return err
		}},
		{"missing user", "assignee.userId", func(c *coralogix.Client) error {
			_, err := c.AssignCases(ctx, coralogix.AssignCasesRequest{IDs: []string{"CASE-1"}})
			return err
		}},
		{"readable id as user", "assignee.userId", func(c *coralogix.Client) error {
			_, err := c.AssignCase(ctx, "CASE-1", coralogix.UserDetails{UserID: "CASE-1"})
			return err
		}},
		{"path traversal", "id", func(c *coralogix.Client) error {
			_, err := c.GetCase(ctx, "../../admin")
			return err
		}},
		{"events path traversal", "caseID", func(c *coralogix.Client) error {
			_, err := c.ListCaseEvents(ctx, "..")
			return err
		}},
		{"events bad id", "caseID", func(c *coralogix.Client) error {
			_, err := c.ListCaseEvents(ctx, "CASE-1/events")
			return err
		}},
		{"slash in id", "id", func(c *coralogix.Client) error {
			_, err := c.UnassignCase(ctx, "CASE-1/x")
			return err
		}},
		{"assign one bad id", "id", func(c *coralogix.Client) error {
			_, err := c.AssignCase(ctx, "CASE-", ok)
			return err
		}},
		{"unassign no ids", "ids", func(c *coralogix.Client) error {
			_, err := c.UnassignCases(ctx, nil)
			return err
		}},
		{"unassign bad id", "ids[1]", func(c *coralogix.Client) error {
			_, err := c.UnassignCases(ctx, []string{"CASE-1", "CASE-1&ids=CASE-2"})
			return err
		}},
		{"batches bad id", "ids[2]", func(c *coralogix.Client) error {
			_, err := c.AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{Assignee: ok, IDs: []string{"CASE-1", "CASE-2", "nope"}}, coralogix.BulkOptions{})
			return err
		}},
		{"batches bad user", "assignee.userId", func(c *coralogix.Client) error {
			_, err := c.AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{IDs: []string{"CASE-1"}}, coralogix.BulkOptions{})
			return err
		}},
		{"page size", "pagination.pageSize", func(c *coralogix.Client) error {
			_, err := c.ListCases(ctx, &coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{PageSize: 1001}})
			return err
		}},
		{"skip", "pagination.skip", func(c *coralogix.Client) error {
			_, err := c.ListCases(ctx, &coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{Skip: -1}})
			return err
		}},
		{"alert id filter", "filters.alertFilters.alertIds[0]", func(c *coralogix.Client) error {
			_, err := c.ListCases(ctx, &coralogix.ListCasesRequest{Filters: &coralogix.CaseFilters{AlertFilters: &coralogix.AlertFilters{AlertIDs: []string{"x"}}}})
			return err
		}},
		{"assignee option both", "filters.assignees[0]", func(c *coralogix.Client) error {
			_, err := c.ListCases(ctx, &coralogix.ListCasesRequest{Filters: &coralogix.CaseFilters{Assignees: []coralogix.AssigneeOption{{Assignee: user, Unassigned: &coralogix.Marker{}}}}})
			return err
		}},
		{"date range", "filters.dateRange", func(c *coralogix.Client) error {
			_, err := c.ListCases(ctx, &coralogix.ListCasesRequest{Filters: &coralogix.CaseFilters{DateRange: &coralogix.DateRangeFilter{From: time.Now()}}})
			return err
		}},
		{"impacted entity", "filters.impactedEntities[0]", func(c *coralogix.Client) error {
			_, err := c.ListCases(ctx, &coralogix.ListCasesRequest{Filters: &coralogix.CaseFilters{ImpactedEntities: []coralogix.ImpactedEntityFilter{{}}}})
			return err
		}},
		{"iterator validates too", "pagination.pageSize", func(c *coralogix.Client) error {
			for _, err := range c.AllCases(ctx, &coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{PageSize: -3}}) {
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
			require.ErrorIs(t, err, coralogix.ErrInvalidInput)
			var ve *coralogix.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.NotEmpty(t, ve.Reason)
			assert.Empty(t, srv.Requests(), "nothing was sent")
		})
	}
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	for _, r := range []struct {
		region coralogix.Region
		want   string
	}{
		{coralogix.EU1, "https://api.coralogix.com"}, {coralogix.EU2, "https://api.eu2.coralogix.com"},
		{coralogix.US1, "https://api.us1.coralogix.com"}, {coralogix.US2, "https://api.us2.coralogix.com"},
		{coralogix.US3, "https://api.us3.coralogix.com"}, {coralogix.AP1, "https://api.ap1.coralogix.com"},
		{coralogix.AP2, "https://api.ap2.coralogix.com"}, {coralogix.AP3, "https://api.ap3.coralogix.com"},
		{"ap3", "https://api.ap3.coralogix.com"},
	} {
		c, err := coralogix.NewClient("key", coralogix.WithRegion(r.region))
		require.NoError(t, err)
		assert.Equal(t, r.want, c.BaseURL())
	}
	c, err := coralogix.NewClient("key")
	require.NoError(t, err)
	assert.Equal(t, "https://api.coralogix.com", c.BaseURL())
	assert.Equal(t, coralogix.EU1, c.Region())

	_, err = coralogix.NewClient("key", coralogix.WithRegion("MARS1"))
	assert.ErrorIs(t, err, coralogix.ErrInvalidInput)
	_, err = coralogix.NewClient(" ")
	assert.ErrorIs(t, err, coralogix.ErrInvalidInput)
	_, err = coralogix.NewClient("key\r\nX-Evil: 1")
	assert.ErrorIs(t, err, coralogix.ErrInvalidInput)
	_, err = coralogix.NewClient("key", coralogix.WithBaseURL("http://cases.example.com"))
	assert.ErrorContains(t, err, "plain http")
	_, err = coralogix.NewClient("key", coralogix.WithBaseURL("http://cases.example.com"), coralogix.WithInsecureHTTP())
	assert.NoError(t, err)
	_, err = coralogix.NewClient("key", nil)
	assert.NoError(t, err, "a nil option is ignored")
}

func TestErrorDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fault     coralogixtest.Fault
		status    int
		code, msg string
		is        []error
		isNot     []error
	}{
		{"json", coralogixtest.Fault{Status: 404, Body: `{"code":404,"message":"case CASE-9 not found"}`}, 404, "404", "case CASE-9 not found",
			[]error{coralogix.ErrNotFound}, []error{coralogix.ErrUnknownRoute}},
		{"legacy text", coralogixtest.Fault{Status: 404, Body: "Not Found: case does not exist"}, 404, "", "Not Found: case does not exist",
			[]error{coralogix.ErrNotFound}, []error{coralogix.ErrUnknownRoute}},
		{"unknown route", coralogixtest.Fault{Status: 404, Body: "Not Found: Not Found"}, 404, "", "Not Found: Not Found (no such route: check the region or base URL)",
			[]error{coralogix.ErrNotFound, coralogix.ErrUnknownRoute}, nil},
		{"html", coralogixtest.Fault{Status: 403, Body: "<html>denied</html>", ContentType: "text/html"}, 403, "", "",
			[]error{coralogix.ErrForbidden}, nil},
		{"server error", coralogixtest.Fault{Status: 500, Body: `{"code":500,"message":"boom"}`}, 500, "500", "boom",
			[]error{coralogix.ErrServer}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			srv.Inject(tt.fault)
			_, err := c.GetCase(context.Background(), "CASE-123")
			var ae *coralogix.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Equal(t, tt.msg, ae.Message)
			for _, e := range tt.is {
				assert.ErrorIs(t, err, e)
			}
			for _, e := range tt.isNot {
				assert.NotErrorIs(t, err, e)
			}
			assert.Contains(t, err.Error(), "coralogix (custom base URL)")
		})
	}
}

func TestRealUnknownRouteAndRegionInErrors(t *testing.T) {
	t.Parallel()
	srv := coralogixtest.NewServer()
	defer srv.Close()
	// A base URL with a wrong prefix reaches a route the server does not serve.
	c, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL+"/wrong"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.GetCase(context.Background(), "CASE-123")
	assert.ErrorIs(t, err, coralogix.ErrUnknownRoute)

	_, err = c.GetCase(context.Background(), "CASE-999")
	assert.ErrorIs(t, err, coralogix.ErrUnknownRoute)

	good, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer good.CloseIdleConnections()
	_, err = good.GetCase(context.Background(), "CASE-999")
	assert.ErrorIs(t, err, coralogix.ErrNotFound)
	assert.NotErrorIs(t, err, coralogix.ErrUnknownRoute, "a missing case is not a missing route")

	bad, err := coralogix.NewClient("wrong-key", coralogix.WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer bad.CloseIdleConnections()
	_, err = bad.GetCase(context.Background(), "CASE-123")
	assert.ErrorIs(t, err, coralogix.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "wrong-key")

	// The region shows in errors; the request never leaves the machine
	// because the context is already cancelled.
	eu2, err := coralogix.NewClient("k", coralogix.WithRegion(coralogix.EU2))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = eu2.GetCase(ctx, "CASE-1")
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "api.eu2.coralogix.com")
}

func TestRegionNamedInAPIError(t *testing.T) {
	t.Parallel()
	srv := coralogixtest.NewServer()
	defer srv.Close()
	// Route an EU2 client's traffic to the test server through its transport.
	hc := &http.Client{Transport: rewriteTo(srv.URL)}
	c, err := coralogix.NewClient("wrong", coralogix.WithRegion(coralogix.EU2), coralogix.WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.GetCase(context.Background(), "CASE-123")
	require.ErrorIs(t, err, coralogix.ErrUnauthorized)
	assert.Contains(t, err.Error(), "coralogix (region EU2)")
	assert.Contains(t, err.Error(), "https://api.eu2.coralogix.com/mgmt/openapi/5/cases/cases/v1/CASE-123")
}

// rewriteTo sends every request to base instead, keeping the path.
type rewriteTo string

func (r rewriteTo) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme = "http"
	out.URL.Host = strings.TrimPrefix(string(r), "http://")
	out.Host = ""
	return http.DefaultTransport.RoundTrip(out)
}

func TestBatchSplitter(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 999, 1000, 1001, 2500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			ids := srv.AddCases("BULK", n)
			// Duplicates are removed before splitting.
			withDups := append(append([]string{}, ids...), ids[:min(n, 10)]...)
			var mu sync.Mutex
			var progress [][2]int
			res, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{
				Assignee: coralogix.UserDetails{UserID: user}, IDs: withDups,
			}, coralogix.BulkOptions{Concurrency: 2, OnProgress: func(done, total int) {
				mu.Lock()
				progress = append(progress, [2]int{done, total})
				mu.Unlock()
			}})
			require.NoError(t, err)
			assert.Empty(t, res.Failures)
			assert.NoError(t, res.Err())
			assert.Len(t, res.Cases, n)

			wantBatches := (n + 999) / 1000
			reqs := srv.Requests()
			require.Len(t, reqs, wantBatches)
			var sizes []int
			var sent []string
			for _, r := range reqs {
				var body coralogix.AssignCasesRequest
				require.NoError(t, json.Unmarshal(r.Body, &body))
				sizes = append(sizes, len(body.IDs))
				sent = append(sent, body.IDs...)
				assert.LessOrEqual(t, len(body.IDs), 1000)
			}
			sort.Strings(sent)
			want := append([]string{}, ids...)
			sort.Strings(want)
			assert.Equal(t, want, append([]string{}, sent...)[:len(sent):len(sent)], "every id sent exactly once")
			total := 0
			for _, s := range sizes {
				total += s
			}
			assert.Equal(t, n, total)
			require.Len(t, progress, wantBatches)
			for i, p := range progress {
				assert.Equal(t, n, p[1], "OnProgress counts ids")
				if i > 0 {
					assert.Greater(t, p[0], progress[i-1][0])
				}
			}
			if n > 0 {
				assert.Equal(t, n, progress[len(progress)-1][0], "every id done")
			}
			for _, id := range ids {
				cs, ok := srv.Case(id)
				require.True(t, ok)
				require.NotNil(t, cs.Assignee, id)
				assert.Equal(t, user, cs.Assignee.UserID)
			}
		})
	}
}

func TestBatchFailureKeepsOtherBatches(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases("PART", 2500)
	// The second request fails for good (500 is not retried); the others succeed.
	srv.Inject(coralogixtest.Fault{Method: http.MethodPut, Status: 502, Times: 1},
		coralogixtest.Fault{Method: http.MethodPut, Status: 500, Body: `{"code":500,"message":"boom"}`})
	res, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: user}, IDs: ids,
	}, coralogix.BulkOptions{Concurrency: 1})
	require.Error(t, err, "a failed batch cannot be missed")
	var be *coralogix.BulkError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 1000, be.Failed, "counted in ids")
	assert.Equal(t, 2500, be.Total)
	require.Len(t, be.Errs, 1)
	assert.ErrorIs(t, err, coralogix.ErrServer)
	var ae *coralogix.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusInternalServerError, ae.StatusCode)
	require.Len(t, res.Failures, 1)
	assert.ErrorIs(t, res.Failures[0].Err, coralogix.ErrServer)
	assert.ErrorIs(t, res.Err(), coralogix.ErrServer)
	assert.Len(t, res.Failures[0].IDs, 1000)
	assert.Len(t, res.FailedIDs(), 1000)
	assert.Len(t, res.Cases, 1500, "the other batches' cases are returned")
	failed := map[string]bool{}
	for _, id := range res.Failures[0].IDs {
		failed[id] = true
	}
	for _, id := range ids {
		cs, _ := srv.Case(id)
		assert.Equal(t, !failed[id], cs.Assignee != nil, id)
	}
}

func TestBatchCancelledReportsUnstarted(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases("CNCL", 3000)
	ctx, cancel := context.WithCancel(context.Background())
	res, err := c.AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: user}, IDs: ids,
	}, coralogix.BulkOptions{Concurrency: 1, OnProgress: func(done, total int) {
		if done == 1000 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	var be *coralogix.BulkError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 2000, be.Failed)
	require.NotNil(t, res)
	assert.Len(t, res.Cases, 1000)
	require.Len(t, res.Failures, 2)
	for _, f := range res.Failures {
		assert.ErrorIs(t, f.Err, context.Canceled)
	}
	assert.Len(t, srv.Requests(), 1)
}

func TestIteratorPagingAndEarlyStop(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	srv.AddCases("PAGE", 23)
	req := coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{PageSize: 5}}
	var got []string
	for cs, err := range c.AllCases(context.Background(), &req) {
		require.NoError(t, err)
		got = append(got, cs.ID)
	}
	assert.Len(t, got, 28, "5 seeded + 23 added")
	assert.Len(t, srv.Requests(), 6)
	assert.Equal(t, int64(5), req.Pagination.PageSize)
	assert.Empty(t, req.Pagination.PageToken, "the caller's request is not changed")

	srv.ResetRequests()
	n := 0
	for _, err := range c.AllCases(context.Background(), &req) {
		require.NoError(t, err)
		n++
		if n == 7 {
			break
		}
	}
	assert.Equal(t, 7, n)
	assert.Len(t, srv.Requests(), 2, "no page is requested after the loop stops")

	srv.ResetRequests()
	srv.Inject(coralogixtest.Fault{Path: "/mgmt/openapi/5/cases/cases/v1", Status: 401, Body: `{"code":401,"message":"no"}`})
	var errs []error
	for _, err := range c.AllCases(context.Background(), &req) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], coralogix.ErrUnauthorized)
}

// Re-encoding a decoded case or event gives back what the server sent and
// nothing more: no member is added (no "labels": null, no empty required
// strings), at any depth; zero values that were sent stay.
func TestReencodingAddsNoMember(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{"id":"a"}`,
		`{"id":"a","title":"","labels":[],"groupings":null}`,
		`{"caseIndicators":{}}`,
		`{"caseIndicators":{"alertIndicators":[{}],"genericIndicators":[{"labels":[]}]}}`,
		`{"caseIndicators":{"prometheusAlertIndicators":[{"alerts":[{"status":{}}]}]}}`,
		`{"kpiBreaches":{"breachedKpis":[{}]}}`,
		`{"impactedEntities":[{}],"assignee":{}}`,
		`{"resolutionDetails":{"resolvedBy":{}},"ollyAnalysis":{"payload":{}},"priorityDetails":{}}`,
	} {
		var cs coralogix.Case
		require.NoError(t, json.Unmarshal([]byte(in), &cs), in)
		out, err := json.Marshal(cs)
		require.NoError(t, err)
		assert.JSONEq(t, in, string(out), in)
	}
	var ev coralogix.CaseEvent
	require.NoError(t, json.Unmarshal([]byte(`{"eventTime":"2025-01-01T00:00:00Z"}`), &ev))
	out, err := json.Marshal(ev)
	require.NoError(t, err)
	assert.JSONEq(t, `{"eventTime":"2025-01-01T00:00:00Z"}`, string(out))
}

// A page may hold no case and still announce the next one (permissions
// hid its cases): the iterator goes on until the token is empty.
func TestIteratorGoesPastEmptyPages(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases("PBAC", 20)
	srv.HideFromList(ids[:10]...) // pages 2 and 3 (after the 5 seeded cases) are empty or short
	req := coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{PageSize: 5}}

	page, err := c.ListCases(context.Background(), &coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{PageSize: 5, Skip: 5}})
	require.NoError(t, err)
	require.Empty(t, page.Cases)
	require.True(t, page.PBACTruncated)
	require.NotEmpty(t, page.Pagination.NextPageToken, "the odd server: an empty page with a next token")

	var got []string
	for cs, err := range c.AllCases(context.Background(), &req) {
		require.NoError(t, err)
		got = append(got, cs.ReadableID)
	}
	assert.Len(t, got, 15, "5 seeded + the 10 visible of 20 added")
	assert.Equal(t, ids[10:], got[5:])
	assert.Len(t, srv.Requests(), 6, "every page read, the empty ones included")
}

// A 2xx list or bulk answer without the members the spec requires is not a
// page or a result: it is ErrUnexpectedResponse, never an empty success
// that would end a list early or report nothing assigned as done.
func TestAnswersWithoutTheirRequiredMembersAreErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"cases":null,"pagination":{}}`, `{"cases":[]}`, `{"pagination":{}}`} {
		srv, c := newServer(t)
		srv.Inject(coralogixtest.Fault{Status: 200, Body: body, Times: 10})
		_, err := c.ListCases(context.Background(), nil)
		assert.ErrorIs(t, err, coralogix.ErrUnexpectedResponse, body)
		var n int
		for _, err := range c.AllCases(context.Background(), nil) {
			assert.ErrorIs(t, err, coralogix.ErrUnexpectedResponse, body)
			n++
		}
		assert.Equal(t, 1, n, "the iterator yields the error, not an end")
		if !strings.Contains(body, `"cases":[]`) {
			_, err = c.AssignCases(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: []string{"CASE-123"}})
			assert.ErrorIs(t, err, coralogix.ErrUnexpectedResponse, body)
			_, err = c.UnassignCases(context.Background(), []string{"CASE-123"})
			assert.ErrorIs(t, err, coralogix.ErrUnexpectedResponse, body)
		}
	}
}

func TestRetriedAssignmentHappensOnce(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	srv.Inject(coralogixtest.Fault{DropAfterHandling: true}, coralogixtest.Fault{Status: 503})
	cs, err := c.AssignCase(context.Background(), "CASE-124", coralogix.UserDetails{UserID: user})
	require.NoError(t, err)
	require.NotNil(t, cs.Assignee)
	assert.Len(t, srv.Requests(), 3)
	assert.Equal(t, []coralogixtest.Event{{Op: "assign", CaseID: coralogixtest.SeedUnassignedID, UserID: user}}, srv.Events(),
		"the retried POST changed the case once")
}

func TestUnassign(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	cases, err := c.UnassignCases(context.Background(), []string{"CASE-123"})
	require.NoError(t, err)
	require.Len(t, cases, 1)
	assert.Nil(t, cases[0].Assignee)
	cs, ok := srv.Case(coralogixtest.SeedCaseID)
	require.True(t, ok)
	assert.Nil(t, cs.Assignee)
	one, err := c.UnassignCase(context.Background(), "CASE-123")
	require.NoError(t, err)
	assert.Nil(t, one.Assignee)
	assert.Len(t, srv.Events(), 1, "unassigning twice changes the case once")
}

var casePattern = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Z]+-[0-9]+)$`)

func FuzzValidCaseID(f *testing.F) {
	for _, s := range []string{coralogixtest.SeedCaseID, "CASE-123", "A-1", "-1", "A-", "case-1", "CASE-1\n", strings.Repeat("A", 63) + "-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		want := len(id) >= 1 && len(id) <= 64 && casePattern.MatchString(id)
		if got := coralogix.ValidCaseID(id); got != want {
			t.Fatalf("ValidCaseID(%q) = %v, the spec's pattern says %v", id, got, want)
		}
	})
}

func FuzzDecodeCase(f *testing.F) {
	var seed struct {
		Cases []json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(coralogixtest.SeedAssignResponse, &seed); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(seed.Cases[0]))
	f.Add([]byte(`{"id":"x","extra":{"a":1},"resolutionDetails":{"resolvedBy":{"zz":{}}}}`))
	f.Add([]byte(`{"createTime":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c coralogix.Case
		if json.Unmarshal(data, &c) != nil {
			return
		}
		var again coralogix.Case
		roundTrip(t, data, c, &again)
	})
}

// roundTrip encodes v (decoded from data), decodes the encoding into again,
// and fails unless every member of data is kept, at every depth.
func roundTrip(t *testing.T, data []byte, v, again any) {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("a decoded value does not encode: %v", err)
	}
	if err := json.Unmarshal(out, again); err != nil {
		t.Fatalf("an encoded value does not decode: %v\n%s", err, out)
	}
	if jsonx.DuplicateKeys(data) {
		return // a repeated key keeps its last value, as in encoding/json
	}
	var w, g any
	if json.Unmarshal(data, &w) != nil || json.Unmarshal(out, &g) != nil {
		t.Fatalf("invalid JSON: %s", out)
	}
	if msg := keptIn(normalize(w), normalize(g), "$"); msg != "" {
		t.Fatalf("%s:\n in  %s\n out %s", msg, data, out)
	}
}

// keptIn checks that out holds every member of in with an equal value, at
// every depth; out may add members only with zero values (the typed fields
// encoding/json writes for absent members).
func keptIn(in, out any, at string) string {
	switch x := in.(type) {
	case map[string]any:
		y, ok := out.(map[string]any)
		if !ok {
			return at + " is no longer an object"
		}
		for k, v := range x {
			ov, has := y[k]
			for yk, yv := range y {
				if !has && strings.EqualFold(yk, k) { // encoding/json matches names case-insensitively
					ov, has = yv, true
				}
			}
			if !has {
				return at + "." + k + " was lost"
			}
			if msg := keptIn(v, ov, at+"."+k); msg != "" {
				return msg
			}
		}
		for k, v := range y {
			has := false
			for xk := range x {
				has = has || strings.EqualFold(xk, k)
			}
			if !has && !isEmptyJSON(v) {
				return at + "." + k + " was invented"
			}
		}
	case []any:
		y, ok := out.([]any)
		if !ok || len(x) != len(y) {
			return at + " changed length or kind"
		}
		for i := range x {
			if msg := keptIn(x[i], y[i], fmt.Sprintf("%s[%d]", at, i)); msg != "" {
				return msg
			}
		}
	default:
		if !reflect.DeepEqual(in, out) {
			return fmt.Sprintf("%s changed from %v to %v", at, in, out)
		}
	}
	return ""
}

func isEmptyJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case string:
		return x == ""
	case bool:
		return !x
	case float64:
		return x == 0
	}
	return false
}

// TestUpperCaseUUIDsAreSentLowerCased: the API wants lower-case UUIDs; the
// client takes them in any case and sends them lower-cased, without
// changing the caller's slice. Readable ids keep their case.
func TestUpperCaseUUIDsAreSentLowerCased(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	upperCase, upperUser := strings.ToUpper(coralogixtest.SeedCaseID), strings.ToUpper(user)
	ids := []string{upperCase, "CASE-124"}
	cases, err := c.AssignCases(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: upperUser}, IDs: ids})
	require.NoError(t, err)
	assert.Len(t, cases, 2)
	assert.Equal(t, []string{upperCase, "CASE-124"}, ids, "the caller's slice is unchanged")
	_, err = c.AssignCase(context.Background(), upperCase, coralogix.UserDetails{UserID: upperUser})
	require.NoError(t, err)
	_, err = c.GetCase(context.Background(), upperCase)
	require.NoError(t, err)
	res, err := c.UnassignCasesInBatches(context.Background(), []string{upperCase, coralogixtest.SeedCaseID}, coralogix.BulkOptions{})
	require.NoError(t, err)
	assert.Len(t, res.Cases, 1, "the two spellings are one id")
	for _, r := range srv.Requests() {
		assert.NotContains(t, r.Path+r.RawQuery+string(r.Body), upperCase)
		assert.NotContains(t, string(r.Body), upperUser)
	}
}

// TestUnassignCasesInBatches: every id once, no request with more than
// 1000 ids or a query over MaxUnassignURLBytes, progress in ids.
func TestUnassignCasesInBatches(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	readable := srv.AddCases("UNB", 1200)
	var ids []string
	for _, r := range readable {
		cs, ok := srv.Case(r)
		require.True(t, ok)
		ids = append(ids, cs.ID) // UUIDs: 36 bytes each in the query
	}
	_, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: ids}, coralogix.BulkOptions{})
	require.NoError(t, err)
	srv.ResetRequests()
	withDups := append(append([]string{}, ids...), ids[:10]...)
	var last [2]int
	var mu sync.Mutex
	res, err := c.UnassignCasesInBatches(context.Background(), withDups, coralogix.BulkOptions{Concurrency: 3, OnProgress: func(done, total int) {
		mu.Lock()
		last = [2]int{done, total}
		mu.Unlock()
	}})
	require.NoError(t, err)
	assert.Len(t, res.Cases, len(ids))
	assert.Equal(t, [2]int{len(ids), len(ids)}, last, "progress counts distinct ids")
	seen := map[string]int{}
	reqs := srv.Requests()
	require.Greater(t, len(reqs), 1, "the URL bound split the ids")
	for _, r := range reqs {
		assert.Equal(t, http.MethodDelete, r.Method)
		assert.LessOrEqual(t, len(r.RawQuery), coralogix.MaxUnassignURLBytes)
		q, err := url.ParseQuery(r.RawQuery)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(q["ids"]), coralogix.MaxIDs)
		for _, id := range q["ids"] {
			seen[id]++
		}
	}
	assert.Len(t, seen, len(ids))
	for id, n := range seen {
		assert.Equal(t, 1, n, id)
	}
	for _, r := range readable {
		cs, _ := srv.Case(r)
		assert.Nil(t, cs.Assignee, r)
	}
}

// An unknown case may come back as 404 or, since the spec declares no 404
// for get-case and list-events, as 400: errors.Is(err, ErrNotFound) holds
// for both, and the 400 still matches ErrRejected.
func TestUnknownCaseIs404Or400(t *testing.T) {
	t.Parallel()
	for _, status := range []int{404, 400} {
		srv, c := newServer(t)
		srv.Inject(coralogixtest.Fault{Status: status, Body: `{"code":` + strconv.Itoa(status) + `,"message":"case CASE-999 not found"}`, Times: 2})
		_, err := c.GetCase(context.Background(), "CASE-999")
		assert.ErrorIs(t, err, coralogix.ErrNotFound, status)
		_, err = c.ListCaseEvents(context.Background(), "CASE-999")
		assert.ErrorIs(t, err, coralogix.ErrNotFound, status)
		if status == 400 {
			assert.ErrorIs(t, err, coralogix.ErrRejected)
		}
	}
	srv, c := newServer(t)
	srv.Inject(coralogixtest.Fault{Status: 400, Body: `{"code":400,"message":"assignee.userId: value does not match pattern"}`})
	_, err := c.GetCase(context.Background(), "CASE-999")
	assert.NotErrorIs(t, err, coralogix.ErrNotFound, "another 400 is not a missing case")
}

// coralogixtest writes timestamps as Coralogix does: with milliseconds.
func TestTestServerTimestampsHaveMilliseconds(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	_, err := c.AssignCase(context.Background(), "CASE-124", coralogix.UserDetails{UserID: user})
	require.NoError(t, err)
	for _, path := range []string{"/mgmt/openapi/5/cases/cases/v1/CASE-124", "/mgmt/openapi/5/cases/cases/v1/CASE-124/events"} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		stamps := regexp.MustCompile(`"\d{4}-\d\d-\d\dT[^"]*"`).FindAllString(string(b), -1)
		require.NotEmpty(t, stamps, path)
		for _, s := range stamps {
			assert.Regexp(t, `^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$`, s, path)
		}
	}
}

// A 400 about something else than a missing case (an unknown assignee) is
// not taken for a missing case.
func TestOnlyAMissingCaseIsNotFound(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	srv.Inject(coralogixtest.Fault{Status: 400, Body: `{"code":400,"message":"assignee user 3af152ee-9eaf-4803-87f1-23c5fb2fbaa0 not found"}`})
	_, err := c.AssignCase(context.Background(), "CASE-124", coralogix.UserDetails{UserID: user})
	assert.ErrorIs(t, err, coralogix.ErrRejected)
	assert.NotErrorIs(t, err, coralogix.ErrNotFound)
}

package coralogix_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docEvents is the answer of Coralogix's documented "List events for a
// case" sample, with an unassignment and a user actor (kinds the SDK does
// not type) and unknown members at several depths added.
const docEvents = `{
  "events": [
    {
      "actor": {"apiKey": {"id": "2b1c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e", "name": "Incident Management Integration Key"}},
      "createTime": "2025-09-22T10:30:00.000Z",
      "eventData": {"assigned": {"assigneeUserId": "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0", "previousAssigneeUserId": "<string>", "reason": "rota"}},
      "eventId": "ef51d3d9-a301-496b-aa7d-9a6e519ba0d5",
      "eventTime": "2025-09-22T10:29:45.000Z",
      "updateTime": "2023-11-07T05:31:56Z"
    },
    {
      "actor": {"user": {"userId": "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"}},
      "eventData": {"unassigned": {"previousAssigneeUserId": "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"}},
      "eventId": "0f51d3d9-a301-496b-aa7d-9a6e519ba0d6",
      "eventTime": "2025-09-22T11:00:00Z",
      "source": "ui"
    }
  ]
}`

func eventsServer(t *testing.T, body string) *coralogix.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c, err := coralogix.NewClient("k", coralogix.WithBaseURL(srv.URL), coralogix.WithRetryMax(0))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestListCaseEventsDecodesTheDocumentedAnswer(t *testing.T) {
	t.Parallel()
	c := eventsServer(t, docEvents)
	events, err := c.ListCaseEvents(context.Background(), "CASE-123")
	require.NoError(t, err)
	require.Len(t, events, 2)

	e := events[0]
	assert.Equal(t, "ef51d3d9-a301-496b-aa7d-9a6e519ba0d5", e.EventID)
	assert.Equal(t, time.Date(2025, 9, 22, 10, 29, 45, 0, time.UTC), e.EventTime)
	assert.Equal(t, time.Date(2025, 9, 22, 10, 30, 0, 0, time.UTC), e.CreateTime)
	require.NotNil(t, e.Actor)
	assert.Equal(t, "apiKey", e.Actor.Kind)
	require.NotNil(t, e.Actor.APIKey)
	assert.Equal(t, "Incident Management Integration Key", e.Actor.APIKey.Name)
	require.NotNil(t, e.EventData)
	assert.Equal(t, coralogix.EventAssigned, e.EventData.Kind)
	require.NotNil(t, e.EventData.Assigned)
	assert.Equal(t, user, e.EventData.Assigned.AssigneeUserID)
	assert.Equal(t, "<string>", e.EventData.Assigned.PreviousAssigneeUserID)

	u := events[1]
	assert.Equal(t, "user", u.Actor.Kind)
	assert.Nil(t, u.Actor.APIKey)
	assert.JSONEq(t, `{"userId":"`+user+`"}`, string(u.Actor.Variant))
	assert.Equal(t, coralogix.EventUnassigned, u.EventData.Kind)
	assert.Nil(t, u.EventData.Assigned)
	assert.JSONEq(t, `{"previousAssigneeUserId":"`+user+`"}`, string(u.EventData.Variant))
	assert.Equal(t, map[string]json.RawMessage{"source": json.RawMessage(`"ui"`)}, u.Extra)

	// Nothing is lost on a re-encode: unknown members at every depth and
	// the variants the SDK does not type come back.
	var doc struct {
		Events []json.RawMessage `json:"events"`
	}
	require.NoError(t, json.Unmarshal([]byte(docEvents), &doc))
	for i := range events {
		b, err := json.Marshal(events[i])
		require.NoError(t, err)
		var in, out any
		require.NoError(t, json.Unmarshal(doc.Events[i], &in))
		require.NoError(t, json.Unmarshal(b, &out))
		assert.Empty(t, keptIn(normalize(in), normalize(out), "$"), "%s", b)
	}
}

func TestListCaseEventsRefusesAnswersWithoutEvents(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"no events member": `{"cases": []}`,
		"not an object":    `[]`,
		"events not array": `{"events": {}}`,
		"truncated":        `{"events": [{"eventId":"e1","eventTime":"2025-`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := eventsServer(t, body)
			events, err := c.ListCaseEvents(context.Background(), "CASE-1")
			require.Error(t, err)
			assert.ErrorIs(t, err, coralogix.ErrUnexpectedResponse)
			assert.Nil(t, events)
		})
	}
	t.Run("empty timeline", func(t *testing.T) {
		t.Parallel()
		c := eventsServer(t, `{"events": []}`)
		events, err := c.ListCaseEvents(context.Background(), "CASE-1")
		require.NoError(t, err)
		assert.Equal(t, []coralogix.CaseEvent{}, events)
	})
}

func TestCaseEventsRecordAssignmentHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, c := newServer(t)
	const other = "0b2c3d4e-0000-4000-8000-00000000abcd"

	events, err := c.ListCaseEvents(ctx, "CASE-124")
	require.NoError(t, err)
	assert.Empty(t, events)

	_, err = c.AssignCase(ctx, "CASE-124", coralogix.UserDetails{UserID: user})
	require.NoError(t, err)
	_, err = c.AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: other}, IDs: []string{"CASE-124"}})
	require.NoError(t, err)
	_, err = c.UnassignCase(ctx, coralogixtest.SeedUnassignedID) // the same case by UUID
	require.NoError(t, err)

	events, err = c.ListCaseEvents(ctx, coralogixtest.SeedUnassignedID)
	require.NoError(t, err)
	require.Len(t, events, 3)
	kinds := []string{}
	for _, e := range events {
		kinds = append(kinds, e.EventData.Kind)
		assert.NotEmpty(t, e.EventID)
		assert.False(t, e.EventTime.IsZero())
		require.NotNil(t, e.Actor.APIKey)
		assert.Equal(t, coralogixtest.ActorKeyID, e.Actor.APIKey.ID)
	}
	assert.Equal(t, []string{coralogix.EventAssigned, coralogix.EventAssigned, coralogix.EventUnassigned}, kinds)
	assert.Equal(t, coralogix.AssignedEvent{AssigneeUserID: user}, *events[0].EventData.Assigned)
	assert.Equal(t, coralogix.AssignedEvent{AssigneeUserID: other, PreviousAssigneeUserID: user}, *events[1].EventData.Assigned)
	require.NotNil(t, events[2].EventData.Unassigned, "the fake sends the spec's unassigned variant, typed")
	assert.Equal(t, coralogix.UnassignedEvent{PreviousAssigneeUserID: other}, *events[2].EventData.Unassigned)

	_, err = c.ListCaseEvents(ctx, "CASE-999")
	var apiErr *coralogix.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Len(t, srv.Requests(), 6)
}

func FuzzDecodeCaseEvent(f *testing.F) {
	var doc struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal([]byte(docEvents), &doc); err != nil {
		f.Fatal(err)
	}
	for _, e := range doc.Events {
		f.Add([]byte(e))
	}
	f.Add([]byte(`{"eventData":{"assigned":null,"assignFailed":{"x":1}}}`))
	f.Add([]byte(`{"actor":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var e coralogix.CaseEvent
		if json.Unmarshal(data, &e) != nil {
			return
		}
		var again coralogix.CaseEvent
		roundTrip(t, data, e, &again)
		if (e.EventData == nil) != (again.EventData == nil) || e.EventData != nil && e.EventData.Kind != again.EventData.Kind {
			t.Fatalf("event kind changed: %s", data)
		}
	})
}

// TestTestServerEventsHaveTheDocumentedShape checks coralogixtest's raw
// answer against the documented "List events for a case" response (the
// published OpenAPI document we validate the other routes with has no
// events route): a required events array whose items carry eventId,
// eventTime, createTime, updateTime, and one-of actor and eventData
// objects holding exactly one member each.
func TestTestServerEventsHaveTheDocumentedShape(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	_, err := c.AssignCase(ctx, "CASE-125", coralogix.UserDetails{UserID: user})
	require.NoError(t, err)
	_, err = c.UnassignCases(ctx, []string{"CASE-125"})
	require.NoError(t, err)

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/mgmt/openapi/5/cases/cases/v1/CASE-125/events", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var doc map[string]json.RawMessage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	require.Contains(t, doc, "events")
	var events []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(doc["events"], &events))
	require.Len(t, events, 2)
	for i, e := range events {
		for _, name := range []string{"eventId", "eventTime", "createTime", "updateTime", "actor", "eventData"} {
			assert.Contains(t, e, name, "events[%d]", i)
		}
		for _, name := range []string{"eventId", "eventTime", "createTime", "updateTime"} {
			var s string
			assert.NoError(t, json.Unmarshal(e[name], &s), "events[%d].%s is a string", i, name)
			assert.NotEmpty(t, s)
		}
		for _, name := range []string{"actor", "eventData"} {
			var one map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(e[name], &one), "events[%d].%s", i, name)
			assert.Len(t, one, 1, "events[%d].%s is a one-of: %s", i, name, e[name])
		}
	}
}

// Hostile or odd events never fail the timeline, and are never typed as
// what they are not: an event whose timestamp does not parse keeps its
// text (in Extra, written back as read); a member that does not fit its
// field likewise; a one-of holding two variants types neither and is kept
// whole; the unassigned variant of the spec is typed.
func TestOddEventsAreKeptNotFailed(t *testing.T) {
	t.Parallel()
	body := `{"events": [` +
		`{"eventId":"e1","eventTime":"yesterday at noon","eventData":{"assigned":{"assigneeUserId":"u2"}}},` +
		`{"eventId":"e2","eventData":[]},` +
		`{"eventId":"e3","actor":{"apiKey":{"id":"k1"},"user":{"id":"u9"}},"eventData":{"assigned":{"assigneeUserId":"u1"},"unassigned":{"previousAssigneeUserId":"u0"}}},` +
		`{"eventId":"e4","eventTime":"2025-01-02T03:04:05.000Z","eventData":{"unassigned":{"previousAssigneeUserId":"u1"}}}` +
		`]}`
	c := eventsServer(t, body)
	events, err := c.ListCaseEvents(context.Background(), "CASE-1")
	require.NoError(t, err)
	require.Len(t, events, 4)

	assert.True(t, events[0].EventTime.IsZero())
	assert.JSONEq(t, `"yesterday at noon"`, string(events[0].Extra["eventTime"]))
	require.NotNil(t, events[0].EventData.Assigned)
	assert.Equal(t, "u2", events[0].EventData.Assigned.AssigneeUserID)

	assert.Nil(t, events[1].EventData)
	assert.JSONEq(t, `[]`, string(events[1].Extra["eventData"]))

	a, d := events[2].Actor, events[2].EventData
	require.NotNil(t, a)
	require.NotNil(t, d)
	assert.Nil(t, a.APIKey, "two variants: none typed")
	assert.Empty(t, a.Kind)
	assert.JSONEq(t, `{"apiKey":{"id":"k1"},"user":{"id":"u9"}}`, string(a.Variant))
	assert.Nil(t, d.Assigned)
	assert.Nil(t, d.Unassigned)
	assert.Empty(t, d.Kind)

	require.NotNil(t, events[3].EventData.Unassigned)
	assert.Equal(t, coralogix.EventUnassigned, events[3].EventData.Kind)
	assert.Equal(t, "u1", events[3].EventData.Unassigned.PreviousAssigneeUserID)

	var doc struct {
		Events []json.RawMessage `json:"events"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	for i := range events {
		b, err := json.Marshal(events[i])
		require.NoError(t, err)
		var in, out any
		require.NoError(t, json.Unmarshal(doc.Events[i], &in))
		require.NoError(t, json.Unmarshal(b, &out))
		assert.Equal(t, normalize(in), normalize(out), "written back as read: %s", b)
	}
}

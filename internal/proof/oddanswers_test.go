package proof

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// oddAnswer is a server behaviour that says nothing about the work asked
// for, while looking like a success.
type oddAnswer struct {
	name  string
	serve func(w http.ResponseWriter, r *http.Request)
}

func oddAnswers() []oddAnswer {
	body := func(ctype, b string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, _ *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			} else {
				w.Header()["Content-Type"] = nil
			}
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(b))
		}
	}
	return []oddAnswer{
		{"HTML page (200)", body("text/html; charset=utf-8", "<!doctype html><title>Sign in</title><form></form>")},
		{"HTML page labelled JSON (200)", body("application/json", "<html><body>maintenance</body></html>")},
		{"empty body (200)", body("application/json", "")},
		{"no content (204)", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }},
		{"empty object (200)", body("application/json", "{}")},
		{"null (200)", body("", "null")},
		{"truncated JSON (200)", body("application/json", `{"data":{"id":"x","type":"incidents","attributes":{`)},
		{"redirect to a JSON page (302)", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/landing" {
				body("application/json", `{"ok":true}`)(w, r)
				return
			}
			http.Redirect(w, r, "/landing", http.StatusFound)
		}},
	}
}

// call is one public operation of one package against the odd server.
type call struct {
	name string
	run  func(ctx context.Context) error
}

// firstErr returns the first error an iterator yields (nil if none).
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func callsOf(t *testing.T, url string) []call {
	t.Helper()
	const uuid = "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"
	cx, err := coralogix.NewClient("cx-key-0123456789", coralogix.WithBaseURL(url), coralogix.WithRetryMax(0))
	require.NoError(t, err)
	th, err := thalamus.NewClient(url, thalamus.Credentials{Touchpoint: "tp", Token: "thalamus-token-0123"}, thalamus.WithRetryMax(0))
	require.NoError(t, err)
	am, err := actionmgmt.NewClient(url, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "forsta-token-0123"}), actionmgmt.WithRetryMax(0))
	require.NoError(t, err)
	ro, err := rootly.NewClient("rootly-token-0123456", rootly.WithBaseURL(url), rootly.WithRetryMax(0))
	require.NoError(t, err)
	t.Cleanup(func() {
		cx.CloseIdleConnections()
		th.CloseIdleConnections()
		am.CloseIdleConnections()
		ro.CloseIdleConnections()
	})
	user := coralogix.UserDetails{UserID: uuid}
	rr := rootly.AssignRoleRequest{UserID: "317", IncidentRoleID: uuid}
	member := actionmgmt.RoleMember{RoleID: 1, UserID: 2}
	return []call{
		{"coralogix AssignCases", func(ctx context.Context) error {
			_, err := cx.AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: user, IDs: []string{"CASE-1"}})
			return err
		}},
		{"coralogix AssignCase", func(ctx context.Context) error { _, err := cx.AssignCase(ctx, "CASE-1", user); return err }},
		{"coralogix UnassignCases", func(ctx context.Context) error { _, err := cx.UnassignCases(ctx, []string{"CASE-1"}); return err }},
		{"coralogix UnassignCase", func(ctx context.Context) error { _, err := cx.UnassignCase(ctx, "CASE-1"); return err }},
		{"coralogix GetCase", func(ctx context.Context) error { _, err := cx.GetCase(ctx, "CASE-1"); return err }},
		{"coralogix ListCases", func(ctx context.Context) error { _, err := cx.ListCases(ctx, nil); return err }},
		{"coralogix AllCases", func(ctx context.Context) error { return firstErr(cx.AllCases(ctx, nil)) }},
		{"coralogix ListCaseEvents", func(ctx context.Context) error { _, err := cx.ListCaseEvents(ctx, "CASE-1"); return err }},
		{"coralogix AssignCasesInBatches", func(ctx context.Context) error {
			_, err := cx.AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{Assignee: user, IDs: []string{"CASE-1", "CASE-2"}}, coralogix.BulkOptions{})
			return err
		}},
		{"coralogix UnassignCasesInBatches", func(ctx context.Context) error {
			_, err := cx.UnassignCasesInBatches(ctx, []string{"CASE-1", "CASE-2"}, coralogix.BulkOptions{})
			return err
		}},
		{"thalamus AssignCase", func(ctx context.Context) error {
			_, err := th.AssignCase(ctx, 1, thalamus.ToOperator("a@example.com"))
			return err
		}},
		{"thalamus AssignCases", func(ctx context.Context) error {
			_, err := th.AssignCases(ctx, []int64{1, 2}, thalamus.ToGroup("support"), thalamus.BulkOptions{})
			return err
		}},
		{"thalamus GetCase", func(ctx context.Context) error { _, err := th.GetCase(ctx, 1); return err }},
		{"actionmgmt ListRoles", func(ctx context.Context) error { _, err := am.ListRoles(ctx, 1); return err }},
		{"actionmgmt QueryEndUsers", func(ctx context.Context) error { _, err := am.QueryEndUsers(ctx, 1, 1, nil); return err }},
		{"actionmgmt AllEndUsers", func(ctx context.Context) error { return firstErr(am.AllEndUsers(ctx, 1, 1, nil)) }},
		{"actionmgmt QueryCases", func(ctx context.Context) error { _, err := am.QueryCases(ctx, 1, actionmgmt.CaseQuery{}); return err }},
		{"actionmgmt AllCases", func(ctx context.Context) error { return firstErr(am.AllCases(ctx, 1, actionmgmt.CaseQuery{})) }},
		{"actionmgmt GetCase", func(ctx context.Context) error { _, err := am.GetCase(ctx, 1, 1); return err }},
		{"actionmgmt UpdateCase", func(ctx context.Context) error { _, err := am.UpdateCase(ctx, 1, &actionmgmt.Case{ID: 1}); return err }},
		{"actionmgmt AssignUser", func(ctx context.Context) error { _, err := am.AssignUser(ctx, 1, 1, member); return err }},
		{"actionmgmt UnassignUser", func(ctx context.Context) error { _, err := am.UnassignUser(ctx, 1, 1, member); return err }},
		{"actionmgmt MoveUser", func(ctx context.Context) error { _, err := am.MoveUser(ctx, 1, 1, 1, 3, 2); return err }},
		{"actionmgmt ModifyCase", func(ctx context.Context) error {
			_, err := am.ModifyCase(ctx, 1, 1, func(*actionmgmt.Case) error { return nil })
			return err
		}},
		{"rootly AssignRoleToUser", func(ctx context.Context) error { _, err := ro.AssignRoleToUser(ctx, uuid, rr); return err }},
		{"rootly UnassignRoleFromUser", func(ctx context.Context) error { _, err := ro.UnassignRoleFromUser(ctx, uuid, rr); return err }},
		{"rootly AssignRoles", func(ctx context.Context) error {
			_, err := ro.AssignRoles(ctx, []rootly.Assignment{{IncidentID: uuid, AssignRoleRequest: rr}}, rootly.BulkOptions{})
			return err
		}},
		{"rootly AssignRoleByEmail", func(ctx context.Context) error {
			_, err := ro.AssignRoleByEmail(ctx, uuid, rootly.AssignRoleByEmailRequest{Email: "a@example.com", RoleSlug: "commander"})
			return err
		}},
		{"rootly GetIncident", func(ctx context.Context) error { _, err := ro.GetIncident(ctx, uuid); return err }},
		{"rootly ListIncidents", func(ctx context.Context) error { _, err := ro.ListIncidents(ctx, nil); return err }},
		{"rootly AllIncidents", func(ctx context.Context) error { return firstErr(ro.AllIncidents(ctx, nil)) }},
		{"rootly ListIncidentRoles", func(ctx context.Context) error { _, err := ro.ListIncidentRoles(ctx, nil); return err }},
		{"rootly AllIncidentRoles", func(ctx context.Context) error { return firstErr(ro.AllIncidentRoles(ctx, nil)) }},
		{"rootly ListUsers", func(ctx context.Context) error { _, err := ro.ListUsers(ctx, nil); return err }},
		{"rootly AllUsers", func(ctx context.Context) error { return firstErr(ro.AllUsers(ctx, nil)) }},
		{"rootly GetUser", func(ctx context.Context) error { _, err := ro.GetUser(ctx, "317"); return err }},
		{"rootly GetIncidentRole", func(ctx context.Context) error { _, err := ro.GetIncidentRole(ctx, uuid); return err }},
	}
}

// TestNoOddAnswerIsASuccess: every call of every package, against a
// server that answers every request with something that is not the
// call's document (an HTML page, an empty or truncated body, {}, null, a
// redirect), fails with an error matching ErrUnexpectedResponse. None
// reports success, and none lists nothing as if the list were empty.
func TestNoOddAnswerIsASuccess(t *testing.T) {
	t.Parallel()
	for _, odd := range oddAnswers() {
		t.Run(odd.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(odd.serve))
			defer srv.Close()
			for _, c := range callsOf(t, srv.URL) {
				err := c.run(context.Background())
				if !assert.Error(t, err, c.name) {
					continue
				}
				assert.True(t, errors.Is(err, core.ErrUnexpectedResponse), "%s: %v", c.name, err)
				var be interface{ Unwrap() []error }
				if errors.As(err, &be) && strings.Contains(c.name, "Batches") {
					assert.NotEmpty(t, be.Unwrap(), c.name)
				}
			}
		})
	}
}

// TestAnswersAboutAnotherObjectAreNotSuccesses: a well-formed answer about
// another case or incident than the one asked for, about none, or that
// does not show the change asked for, is an error for every call that
// names one object; a bulk answer that leaves an id out, or still shows an
// assignee after an unassignment, does not confirm that id.
func TestAnswersAboutAnotherObjectAreNotSuccesses(t *testing.T) {
	t.Parallel()
	const (
		asked = "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"
		other = "99999999-9999-4999-8999-999999999999"
		user  = "0aa0aa0a-0000-4000-8000-000000000001"
	)
	cx := func(t *testing.T, body string) *coralogix.Client {
		c, err := coralogix.NewClient("cx-key-0123456789", coralogix.WithBaseURL(serveBody(t, body)), coralogix.WithRetryMax(0))
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		return c
	}
	ro := func(t *testing.T, body string) *rootly.Client {
		c, err := rootly.NewClient("rootly-token-0123456", rootly.WithBaseURL(serveBody(t, body)), rootly.WithRetryMax(0))
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		return c
	}
	ctx := context.Background()
	for _, body := range []string{
		`{"case":{"id":"` + other + `","title":"t","assignee":{"userId":"` + user + `"}}}`,
		`{"case":{}}`, `{"case":{"id":""}}`,
	} {
		_, err := cx(t, body).AssignCase(ctx, asked, coralogix.UserDetails{UserID: user})
		assert.ErrorIs(t, err, core.ErrUnexpectedResponse, body)
		_, err = cx(t, body).UnassignCase(ctx, asked)
		assert.ErrorIs(t, err, core.ErrUnexpectedResponse, body)
		_, err = cx(t, body).GetCase(ctx, asked)
		assert.ErrorIs(t, err, core.ErrUnexpectedResponse, body)
	}
	_, err := cx(t, `{"case":{"id":"`+asked+`","assignee":{"userId":"`+other+`"}}}`).AssignCase(ctx, asked, coralogix.UserDetails{UserID: user})
	assert.ErrorIs(t, err, coralogix.ErrNotConfirmed, "another assignee")
	_, err = cx(t, `{"case":{"id":"`+asked+`","assignee":{"userId":12345}}}`).UnassignCase(ctx, asked)
	assert.ErrorIs(t, err, coralogix.ErrNotConfirmed, "an assignee the SDK cannot type is still an assignee")

	for _, body := range []string{`{"cases":[]}`, `{"cases":[{"id":"` + other + `","assignee":{"userId":"` + user + `"}}]}`} {
		_, err := cx(t, body).AssignCases(ctx, coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: []string{asked}})
		assert.ErrorIs(t, err, coralogix.ErrNotConfirmed, body)
	}
	res, err := cx(t, `{"cases":[{"id":"`+asked+`","assignee":{"userId":12345}}]}`).UnassignCasesInBatches(ctx, []string{asked}, coralogix.BulkOptions{})
	assert.ErrorIs(t, err, coralogix.ErrNotConfirmed)
	assert.Empty(t, res.SucceededIDs)

	// Members that only look like "id" do not name the case: "_id" is not
	// "id", and a UUID in readableId is not a readable id.
	for name, body := range map[string]string{
		"_id":                `{"cases":[{"id":"` + other + `","_id":"` + asked + `","assignee":{"userId":"` + user + `"}}]}`,
		"i_d":                `{"cases":[{"id":"` + other + `","i_d":"` + asked + `","assignee":{"userId":"` + user + `"}}]}`,
		"a UUID as readable": `{"cases":[{"id":"` + other + `","readableId":"` + asked + `","assignee":{"userId":"` + user + `"}}]}`,
	} {
		res, err := cx(t, body).AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: []string{asked}}, coralogix.BulkOptions{})
		assert.ErrorIs(t, err, coralogix.ErrNotConfirmed, name)
		assert.Empty(t, res.SucceededIDs, name)
	}
	amc := func(t *testing.T, body string) *actionmgmt.Client {
		c, err := actionmgmt.NewClient(serveBody(t, body), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "forsta-token-0123"}), actionmgmt.WithRetryMax(0))
		require.NoError(t, err)
		t.Cleanup(c.CloseIdleConnections)
		return c
	}
	for _, body := range []string{`{"id":9,"name":"case nine","_id":7}`, `{"id":9,"I-D":7}`, `{"_id":7}`} {
		_, err := amc(t, body).GetCase(ctx, 1, 7)
		assert.ErrorIs(t, err, core.ErrUnexpectedResponse, body)
	}

	incident := func(id string, roles string) string {
		return `{"data":{"id":"` + id + `","type":"incidents","attributes":{"title":"t","slug":"s","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z"},` +
			`"relationships":{"roles":{"data":[` + roles + `]}}},"included":[{"id":"ra1","type":"incident_role_assignments","attributes":{` +
			`"incident_role":{"data":{"id":"` + other + `","type":"incident_roles","attributes":{"name":"R","slug":"r"}}},` +
			`"user":{"data":{"id":"317","type":"users","attributes":{"name":"U","email":"u@example.com"}}}}}]}`
	}
	req := rootly.AssignRoleRequest{UserID: "317", IncidentRoleID: asked}
	for name, body := range map[string]string{
		"another incident":          incident(other, `{"id":"ra1","type":"incident_role_assignments"}`),
		"no incident id":            `{"data":{"type":"incidents","attributes":{}}}`,
		"the user in another role":  incident(asked, `{"id":"ra1","type":"incident_role_assignments"}`),
		"no role assignment at all": incident(asked, ``),
	} {
		_, err := ro(t, body).AssignRoleToUser(ctx, asked, req)
		assert.ErrorIs(t, err, core.ErrUnexpectedResponse, name)
	}
	_, err = ro(t, incident(other, ``)).GetIncident(ctx, asked)
	assert.ErrorIs(t, err, core.ErrUnexpectedResponse)
	inc, err := ro(t, incident(asked, `{"id":"ra1","type":"incident_role_assignments"}`)).UnassignRoleFromUser(ctx, asked, req)
	assert.NoError(t, err, "the user is in another role only: the unassignment shows")
	assert.NotNil(t, inc)
}

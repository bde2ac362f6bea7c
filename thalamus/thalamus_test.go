package thalamus_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var creds = thalamus.Credentials{Touchpoint: thalamustest.Touchpoint, Token: thalamustest.Token}

func newServer(t testing.TB, opts ...thalamus.Option) (*thalamustest.Server, *thalamus.Client) {
	t.Helper()
	srv := thalamustest.NewServer()
	t.Cleanup(srv.Close)
	opts = append([]thalamus.Option{thalamus.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := thalamus.NewClient(srv.URL, creds, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

func TestWireFormatHeaderMode(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	_, err := c.AssignCase(ctx, thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	require.NoError(t, err)
	_, err = c.AssignCase(ctx, thalamustest.BillingCase, thalamus.ToGroup(thalamustest.SupportGroup))
	require.NoError(t, err)

	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	for i, want := range []struct{ path, body string }{
		{"/api/v4/cases/1001/assignment", `{"email":"ana.lima@example.com"}`},
		{"/api/v4/cases/1002/assignment", `{"groupName":"Tier 2 Support"}`},
	} {
		r := reqs[i]
		assert.Equal(t, http.MethodPut, r.Method)
		assert.Equal(t, want.path, r.RawPath)
		assert.Empty(t, r.RawQuery, "no credential in the URL")
		assert.Equal(t, thalamustest.Touchpoint, r.Header.Get("Thalamus-Touchpoint"))
		assert.Equal(t, thalamustest.Token, r.Header.Get("Thalamus-Token"))
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Contains(t, r.Header.Get("User-Agent"), "(thalamus)")
		assert.Equal(t, want.body, string(r.Body))
	}
	assert.Empty(t, reqs[0].Header.Get("Cookie"))
	assert.Equal(t, "THALAMUS_SESSION=session-1", reqs[1].Header.Get("Cookie"), "the session cookie is kept across calls")
	assert.Equal(t, 1, srv.Sessions())
}

func TestWireFormatQueryMode(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, thalamus.WithCredentialsInQuery())
	_, err := c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, "/api/v4/cases/1001/assignment", r.RawPath)
	assert.Equal(t, "token="+thalamustest.Token+"&touchpoint="+thalamustest.Touchpoint, r.RawQuery)
	assert.Empty(t, r.Header.Get("Thalamus-Touchpoint"))
	assert.Empty(t, r.Header.Get("Thalamus-Token"))
}

func TestQueryModeSecretsStayOut(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	logger := slogDebug(w)
	srv, c := newServer(t, thalamus.WithCredentialsInQuery(), thalamus.WithLogger(logger))
	srv.Inject(thalamustest.Fault{Drop: true, Times: 10})
	_, err := c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), thalamustest.Token)
	assert.NotContains(t, err.Error(), "token=")

	srv.ClearFaults()
	srv.Inject(thalamustest.Fault{Status: 400, Body: `{"errors":{"token":"` + thalamustest.Token + `"}}`})
	_, err = c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	var ae *thalamus.APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, err.Error(), thalamustest.Token, "an echoed token is redacted")
	assert.NotContains(t, string(ae.Body), thalamustest.Token)

	mu.Lock()
	defer mu.Unlock()
	assert.NotContains(t, buf.String(), thalamustest.Token)
	assert.NotContains(t, buf.String(), "token=")
	assert.Contains(t, buf.String(), "level=DEBUG")
}

func TestRedirectToAnotherHostCarriesNoCredential(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"headers", "query"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			redirectCarriesNoCredential(t, mode)
		})
	}
}

// redirectCarriesNoCredential: a 302 to another host would turn the PUT
// into a GET, so it is refused as not the write's answer; a 307 would
// resend the body, so it is refused too. Nothing arrives there; a GET
// (GetCase) is followed without any credential.
func redirectCarriesNoCredential(t *testing.T, mode string) {
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		var got *http.Request
		var mu sync.Mutex
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			got = r.Clone(context.Background())
			mu.Unlock()
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"context":{},"case":{"id":1001}}`))
		}))
		defer other.Close()
		target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target+r.URL.RequestURI(), code)
		}))
		defer origin.Close()
		var opts []thalamus.Option
		if mode == "query" {
			opts = append(opts, thalamus.WithCredentialsInQuery())
		}
		c, err := thalamus.NewClient(origin.URL, creds, opts...)
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		_, err = c.AssignCase(context.Background(), 1001, thalamus.ToOperator(thalamustest.ActiveOperator))
		mu.Lock()
		if code == http.StatusTemporaryRedirect {
			assert.ErrorContains(t, err, "to another origin")
		} else {
			assert.ErrorIs(t, err, thalamus.ErrUnexpectedResponse)
		}
		assert.Nil(t, got, "nothing reached the other host")
		mu.Unlock()
		if code == http.StatusTemporaryRedirect {
			continue
		}
		cs, err := c.GetCase(context.Background(), 1001)
		mu.Lock()
		defer mu.Unlock()
		require.NoError(t, err)
		assert.Equal(t, int64(1001), cs.ID)
		require.NotNil(t, got)
		assert.Equal(t, http.MethodGet, got.Method)
		assert.Empty(t, got.Header.Get("Thalamus-Token"))
		assert.Empty(t, got.Header.Get("Thalamus-Touchpoint"))
		assert.NotContains(t, got.URL.RawQuery, "token")
		assert.NotContains(t, got.URL.RawQuery, thalamustest.Token)
	}
}

func TestErrorCodesEndToEnd(t *testing.T) {
	t.Parallel()
	all := []error{thalamus.ErrInvalidID, thalamus.ErrOperatorNotValid, thalamus.ErrInvalidGroupName,
		thalamus.ErrNotAuthorized, thalamus.ErrOperatorBlocked, thalamus.ErrBothTargets, thalamus.ErrNoTarget}
	tests := []struct {
		name  string
		id    int64
		to    thalamus.Assignee
		fault *thalamustest.Fault
		want  []error
		pairs thalamus.FieldErrors
	}{
		{"unknown case", 9999, thalamus.ToOperator(thalamustest.ActiveOperator), nil,
			[]error{thalamus.ErrInvalidID}, thalamus.FieldErrors{{Field: "caseInstanceId", Code: "invalidId"}}},
		{"unknown operator", 1001, thalamus.ToOperator("nobody@example.com"), nil,
			[]error{thalamus.ErrOperatorNotValid}, thalamus.FieldErrors{{Field: "email", Code: "operatorNotValid"}}},
		{"inactive operator", 1001, thalamus.ToOperator(thalamustest.InactiveOperator), nil,
			[]error{thalamus.ErrOperatorNotValid}, thalamus.FieldErrors{{Field: "email", Code: "operatorNotValid"}}},
		{"unknown group", 1001, thalamus.ToGroup("Nope"), nil,
			[]error{thalamus.ErrInvalidGroupName}, thalamus.FieldErrors{{Field: "groupName", Code: "invalidName"}}},
		{"not authorized for type", thalamustest.BillingCase, thalamus.ToOperator(thalamustest.RestrictedOperator), nil,
			[]error{thalamus.ErrNotAuthorized}, thalamus.FieldErrors{{Field: "email", Code: "isNotAuthorized"}}},
		{"blocked", 1001, thalamus.ToOperator(thalamustest.BlockedOperator), nil,
			[]error{thalamus.ErrOperatorBlocked}, thalamus.FieldErrors{{Field: "email", Code: "blocked"}}},
		{"blocked and not authorized: a duplicate key", thalamustest.BillingCase, thalamus.ToOperator(thalamustest.BlockedRestricted), nil,
			[]error{thalamus.ErrOperatorBlocked, thalamus.ErrNotAuthorized},
			thalamus.FieldErrors{{Field: "email", Code: "blocked"}, {Field: "email", Code: "isNotAuthorized"}}},
		{"server says invalid", 1001, thalamus.ToOperator(thalamustest.ActiveOperator),
			&thalamustest.Fault{Status: 400, Body: `{"errors":{"email":"invalid","groupName":"invalid"}}`},
			[]error{thalamus.ErrBothTargets}, thalamus.FieldErrors{{Field: "email", Code: "invalid"}, {Field: "groupName", Code: "invalid"}}},
		{"server says missing, other casing", 1001, thalamus.ToOperator(thalamustest.ActiveOperator),
			&thalamustest.Fault{Status: 400, Body: `{"errors":{"assignment":"Missing"}}`},
			[]error{thalamus.ErrNoTarget}, thalamus.FieldErrors{{Field: "assignment", Code: "Missing"}}},
		{"CodeRequired casing", 1001, thalamus.ToOperator(thalamustest.ActiveOperator),
			&thalamustest.Fault{Status: 400, Body: `{"errors":{"caseInstanceId":"INVALIDID","x":"CodeRequired"}}`},
			[]error{thalamus.ErrInvalidID}, thalamus.FieldErrors{{Field: "caseInstanceId", Code: "INVALIDID"}, {Field: "x", Code: "CodeRequired"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			if tt.fault != nil {
				srv.Inject(*tt.fault)
			}
			res, err := c.AssignCase(context.Background(), tt.id, tt.to)
			assert.Nil(t, res)
			var ae *thalamus.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
			assert.Equal(t, tt.pairs[0].Code, ae.Code, "Code holds the first code")
			var fe thalamus.FieldErrors
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.pairs, fe)
			for _, s := range all {
				assert.Equal(t, contains(tt.want, s), errors.Is(err, s), "%v", s)
			}
			assert.NotErrorIs(t, err, thalamus.ErrInvalidInput, "the server's answer is not a local validation")
			assert.Empty(t, srv.Events())
		})
	}
}

func contains(errs []error, e error) bool {
	for _, x := range errs {
		if x == e {
			return true
		}
	}
	return false
}

func TestUnauthorized(t *testing.T) {
	t.Parallel()
	srv := thalamustest.NewServer()
	defer srv.Close()
	c, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: "web-touchpoint", Token: "wrong-token-123"})
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.AssignCase(context.Background(), 1001, thalamus.ToOperator(thalamustest.ActiveOperator))
	assert.ErrorIs(t, err, thalamus.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "wrong-token-123")
}

func TestValidationSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		id    int64
		to    thalamus.Assignee
		field string
		kind  error
	}{
		{"zero id", 0, thalamus.ToOperator(thalamustest.ActiveOperator), "caseInstanceID", nil},
		{"negative id", -5, thalamus.ToOperator(thalamustest.ActiveOperator), "caseInstanceID", nil},
		{"both", 1, thalamus.Assignee{Email: thalamustest.ActiveOperator, GroupName: "G"}, "to", thalamus.ErrBothTargets},
		{"neither", 1, thalamus.Assignee{}, "to", thalamus.ErrNoTarget},
		{"display name", 1, thalamus.ToOperator("Ana <ana@example.com>"), "to.email", nil},
		{"angle brackets", 1, thalamus.ToOperator("<ana@example.com>"), "to.email", nil},
		{"list", 1, thalamus.ToOperator("a@example.com, b@example.com"), "to.email", nil},
		{"newline", 1, thalamus.ToOperator("ana@example.com\nBcc: x@example.com"), "to.email", nil},
		{"NUL", 1, thalamus.ToOperator("ana\x00@example.com"), "to.email", nil},
		{"not an address", 1, thalamus.ToOperator("ana.example.com"), "to.email", nil},
		{"no domain", 1, thalamus.ToOperator("ana@"), "to.email", nil},
		{"blank", 1, thalamus.ToOperator("   "), "to.email", nil},
		{"too long", 1, thalamus.ToOperator(strings.Repeat("a", 250) + "@example.com"), "to.email", nil},
		{"blank group", 1, thalamus.ToGroup(" \t "), "to.groupName", nil},
		{"control in group", 1, thalamus.ToGroup("Tier\x002"), "to.groupName", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			_, err := c.AssignCase(context.Background(), tt.id, tt.to)
			require.ErrorIs(t, err, thalamus.ErrInvalidInput)
			var ve *thalamus.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			if tt.kind != nil {
				assert.ErrorIs(t, err, tt.kind)
			}
			_, err = c.AssignCases(context.Background(), []int64{1001, tt.id}, tt.to, thalamus.BulkOptions{})
			require.ErrorAs(t, err, &ve, "bulk validates everything before sending")
			if tt.field == "caseInstanceID" {
				assert.Equal(t, "caseInstanceIDs[1]", ve.Field)
			} else {
				assert.Equal(t, tt.field, ve.Field)
			}
			assert.Empty(t, srv.Requests(), "nothing was sent")
		})
	}
}

func TestNewClientChecks(t *testing.T) {
	t.Parallel()
	_, err := thalamus.NewClient("", creds)
	assert.Error(t, err, "no default host")
	_, err = thalamus.NewClient("https://crm.example.com", thalamus.Credentials{Touchpoint: "tp"})
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput)
	_, err = thalamus.NewClient("https://crm.example.com", thalamus.Credentials{Token: "t"})
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput)
	_, err = thalamus.NewClient("https://crm.example.com", thalamus.Credentials{Touchpoint: "tp", Token: "t\r\nX: y"})
	assert.ErrorIs(t, err, thalamus.ErrInvalidInput)
	_, err = thalamus.NewClient("http://crm.example.com", creds)
	assert.ErrorContains(t, err, "plain http")
	c, err := thalamus.NewClient("https://crm.example.com/thalamus/", creds)
	require.NoError(t, err)
	assert.Equal(t, "https://crm.example.com/thalamus", c.BaseURL())
	c, err = thalamus.NewClient("https://crm.example.com", creds, thalamus.WithBaseURL("https://other.example.com"))
	require.NoError(t, err)
	assert.Equal(t, "https://other.example.com", c.BaseURL())
}

func TestResultKeepsContextAndUnknownMembers(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	res, err := c.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
	require.NoError(t, err)
	assert.JSONEq(t, `{"touchpoint":"web-touchpoint","language":"en","operator":"api","channel":"REST"}`, string(res.Context))
	cs := res.Case
	assert.Equal(t, int64(1001), cs.ID)
	assert.Equal(t, "CUSTOMER_CARE", cs.CategoryCode)
	assert.Equal(t, "COMPLAINT", cs.TypeCode)
	assert.Equal(t, "OPEN", cs.Status)
	assert.Equal(t, "", cs.Resolution)
	require.Len(t, cs.Comments, 1)
	assert.Equal(t, "10010", cs.Comments[0].ID)
	assert.Equal(t, "Customer called about order #7007", cs.Comments[0].Description)
	assert.JSONEq(t, `{"orderId":7007,"channel":"phone"}`, string(cs.CaseData))
	assert.JSONEq(t, `"ana.lima@example.com"`, string(cs.Extra["assignedTo"]))
	assert.JSONEq(t, `2`, string(cs.Extra["priority"]))

	var sent struct {
		Case json.RawMessage `json:"case"`
	}
	require.NoError(t, json.Unmarshal(res.Raw, &sent))
	out, err := json.Marshal(cs)
	require.NoError(t, err)
	assert.JSONEq(t, string(sent.Case), string(out), "every member read is written back, empty resolution included")
}

func TestCaseMemberThatDoesNotFitIsKept(t *testing.T) {
	t.Parallel()
	in := `{"id":"A-17","status":{"code":"OPEN"},"comments":["a","b"],"resolution":null,"typeCode":"X","zz":true}`
	var cs thalamus.Case
	require.NoError(t, json.Unmarshal([]byte(in), &cs))
	assert.Equal(t, int64(0), cs.ID)
	assert.Equal(t, "X", cs.TypeCode)
	assert.Len(t, cs.Extra, 5)
	out, err := json.Marshal(cs)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out))
}

// A 2xx answer is a success only when it is the document the call expects:
// a JSON object holding the case that was assigned. Anything else says
// nothing about the assignment and is ErrUnexpectedResponse.
func TestOnly2xxWithTheCaseIsSuccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    thalamustest.Fault
		ok   bool
	}{
		{"documented", thalamustest.Fault{Status: 201, Body: `{"context":{"a":1},"case":{"id":1001,"status":"OPEN"}}`}, true},
		{"common envelope", thalamustest.Fault{Status: 200, Body: `{"links":[],"data":{"activities":[],"entity":{"id":1001}},"errors":{}}`}, true},
		{"undocumented key", thalamustest.Fault{Status: 200, Body: `{"context":{"a":1},"caseInstance":{"id":1001,"status":"OPEN"}}`}, true},
		{"plain text", thalamustest.Fault{Status: 201, Body: `created`}, false},
		{"no content", thalamustest.Fault{Status: 204}, false},
		{"empty object", thalamustest.Fault{Status: 201, Body: `{}`}, false},
		{"context only", thalamustest.Fault{Status: 201, Body: `{"context":{"a":1}}`}, false},
		{"case not an object", thalamustest.Fault{Status: 201, Body: `{"context":{"a":1},"case":"weird"}`}, false},
		{"another case", thalamustest.Fault{Status: 201, Body: `{"context":{},"case":{"id":1002}}`}, false},
		{"truncated", thalamustest.Fault{Status: 201, Body: `{"context":{},"case":{"id":1001,"status":"OP`}, false},
		{"html page", thalamustest.Fault{Status: 200, ContentType: "text/html", Body: `<html><form action="/login"></form></html>`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			srv.Inject(tt.f)
			res, err := c.AssignCase(context.Background(), 1001, thalamus.ToOperator(thalamustest.ActiveOperator))
			if !tt.ok {
				assert.ErrorIs(t, err, thalamus.ErrUnexpectedResponse)
				assert.Nil(t, res)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.f.Body, string(res.Raw))
			assert.Equal(t, int64(1001), res.Case.ID)
		})
	}
}

func TestParseFieldErrorsKeepsDuplicatesInOrder(t *testing.T) {
	t.Parallel()
	fe, ok := thalamus.ParseFieldErrors([]byte(`{"errors": {"email": "blocked", "groupName": "invalidName", "email": "isNotAuthorized", "x": ["a", "b"], "y": 7}, "other": 1}`))
	require.True(t, ok)
	assert.Equal(t, thalamus.FieldErrors{
		{Field: "email", Code: "blocked"}, {Field: "groupName", Code: "invalidName"},
		{Field: "email", Code: "isNotAuthorized"}, {Field: "x", Code: "a"}, {Field: "x", Code: "b"}, {Field: "y", Code: "7"},
	}, fe)
	assert.ErrorIs(t, fe, thalamus.ErrOperatorBlocked)
	assert.ErrorIs(t, fe, thalamus.ErrNotAuthorized)
	assert.ErrorIs(t, fe, thalamus.ErrInvalidGroupName)
	assert.NotErrorIs(t, fe, thalamus.ErrNoTarget)

	fe, ok = thalamus.ParseFieldErrors([]byte(`{"errors": [{"field": "email", "code": "blocked"}, "missing"]}`))
	require.True(t, ok)
	assert.Equal(t, thalamus.FieldErrors{{Field: "email", Code: "blocked"}, {Code: "missing"}}, fe)

	for _, body := range []string{`{}`, `{"errors":{}}`, `not json`, `{"errors":null}`} {
		_, ok := thalamus.ParseFieldErrors([]byte(body))
		assert.False(t, ok, body)
	}
}

func TestBulkOutcomesInOrder(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := []int64{1001, 1002, 9999, 1003, 1004, 1005}
	var mu sync.Mutex
	var progress []int
	out, err := c.AssignCases(context.Background(), ids, thalamus.ToOperator(thalamustest.RestrictedOperator), thalamus.BulkOptions{
		Concurrency: 3,
		OnProgress:  func(done, total int) { mu.Lock(); progress = append(progress, done); mu.Unlock() },
	})
	var be *thalamus.BulkError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 3, be.Failed)
	assert.Equal(t, len(ids), be.Total)
	assert.ErrorIs(t, err, thalamus.ErrNotAuthorized, "errors.Is sees each item's error")
	assert.ErrorIs(t, err, thalamus.ErrInvalidID)
	assert.NotErrorIs(t, err, thalamus.ErrOperatorBlocked, "no item failed so")
	require.Len(t, out, len(ids))
	for i, o := range out {
		assert.Equal(t, ids[i], o.CaseInstanceID)
		switch {
		case o.CaseInstanceID == 9999:
			assert.ErrorIs(t, o.Err, thalamus.ErrInvalidID)
			assert.Nil(t, o.Result)
		case o.CaseInstanceID%2 == 0:
			assert.ErrorIs(t, o.Err, thalamus.ErrNotAuthorized, "BILLING cases")
		default:
			require.NoError(t, o.Err)
			assert.Equal(t, o.CaseInstanceID, o.Result.Case.ID)
		}
	}
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, progress)
	assert.Len(t, srv.Events(), 3)
}

// TestBulkConcurrency counts, without timing anything: a transport holds
// each request until 16 are in flight at once (or 10 s pass, a bound only
// a broken runner would reach), then records the peak.
func TestBulkConcurrency(t *testing.T) {
	t.Parallel()
	const conc = 16
	gate := testsrv.NewGate(conc)
	defer gate.CloseIdleConnections()
	srv := thalamustest.Start(t)
	ids := srv.AddCases(50000, 64)
	c, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: srv.Touchpoint, Token: srv.Token},
		thalamus.WithHTTPClient(&http.Client{Transport: gate}))
	require.NoError(t, err)
	out, err := c.AssignCases(context.Background(), ids, thalamus.ToGroup(thalamustest.SupportGroup), thalamus.BulkOptions{Concurrency: conc})
	require.NoError(t, err)
	for _, o := range out {
		require.NoError(t, o.Err)
	}
	assert.Equal(t, int32(conc), gate.Peak(), "16 requests were in flight at once, never more")
	// net/http puts a connection back in the idle pool from its read loop,
	// a moment after the answer is read, so a try that starts in that
	// moment dials anew: the exact count races. A pool that keeps
	// connections stays far below one per request (64).
	assert.LessOrEqual(t, srv.Connections(), 2*conc, "connections are reused")
	assert.Len(t, srv.Assignments(), 64)
}

func TestBulkCancel(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases(60000, 40)
	ctx, cancel := context.WithCancel(context.Background())
	out, err := c.AssignCases(ctx, ids, thalamus.ToGroup(thalamustest.SupportGroup), thalamus.BulkOptions{
		Concurrency: 1,
		OnProgress: func(done, _ int) {
			if done == 5 {
				cancel()
			}
		},
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, out, 40)
	for i, o := range out {
		assert.Equal(t, ids[i], o.CaseInstanceID)
		if i < 5 {
			assert.NoError(t, o.Err)
		} else {
			assert.ErrorIs(t, o.Err, context.Canceled)
		}
	}
	assert.Len(t, srv.Events(), 5)
}

func TestRetriedAssignmentAppliedOnce(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	srv.Inject(thalamustest.Fault{DropAfterHandling: true}, thalamustest.Fault{Status: 429, RetryAfter: "0"})
	res, err := c.AssignCase(context.Background(), 1003, thalamus.ToOperator(thalamustest.SecondOperator))
	require.NoError(t, err)
	assert.Equal(t, int64(1003), res.Case.ID)
	assert.Len(t, srv.Requests(), 3)
	assert.Equal(t, []thalamustest.Event{{CaseID: 1003, To: thalamustest.SecondOperator}}, srv.Events())
}

func FuzzParseFieldErrors(f *testing.F) {
	f.Add([]byte(`{"errors":{"email":"blocked","email":"isNotAuthorized"}}`))
	f.Add([]byte(`{"errors":[{"field":"a","code":"b"},"c"]}`))
	f.Add([]byte(`{"errors":{"a":["x",1]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fe, ok := thalamus.ParseFieldErrors(body)
		if ok != (len(fe) > 0) {
			t.Fatalf("ok=%v with %d pairs", ok, len(fe))
		}
		_ = fe.Error()
		_ = errors.Is(fe, thalamus.ErrOperatorBlocked)
	})
}

func FuzzValidEmail(f *testing.F) {
	for _, s := range []string{"ana@example.com", "Ana <ana@example.com>", "a@b", "a\n@b.c", "", "a@[1.2.3.4]", "\"a b\"@c.d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !thalamus.ValidEmail(s) {
			return
		}
		addr, err := mail.ParseAddress(s)
		if err != nil || addr.Name != "" || addr.Address != s {
			t.Fatalf("%q accepted but is not a plain address", s)
		}
		if strings.ContainsFunc(s, unicode.IsControl) || strings.ContainsAny(s, "<>, ") || len(s) > 254 {
			t.Fatalf("%q accepted with forbidden characters", s)
		}
	})
}

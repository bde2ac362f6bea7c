package actionmgmt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/caseassign/caseassign/internal/benchx"
	"github.com/caseassign/caseassign/internal/testsrv"
	"golang.org/x/oauth2"
)

// rawCase is what a hand-written client would decode a case into: the
// documented fields, plain encoding/json. (It drops members it does not
// know, which the SDK keeps.)
type rawCase struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	WorkflowID   int64     `json:"workflowId"`
	WorkflowName string    `json:"workflowName,omitempty"`
	Cost         float64   `json:"cost"`
	IsClosed     bool      `json:"isClosed"`
	TriggerID    int64     `json:"triggerId"`
	TriggerName  string    `json:"triggerName"`
	DateCreated  time.Time `json:"dateCreated"`
	DateModified time.Time `json:"dateModified"`
	ListValues   []struct {
		ListID int64  `json:"listId"`
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		Type   string `json:"type"`
		IsOpen bool   `json:"isOpen,omitempty"`
		IsHigh bool   `json:"isHigh,omitempty"`
	} `json:"listValues"`
	Roles []struct {
		ID     int64  `json:"id"`
		CaseID int64  `json:"caseId"`
		Name   string `json:"name"`
		Users  []struct {
			ID       int64           `json:"id"`
			UserName string          `json:"userName,omitempty"`
			IsActive bool            `json:"isActive,omitempty"`
			Links    json.RawMessage `json:"links,omitempty"`
		} `json:"users"`
	} `json:"roles"`
	Source struct {
		ResponseID string `json:"responseId"`
		SurveyID   string `json:"surveyId"`
		SourceID   string `json:"sourceId"`
	} `json:"source"`
	Links json.RawMessage `json:"links,omitempty"`
}

type rawClient struct {
	hc    *http.Client
	base  string
	token string
}

func (r *rawClient) do(ctx context.Context, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}

// changeRole is the hand-written read-modify-write.
func (r *rawClient) changeRole(ctx context.Context, hub, id, role, user int64, add bool) error {
	url := fmt.Sprintf("%s/v1/actionmanagement/hubs/%d/cases/%d", r.base, hub, id)
	var cs rawCase
	if err := r.do(ctx, http.MethodGet, url, nil, &cs); err != nil {
		return err
	}
	for i := range cs.Roles {
		if cs.Roles[i].ID != role {
			continue
		}
		users := cs.Roles[i].Users[:0]
		for _, u := range cs.Roles[i].Users {
			if u.ID != user {
				users = append(users, u)
			}
		}
		if add {
			users = append(users, cs.Roles[i].Users[:0:0]...)
			users = append(users, struct {
				ID       int64           `json:"id"`
				UserName string          `json:"userName,omitempty"`
				IsActive bool            `json:"isActive,omitempty"`
				Links    json.RawMessage `json:"links,omitempty"`
			}{ID: user})
		}
		cs.Roles[i].Users = users
	}
	var out rawCase
	return r.do(ctx, http.MethodPut, url, &cs, &out)
}

// BenchmarkAssign runs one AssignUser and one UnassignUser (each a GET and
// a PUT of the case) per iteration, through the SDK and through the
// hand-written client (one reused http.Client, typed structs, the body read
// whole and decoded with json.Unmarshal), against the same loopback server.
// The pair keeps the case the same size from one iteration to the next.
func BenchmarkAssign(b *testing.B) {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	ctx := context.Background()
	tok := srv.IssueToken()
	member := actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob}
	b.Run("sdk", func(b *testing.B) {
		c, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}),
			actionmgmt.WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.AssignUser(ctx, hub, cse, member); err != nil {
				b.Fatal(err)
			}
			if _, err := c.UnassignUser(ctx, hub, cse, member); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		r := &rawClient{hc: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}, base: srv.URL, token: tok}
		b.ReportAllocs()
		for b.Loop() {
			if err := r.changeRole(ctx, hub, cse, watc, actionmgmttest.UserBob, true); err != nil {
				b.Fatal(err)
			}
			if err := r.changeRole(ctx, hub, cse, watc, actionmgmttest.UserBob, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// primeNoIO makes each replaying client record a GET that shows the user
// missing from the role: it removes the user on the server, then makes
// the client's first call, once per client. Without it, whichever client
// recorded second would see the user the first one added, and the SDK
// (which writes nothing when the user is already there) would be measured
// doing a GET alone while the hand-written client always writes.
func primeNoIO(tb testing.TB, srv *actionmgmttest.Server, tok string, calls ...func() error) {
	tb.Helper()
	reset, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}))
	if err != nil {
		tb.Fatal(err)
	}
	defer reset.CloseIdleConnections()
	for _, call := range calls {
		if _, err := reset.UnassignUser(context.Background(), hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob}); err != nil {
			tb.Fatal(err)
		}
		if err := call(); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkAssignNoIO runs one AssignUser (a GET and a PUT) per iteration
// through an in-memory transport that answers the recorded GET and PUT: the
// GET always shows the user missing (see primeNoIO), so every iteration
// writes, for both clients. The ratio is the clients' own cost.
func BenchmarkAssignNoIO(b *testing.B) {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	ctx := context.Background()
	tok := srv.IssueToken()
	b.Run("sdk", func(b *testing.B) {
		c, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}),
			actionmgmt.WithHTTPClient(&http.Client{Transport: testsrv.NewReplay(nil)}))
		if err != nil {
			b.Fatal(err)
		}
		primeNoIO(b, srv, tok, func() error {
			_, err := c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob})
			return err
		})
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.AssignUser(ctx, hub, cse, actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		r := &rawClient{hc: &http.Client{Transport: testsrv.NewReplay(nil)}, base: srv.URL, token: tok}
		primeNoIO(b, srv, tok, func() error { return r.changeRole(ctx, hub, cse, watc, actionmgmttest.UserBob, true) })
		b.ReportAllocs()
		for b.Loop() {
			if err := r.changeRole(ctx, hub, cse, watc, actionmgmttest.UserBob, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecode compares decoding the seed case with the SDK (typed and
// loss-free) and with plain encoding/json into rawCase.
func BenchmarkDecode(b *testing.B) {
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := actionmgmt.DecodeCase(actionmgmttest.SeedCase); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var cs rawCase
			if err := json.Unmarshal(actionmgmttest.SeedCase, &cs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestMeasureInterleaved measures BenchmarkAssign's pair and
// BenchmarkAssignNoIO's single assignment interleaved in one process (see
// internal/benchx); .ci/bench runs it, ordinary runs skip it.
func TestMeasureInterleaved(t *testing.T) {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	ctx := context.Background()
	tok := srv.IssueToken()
	member := actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.UserBob}
	benchx.MeasureModes(t, "actionmgmt", func(tr func() http.RoundTripper, noIO bool) (benchx.Op, benchx.Op) {
		// Over loopback each op assigns then unassigns; the replay only ever
		// shows the user missing, so there each op is one assignment.
		c, err := actionmgmt.NewClient(srv.URL, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}),
			actionmgmt.WithHTTPClient(&http.Client{Transport: tr()}))
		if err != nil {
			t.Fatal(err)
		}
		r := &rawClient{hc: &http.Client{Transport: tr()}, base: srv.URL, token: tok}
		sdk := func() error {
			if _, err := c.AssignUser(ctx, hub, cse, member); err != nil || noIO {
				return err
			}
			_, err := c.UnassignUser(ctx, hub, cse, member)
			return err
		}
		raw := func() error {
			if err := r.changeRole(ctx, hub, cse, watc, actionmgmttest.UserBob, true); err != nil || noIO {
				return err
			}
			return r.changeRole(ctx, hub, cse, watc, actionmgmttest.UserBob, false)
		}
		if noIO {
			primeNoIO(t, srv, tok, sdk, raw)
		}
		return sdk, raw
	})
}

package proof

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
	"github.com/stretchr/testify/require"
)

var vendors = []string{"coralogix", "thalamus", "actionmgmt", "rootly"}

// settings are the client options a run wants, applied to whichever package.
type settings struct {
	retryMax         int
	waitMin, waitMax time.Duration
	logger           *slog.Logger
	maxBody          int64
	rate             float64
	burst            int
	baseURL          string // overrides the test server's URL (redirect checks)
	inQuery          bool   // Thalamus credentials in the query
	noAdaptive       bool   // WithoutAdaptivePace
}

func defaults() settings {
	return settings{retryMax: 4, waitMin: time.Millisecond, waitMax: 5 * time.Millisecond}
}

// target is one package, its test server and n distinct assignments.
type target struct {
	name    string
	srv     *fake
	secrets []string // values that must never show in a log, an error or a URL
	// method and path (prefix, with "*") of the assignment's first request.
	method, path string
	assign       func(ctx context.Context, i int) error
	held         func(i int) int // how many times the server holds assignment i
	// bulk assigns items [0, n) through the package's bulk call, where it
	// has one for single assignments (nil otherwise).
	bulk func(ctx context.Context, n, concurrency int) ([]error, error)
	// progressBulk runs the bulk call over items [0, n) with OnProgress
	// set (every package with a bulk call, Coralogix included).
	progressBulk func(ctx context.Context, n int, onProgress func(done, total int)) error
	closeIdle    func()

	// toggle sets (on) or clears assignment i; Thalamus, which has no
	// unassignment, moves the case between two operators. state reads the
	// server's current state of i, and dups whether it holds i twice.
	toggle      func(ctx context.Context, i int, on bool) error
	state       func(i int) bool
	dups        func(i int) bool
	resetEvents func()
}

func newTarget(t testing.TB, name string, n int, s settings) *target {
	t.Helper()
	switch name {
	case "coralogix":
		return newCoralogix(t, n, s)
	case "thalamus":
		return newThalamus(t, n, s)
	case "actionmgmt":
		return newActionMgmt(t, n, s)
	case "rootly":
		return newRootly(t, n, s)
	}
	t.Fatalf("unknown package %q", name)
	return nil
}

func base(s settings, url string) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	return url
}

const cxUser = "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"

func newCoralogix(t testing.TB, n int, s settings) *target {
	srv := coralogixtest.NewServer()
	t.Cleanup(srv.Close)
	ids := srv.AddCases("PRF", n)
	uuids := make([]string, n)
	index := make(map[string]int, n)
	for i, id := range ids {
		cs, _ := srv.Case(id)
		uuids[i] = cs.ID
		index[cs.ID] = i
	}
	opts := []coralogix.Option{coralogix.WithBaseURL(base(s, srv.URL)), coralogix.WithRetryMax(s.retryMax),
		coralogix.WithRetryWait(s.waitMin, s.waitMax), coralogix.WithLogger(s.logger), coralogix.WithMaxResponseBytes(s.maxBody),
		coralogix.WithRateLimit(s.rate, s.burst)}
	c, err := coralogix.NewClient(srv.APIKey, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return &target{
		name: "coralogix", srv: adapt(srv, func(f testsrv.Fault) coralogixtest.Fault { return coralogixtest.Fault(f) }, func(r coralogixtest.Request) testsrv.Request { return testsrv.Request(r) }), secrets: []string{srv.APIKey},
		method: http.MethodPost, path: "/mgmt/*",
		assign: func(ctx context.Context, i int) error {
			_, err := c.AssignCase(ctx, ids[i], coralogix.UserDetails{UserID: cxUser})
			return err
		},
		held: func(i int) int {
			n := 0
			for _, e := range srv.Events() {
				if e.CaseID == uuids[i] && e.Op == "assign" {
					n++
				}
			}
			return n
		},
		closeIdle: c.CloseIdleConnections,
		toggle: func(ctx context.Context, i int, on bool) error {
			var err error
			if on {
				_, err = c.AssignCase(ctx, ids[i], coralogix.UserDetails{UserID: cxUser})
			} else {
				_, err = c.UnassignCase(ctx, ids[i])
			}
			return err
		},
		state: func(i int) bool {
			cs, _ := srv.Case(ids[i])
			return cs.Assignee != nil
		},
		dups:        func(int) bool { return false }, // one assignee field: it cannot hold two
		resetEvents: srv.ResetEvents,
		progressBulk: func(ctx context.Context, n int, p func(int, int)) error {
			_, err := c.AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: cxUser}, IDs: ids[:n]},
				coralogix.BulkOptions{Concurrency: 1, OnProgress: p})
			return err
		},
	}
}

func newThalamus(t testing.TB, n int, s settings) *target {
	srv := thalamustest.NewServer()
	t.Cleanup(srv.Close)
	ids := srv.AddCases(700000, n)
	opts := []thalamus.Option{thalamus.WithRetryMax(s.retryMax), thalamus.WithRetryWait(s.waitMin, s.waitMax),
		thalamus.WithLogger(s.logger), thalamus.WithMaxResponseBytes(s.maxBody), thalamus.WithRateLimit(s.rate, s.burst)}
	if s.inQuery {
		opts = append(opts, thalamus.WithCredentialsInQuery())
	}
	c, err := thalamus.NewClient(base(s, srv.URL), thalamus.Credentials{Touchpoint: srv.Touchpoint, Token: srv.Token}, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	to := thalamus.ToOperator(thalamustest.ActiveOperator)
	return &target{
		name: "thalamus", srv: adapt(srv, func(f testsrv.Fault) thalamustest.Fault { return thalamustest.Fault(f) }, func(r thalamustest.Request) testsrv.Request { return testsrv.Request(r) }), secrets: []string{srv.Token},
		method: http.MethodPut, path: "/api/*",
		assign: func(ctx context.Context, i int) error {
			_, err := c.AssignCase(ctx, ids[i], to)
			return err
		},
		held: func(i int) int {
			n := 0
			for _, e := range srv.Events() {
				if e.CaseID == ids[i] {
					n++
				}
			}
			return n
		},
		progressBulk: func(ctx context.Context, n int, p func(int, int)) error {
			_, err := c.AssignCases(ctx, ids[:n], to, thalamus.BulkOptions{Concurrency: 2, OnProgress: p})
			return err
		},
		bulk: func(ctx context.Context, n, conc int) ([]error, error) {
			out, err := c.AssignCases(ctx, ids[:n], to, thalamus.BulkOptions{Concurrency: conc})
			errs := make([]error, len(out))
			for i, o := range out {
				errs[i] = o.Err
			}
			return errs, err
		},
		closeIdle: c.CloseIdleConnections,
		toggle: func(ctx context.Context, i int, on bool) error {
			who := thalamus.ToOperator(thalamustest.SecondOperator)
			if on {
				who = to
			}
			_, err := c.AssignCase(ctx, ids[i], who)
			return err
		},
		state: func(i int) bool {
			cs, _ := srv.Case(ids[i])
			return cs.AssignedTo == thalamustest.ActiveOperator
		},
		dups:        func(int) bool { return false },
		resetEvents: srv.ResetEvents,
	}
}

func newActionMgmt(t testing.TB, n int, s settings) *target {
	srv := actionmgmttest.NewServer()
	t.Cleanup(srv.Close)
	const hub = actionmgmttest.Hub
	ids := make([]int64, n)
	for i := range n {
		ids[i] = int64(3000000 + i)
		raw := strings.Replace(string(actionmgmttest.SeedCase), `"id": 2009631`, fmt.Sprintf(`"id": %d`, ids[i]), 1)
		require.NoError(t, srv.AddCase(hub, []byte(raw)))
	}
	tokens := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: srv.ClientID, ClientSecret: srv.ClientSecret,
	})
	opts := []actionmgmt.Option{actionmgmt.WithRetryMax(s.retryMax), actionmgmt.WithRetryWait(s.waitMin, s.waitMax),
		actionmgmt.WithLogger(s.logger), actionmgmt.WithMaxResponseBytes(s.maxBody), actionmgmt.WithRateLimit(s.rate, s.burst)}
	c, err := actionmgmt.NewClient(base(s, srv.URL), tokens, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	tg := &target{
		name: "actionmgmt", srv: adapt(srv, func(f testsrv.Fault) actionmgmttest.Fault { return actionmgmttest.Fault(f) }, func(r actionmgmttest.Request) testsrv.Request { return testsrv.Request(r) }), secrets: []string{srv.ClientSecret, "am-token-1"}, // the first token the server issues
		method: http.MethodGet, path: "/v1/actionmanagement/*",
		assign: func(ctx context.Context, i int) error {
			_, err := c.AssignUser(ctx, hub, ids[i], actionmgmt.RoleMember{RoleID: actionmgmttest.Watcher, UserID: actionmgmttest.UserBob})
			return err
		},
		held: func(i int) int {
			n := 0
			for _, u := range srv.RoleUsers(hub, ids[i], actionmgmttest.Watcher) {
				if u == actionmgmttest.UserBob {
					n++
				}
			}
			return n
		},
		closeIdle: c.CloseIdleConnections,
		toggle: func(ctx context.Context, i int, on bool) error {
			var err error
			if on {
				_, err = c.AssignUser(ctx, hub, ids[i], actionmgmt.RoleMember{RoleID: actionmgmttest.Watcher, UserID: actionmgmttest.UserBob})
			} else {
				_, err = c.UnassignUser(ctx, hub, ids[i], actionmgmt.RoleMember{RoleID: actionmgmttest.Watcher, UserID: actionmgmttest.UserBob})
			}
			return err
		},
		state: func(i int) bool {
			return slices.Contains(srv.RoleUsers(hub, ids[i], actionmgmttest.Watcher), actionmgmttest.UserBob)
		},
		resetEvents: func() {},
	}
	tg.dups = func(i int) bool { return tg.held(i) > 1 }
	return tg
}

func newRootly(t testing.TB, n int, s settings) *target {
	srv := rootlytest.NewServer()
	t.Cleanup(srv.Close)
	srv.SetRateLimit(0, 0)
	ids := srv.AddIncidents(n)
	opts := []rootly.Option{rootly.WithBaseURL(base(s, srv.URL)), rootly.WithRetryMax(s.retryMax), rootly.WithRetryWait(s.waitMin, s.waitMax),
		rootly.WithLogger(s.logger), rootly.WithMaxResponseBytes(s.maxBody), rootly.WithRateLimit(s.rate, s.burst)}
	if s.noAdaptive {
		opts = append(opts, rootly.WithoutAdaptivePace())
	}
	c, err := rootly.NewClient(srv.Token, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	req := rootly.AssignRoleRequest{UserID: "320", IncidentRoleID: rootlytest.ScribeRole}
	return &target{
		name: "rootly", srv: adapt(srv, func(f testsrv.Fault) rootlytest.Fault { return rootlytest.Fault(f) }, func(r rootlytest.Request) testsrv.Request { return testsrv.Request(r) }), secrets: []string{srv.Token},
		method: http.MethodPost, path: "/v1/incidents/*",
		assign: func(ctx context.Context, i int) error {
			_, err := c.AssignRoleToUser(ctx, ids[i], req)
			return err
		},
		held: func(i int) int {
			n := 0
			for _, e := range srv.Events() {
				if e.IncidentID == ids[i] && e.Op == "assign" && e.UserID == req.UserID {
					n++
				}
			}
			return n
		},
		progressBulk: func(ctx context.Context, n int, p func(int, int)) error {
			items := make([]rootly.Assignment, n)
			for i := range items {
				items[i] = rootly.Assignment{IncidentID: ids[i], AssignRoleRequest: req}
			}
			_, err := c.AssignRoles(ctx, items, rootly.BulkOptions{Concurrency: 2, OnProgress: p})
			return err
		},
		bulk: func(ctx context.Context, n, conc int) ([]error, error) {
			items := make([]rootly.Assignment, n)
			for i := range items {
				items[i] = rootly.Assignment{IncidentID: ids[i], AssignRoleRequest: req}
			}
			out, err := c.AssignRoles(ctx, items, rootly.BulkOptions{Concurrency: conc})
			errs := make([]error, len(out))
			for i, o := range out {
				errs[i] = o.Err
			}
			return errs, err
		},
		closeIdle: c.CloseIdleConnections,
		toggle: func(ctx context.Context, i int, on bool) error {
			var err error
			if on {
				_, err = c.AssignRoleToUser(ctx, ids[i], req)
			} else {
				_, err = c.UnassignRoleFromUser(ctx, ids[i], req)
			}
			return err
		},
		state: func(i int) bool {
			for _, a := range srv.Assignments(ids[i]) {
				if a.RoleID == req.IncidentRoleID && a.UserID == req.UserID {
					return true
				}
			}
			return false
		},
		dups: func(i int) bool {
			n := 0
			for _, a := range srv.Assignments(ids[i]) {
				if a.RoleID == req.IncidentRoleID && a.UserID == req.UserID {
					n++
				}
			}
			return n > 1
		},
		resetEvents: srv.ResetEvents,
	}
}

// tries counts the requests the target's first request went out as.
func (tg *target) tries() int {
	prefix := strings.TrimSuffix(tg.path, "*")
	n := 0
	for _, r := range tg.srv.Requests() {
		if r.Method == tg.method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// fakeServer is what every package's test server offers, whatever its
// own Fault and Request types.
type fakeServer interface {
	ClearFaults()
	Connections() int
	Injected() int
	SetLatency(time.Duration)
	SetRateLimit(perSecond float64, burst int)
	SetRecording(bool)
	Throttled() int
	Handled() int
	ResetRequests()
}

// fakeOf is a package's test server with its own Fault and Request types.
type fakeOf[F, R any] interface {
	fakeServer
	Inject(...F)
	SetFaultRate(p float64, seed uint64, choices ...F)
	Requests() []R
}

// fake drives any package's test server with the shared fault and request
// types, converting to and from the package's own.
type fake struct {
	fakeServer
	inject    func(testsrv.Fault)
	faultRate func(p float64, seed uint64, fs []testsrv.Fault)
	requests  func() []testsrv.Request
}

// adapt wraps s; toF and fromR convert between the shared types and the
// package's (the same fields under another name).
func adapt[F, R any](s fakeOf[F, R], toF func(testsrv.Fault) F, fromR func(R) testsrv.Request) *fake {
	convert := func(fs []testsrv.Fault) []F {
		out := make([]F, len(fs))
		for i, f := range fs {
			out[i] = toF(f)
		}
		return out
	}
	return &fake{
		fakeServer: s,
		inject:     func(f testsrv.Fault) { s.Inject(toF(f)) },
		faultRate:  func(p float64, seed uint64, fs []testsrv.Fault) { s.SetFaultRate(p, seed, convert(fs)...) },
		requests: func() []testsrv.Request {
			rs := s.Requests()
			out := make([]testsrv.Request, len(rs))
			for i, r := range rs {
				out[i] = fromR(r)
			}
			return out
		},
	}
}

// Inject queues faults on the server.
func (f *fake) Inject(fs ...testsrv.Fault) {
	for _, x := range fs {
		f.inject(x)
	}
}

// SetFaultRate injects faults at random.
func (f *fake) SetFaultRate(p float64, seed uint64, fs ...testsrv.Fault) { f.faultRate(p, seed, fs) }

// Requests returns what the server recorded.
func (f *fake) Requests() []testsrv.Request { return f.requests() }

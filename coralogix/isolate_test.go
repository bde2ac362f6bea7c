package coralogix_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/caseassign/caseassign/internal/benchx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One unknown and one closed id in a batch of 1000 never sink the other
// 998, whichever way the server treats such a batch: a strict server
// (refuses the whole batch) is answered by splitting the batch until the
// two are isolated; a lenient one (changes the rest and leaves them out of
// its answer) by not counting what the answer does not confirm. Either
// way each refused id is reported alone with its own error, every other id
// is assigned and listed in SucceededIDs in input order, and OnOutcome
// tells successes from failures while the job runs.
func TestOneRefusedIDNeverSinksItsBatch(t *testing.T) {
	t.Parallel()
	for _, partial := range []bool{false, true} {
		name := "all-or-nothing server"
		if partial {
			name = "partial server"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			srv.SetPartialBatches(partial)
			ids := srv.AddCases("ISO", 1000)
			require.True(t, srv.CloseCase(ids[700]))
			ids[300] = "NOPE-300" // pattern-valid, unknown to the server

			var mu sync.Mutex
			var last coralogix.Progress
			res, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{
				Assignee: coralogix.UserDetails{UserID: user}, IDs: ids,
			}, coralogix.BulkOptions{Concurrency: 1, OnOutcome: func(p coralogix.Progress) {
				mu.Lock()
				last = p
				mu.Unlock()
			}})
			var be *coralogix.BulkError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, 2, be.Failed)
			assert.Equal(t, 1000, be.Total)
			require.Len(t, res.Failures, 2)
			assert.Equal(t, []string{"NOPE-300"}, res.Failures[0].IDs)
			assert.Equal(t, []string{ids[700]}, res.Failures[1].IDs)
			if partial {
				assert.ErrorIs(t, res.Failures[0].Err, coralogix.ErrNotConfirmed)
				assert.ErrorIs(t, res.Failures[1].Err, coralogix.ErrNotConfirmed)
				assert.Len(t, srv.Requests(), 1, "no split needed")
			} else {
				assert.ErrorIs(t, res.Failures[0].Err, coralogix.ErrNotFound)
				assert.ErrorIs(t, res.Failures[1].Err, coralogix.ErrRejected)
				assert.LessOrEqual(t, len(srv.Requests()), 1+2*10*2, "at most 20 extra requests per refused id")
			}
			want := slices.Delete(slices.Delete(slices.Clone(ids), 700, 701), 300, 301)
			assert.Equal(t, want, res.SucceededIDs, "every other id, in input order")
			assert.Len(t, res.Cases, 998)
			for _, id := range want {
				cs, _ := srv.Case(id)
				require.NotNil(t, cs.Assignee, id)
			}
			assert.Equal(t, coralogix.Progress{Done: 1000, Succeeded: 998, Failed: 2, Total: 1000}, last)

			// Retrying the failures fails again for the same reason, and
			// nothing else: no good id is sunk by them.
			again, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{
				Assignee: coralogix.UserDetails{UserID: user}, IDs: res.FailedIDs(),
			}, coralogix.BulkOptions{})
			require.ErrorAs(t, err, &be)
			assert.Equal(t, 2, be.Failed)
			assert.Empty(t, again.SucceededIDs)
		})
	}
}

// Bulk unassign isolates refused ids the same way.
func TestOneRefusedIDNeverSinksItsUnassignBatch(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases("UNI", 300)
	_, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: ids}, coralogix.BulkOptions{})
	require.NoError(t, err)
	require.True(t, srv.CloseCase(ids[10]))
	res, err := c.UnassignCasesInBatches(context.Background(), ids, coralogix.BulkOptions{DiscardCases: true})
	assert.ErrorIs(t, err, coralogix.ErrRejected)
	require.Len(t, res.Failures, 1)
	assert.Equal(t, []string{ids[10]}, res.Failures[0].IDs)
	assert.Len(t, res.SucceededIDs, 299)
	assert.Empty(t, res.Cases, "DiscardCases keeps none")
	for i, id := range ids {
		cs, _ := srv.Case(id)
		assert.Equal(t, i == 10, cs.Assignee != nil, id)
	}
}

// An answer that shows a case with another assignee than the one asked
// for does not confirm it; a lost request is not retried by splitting
// (only refusals of content are).
func TestAnswerMustShowTheChange(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases("CONF", 2)
	other := "0aa0aa0a-0000-4000-8000-000000000001"
	srv.Inject(coralogixtest.Fault{Method: http.MethodPut, Status: 200,
		Body: `{"cases":[{"id":"x","readableId":"` + ids[0] + `","assignee":{"userId":"` + other + `"}},{"id":"y","readableId":"` + ids[1] + `","assignee":{"userId":"` + user + `"}}]}`})
	res, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: ids}, coralogix.BulkOptions{})
	assert.ErrorIs(t, err, coralogix.ErrNotConfirmed)
	assert.Equal(t, []string{ids[1]}, res.SucceededIDs)
	assert.Equal(t, []string{ids[0]}, res.FailedIDs())

	srv.ResetRequests()
	srv.Inject(coralogixtest.Fault{Method: http.MethodPut, Status: 500, Body: `{"code":500,"message":"boom"}`})
	res, err = c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: ids}, coralogix.BulkOptions{})
	assert.ErrorIs(t, err, coralogix.ErrServer)
	assert.Len(t, srv.Requests(), 1, "a 500 is not a refusal of the ids: no split")
	require.Len(t, res.Failures, 1)
	assert.Equal(t, ids, res.Failures[0].IDs)
}

// With one id in a hundred refused (closed or unknown), every other id is
// assigned: 5,000 ids, 80 refused, each reported alone.
func TestOnePercentRefusedIsIsolated(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases("JOB", 4950)
	refused := map[string]bool{}
	for i := range 30 {
		require.True(t, srv.CloseCase(ids[i*100+7]))
		refused[ids[i*100+7]] = true
	}
	for i := range 50 {
		ids = append(ids, "GHOST-"+strconv.Itoa(i+1))
		refused[ids[len(ids)-1]] = true
	}
	res, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: ids},
		coralogix.BulkOptions{DiscardCases: true})
	var be *coralogix.BulkError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 80, be.Failed)
	assert.Len(t, res.SucceededIDs, 4920)
	for _, f := range res.Failures {
		require.Len(t, f.IDs, 1)
		assert.True(t, refused[f.IDs[0]], f.IDs[0])
	}
}

// The extra requests spent on one batch are bounded: with most ids
// refused, the parts not settled within MaxSplitRequests fail together,
// saying they were not tried one by one, and no id is ever reported as
// assigned that was not.
func TestSplittingIsBounded(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases("MANY", 1000)
	closed := map[string]bool{}
	for i := 0; i < 1000; i += 2 { // half of them, spread out
		require.True(t, srv.CloseCase(ids[i]))
		closed[ids[i]] = true
	}
	res, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: ids}, coralogix.BulkOptions{})
	require.Error(t, err)
	assert.LessOrEqual(t, len(srv.Requests()), 1+coralogix.MaxSplitRequests)
	for _, id := range res.SucceededIDs {
		assert.False(t, closed[id], id)
		cs, _ := srv.Case(id)
		assert.NotNil(t, cs.Assignee, id)
	}
	assert.Len(t, append(res.SucceededIDs, res.FailedIDs()...), 1000, "every id is settled one way or the other")
	untried := 0
	for _, f := range res.Failures {
		if len(f.IDs) > 1 {
			untried++
			assert.ErrorContains(t, f.Err, "not tried one by one")
			assert.ErrorIs(t, f.Err, coralogix.ErrRejected)
		}
	}
	assert.Positive(t, untried, "the budget ran out on this batch")
	for _, id := range res.FailedIDs() {
		cs, _ := srv.Case(id)
		assert.Nil(t, cs.Assignee, "a failed id was not assigned: %s", id)
	}
}

func TestDedupeIDsKeepsTheFirstOfEachInInputOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want []string
	}{
		{in: nil, want: nil},
		{in: []string{"A-1"}, want: []string{"A-1"}},
		{in: []string{"B-2", "A-1", "C-3"}, want: []string{"B-2", "A-1", "C-3"}},
		{in: []string{"B-2", "A-1", "B-2", "C-3", "A-1", "B-2"}, want: []string{"B-2", "A-1", "C-3"}},
		{in: []string{"A-1", "A-1", "A-1"}, want: []string{"A-1"}},
		{in: []string{"Z-9", "Y-8", "Z-9", "X-7", "Y-8"}, want: []string{"Z-9", "Y-8", "X-7"}},
	} {
		in := append([]string(nil), tc.in...)
		got, err := coralogix.DedupeIDs("ids", in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%v", tc.in)
		assert.Equal(t, tc.in, in, "the caller's slice is not changed")
	}
	_, err := coralogix.DedupeIDs("ids", []string{"A-1", "../x"})
	assert.ErrorIs(t, err, coralogix.ErrInvalidInput)
}

func FuzzDedupeIDs(f *testing.F) {
	f.Add("A-1,B-2,A-1")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		in := strings.Split(s, ",")
		got, err := coralogix.DedupeIDs("ids", in)
		if err != nil {
			return
		}
		// The first occurrence of each id, in input order, as a set would keep it.
		seen := map[string]bool{}
		var want []string
		for _, id := range in {
			if !seen[id] {
				seen[id] = true
				want = append(want, id)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("DedupeIDs(%q) = %q, want %q", in, got, want)
		}
	})
}

// The cost of isolating k refused ids in one batch of 1000, spread evenly
// or side by side: the figures MaxSplitRequests's doc and the README give
// (go test -run TestSplitCost -v ./coralogix prints them). Splitting is
// sequential within a batch, so the counts do not depend on timing.
func TestSplitCost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		k      int
		spread bool
	}{{1, true}, {10, true}, {100, true}, {10, false}, {100, false}} {
		// Each refused id costs at most two requests per level of the
		// split tree below the point where its part holds no other.
		within := 1 + int(2*float64(tc.k)*(math.Log2(1000/float64(tc.k))+1))
		t.Run(fmt.Sprintf("k=%d/spread=%v", tc.k, tc.spread), func(t *testing.T) {
			t.Parallel()
			srv, c := newServer(t)
			ids := srv.AddCases("COST", 1000)
			for i := range tc.k {
				at := 500 + i // side by side, from the middle
				if tc.spread {
					at = i*(1000/tc.k) + 1000/tc.k/2
				}
				require.True(t, srv.CloseCase(ids[at]))
			}
			res, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: ids}, coralogix.BulkOptions{DiscardCases: true})
			require.Error(t, err)
			assert.Len(t, res.SucceededIDs, 1000-tc.k)
			assert.LessOrEqual(t, len(srv.Requests()), within)
			t.Logf("k=%d spread=%v: %d requests (the first included)", tc.k, tc.spread, len(srv.Requests()))
			if out := benchx.ProofOut(); out != "" { // .ci/bench: a figure of BENCHMARKS.md
				benchx.Record(t, out, map[string]any{"kind": "splitcost", "k": tc.k, "spread": tc.spread,
					"requests": len(srv.Requests()), "assigned": len(res.SucceededIDs)})
			}
		})
	}
}

// The result shares no memory with the caller's slice of ids: changing
// the slice after the call changes nothing in the result.
func TestBatchResultDoesNotShareTheCallersIDs(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ids := srv.AddCases("OWN", 4)
	require.True(t, srv.CloseCase(ids[0]))
	for _, unassign := range []bool{false, true} {
		in := append([]string(nil), ids...)
		var res *coralogix.BatchResult
		var err error
		if unassign {
			res, err = c.UnassignCasesInBatches(context.Background(), in, coralogix.BulkOptions{})
		} else {
			res, err = c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: user}, IDs: in}, coralogix.BulkOptions{})
		}
		require.Error(t, err)
		failed, succeeded := res.FailedIDs(), slices.Clone(res.SucceededIDs)
		for i := range in {
			in[i] = "CHANGED-1"
		}
		assert.Equal(t, failed, res.FailedIDs(), "unassign=%v", unassign)
		assert.Equal(t, succeeded, res.SucceededIDs, "unassign=%v", unassign)
		assert.NotContains(t, res.FailedIDs(), "CHANGED-1")
	}
}

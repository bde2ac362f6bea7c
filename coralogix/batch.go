package coralogix

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/caseassign/caseassign/internal/core"
)

// BatchResult is the outcome of AssignCasesInBatches or
// UnassignCasesInBatches: which ids the server confirmed, the cases it
// answered with, and one failure per refused id (or per group of ids that
// failed together).
type BatchResult struct {
	// Cases are the cases the server answered with, in batch order; empty
	// with BulkOptions.DiscardCases.
	Cases []Case
	// SucceededIDs are the ids the server confirmed (the answer holds the
	// case, with the assignee set or cleared as asked), in input order, as
	// sent (lower-cased UUIDs). Filled with DiscardCases too.
	SucceededIDs []string
	// Failures are the ids that were not confirmed, in input order: an id
	// the server refused alone (found by splitting its batch), an id the
	// answer left out (ErrNotConfirmed), or ids that failed together for a
	// reason that is not theirs (a 5xx, a lost connection, the context).
	Failures []BatchFailure
}

// BatchFailure is a set of ids that failed together, with the error.
type BatchFailure struct {
	IDs []string // the ids, as sent (lower-cased UUIDs); one id when it was refused alone
	Err error    // why: an *APIError, *RequestError, ErrNotConfirmed or the context's error
}

// Err joins the failures' errors, or is nil when every id succeeded.
func (r *BatchResult) Err() error {
	if r == nil || len(r.Failures) == 0 {
		return nil
	}
	errs := make([]error, len(r.Failures))
	for i, f := range r.Failures {
		errs[i] = f.Err
	}
	return errors.Join(errs...)
}

// FailedIDs returns the ids of every failure, in order.
func (r *BatchResult) FailedIDs() []string {
	var ids []string
	for _, f := range r.Failures {
		ids = append(ids, f.IDs...)
	}
	return ids
}

// MaxSplitRequests bounds the extra requests spent on one batch to find
// the ids the server refuses: as many as a full batch has ids. When a
// batch is refused for its content (400, 404, 409 or 422: an unknown or
// closed case, most likely), it is split in two and each half sent again,
// down to single ids; each split costs two requests. Isolating k refused
// ids in a batch of 1000 costs at most about 2k·(log2(1000/k)+1) extra
// requests, when they are spread out: 18 for one, 146 for ten (1% of the
// ids), 846 for a hundred; side by side they cost less (34 for ten, 210
// for a hundred). Past the bound (a batch where most ids are refused), the parts not yet
// settled fail together, with an error that says they were not tried one
// by one.
const MaxSplitRequests = MaxIDs

// ErrNotConfirmed matches the failure of an id whose bulk request
// succeeded but whose case the answer did not hold as asked (missing, or
// with another assignee): the server did not say it changed it, so it is
// not reported as done. A server that skips unknown or closed ids instead
// of refusing the batch answers this way. Unlike rootly.ErrNotConfirmed,
// it does not match ErrUnexpectedResponse: leaving a closed case out of an
// answer is a way Coralogix may answer, not a malformed one.
var ErrNotConfirmed = errors.New("coralogix: the answer does not confirm the change")

// AssignCasesInBatches assigns any number of cases to one user. The ids are
// validated first (nothing is sent if one is invalid), duplicates are
// removed keeping the first occurrence, and the rest is split into requests
// of at most 1000 ids, sent with opts.Concurrency in flight (default 8).
//
// One refused id never sinks the rest of its batch. Coralogix does not
// document whether a bulk call holding an unknown or closed case refuses
// the whole batch or changes the rest; the SDK copes with both. A batch
// refused for its content (400, 404, 409, 422) is split and sent again
// until the refused ids are isolated (at most MaxSplitRequests extra
// requests per batch); every other id is assigned. An answer that leaves
// an id out, or shows its case with another assignee, does not count it
// as assigned: that id fails with ErrNotConfirmed.
//
// The result has the confirmed ids (SucceededIDs, in input order), the
// cases answered (unless opts.DiscardCases), and the failures, one per
// refused id or per group of ids that failed together. The error is non-nil
// exactly when at least one id failed: a *BulkError whose Failed counts
// the failed ids, and which errors.Is and errors.As see through to each
// failure's error. OnProgress counts ids as their batch is settled, and
// OnOutcome tells how many of them succeeded and failed. When the context
// ends, the batches not started fail with the context's error.
func (c *Client) AssignCasesInBatches(ctx context.Context, req AssignCasesRequest, opts BulkOptions) (*BatchResult, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := req.Assignee.validate("assignee"); err != nil {
		return nil, err
	}
	req = req.normalized()
	ids, err := dedupeIDs("ids", req.IDs)
	if err != nil {
		return nil, err
	}
	user := req.Assignee.UserID
	return c.runBatches(ctx, splitBatches(ids, MaxIDs), len(ids), opts, func(ctx context.Context, batch []string) ([]Case, error) {
		r, err := c.core.JSONRequest(http.MethodPut, pathAssigned, AssignCasesRequest{Assignee: req.Assignee, IDs: batch})
		if err != nil {
			return nil, err
		}
		return core.Call(ctx, c.core, r, decodeCases)
	}, assignedTo(user))
}

// MaxUnassignURLBytes bounds the query string of one UnassignCasesInBatches
// request: a bulk unassign sends every id in the URL, and many proxies
// refuse URLs much longer than 8 KB (414).
const MaxUnassignURLBytes = 7 << 10

// UnassignCasesInBatches clears the assignee of any number of cases. Like
// AssignCasesInBatches, it validates every id first, removes duplicates, and
// sends batches with bounded concurrency; each batch holds at most 1000 ids
// and a query string of at most MaxUnassignURLBytes, so no URL is longer
// than about 8 KB. The result and error are those of AssignCasesInBatches.
func (c *Client) UnassignCasesInBatches(ctx context.Context, ids []string, opts BulkOptions) (*BatchResult, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	uniq, err := dedupeIDs("ids", core.LowerUUIDs(ids))
	if err != nil {
		return nil, err
	}
	return c.runBatches(ctx, splitByQuery(uniq, MaxIDs, MaxUnassignURLBytes), len(uniq), opts, func(ctx context.Context, batch []string) ([]Case, error) {
		return core.Call(ctx, c.core, &core.Request{Method: http.MethodDelete, Path: pathAssigned, Query: url.Values{"ids": batch}.Encode()}, decodeCases)
	}, unassigned)
}

// dedupeIDs validates every id and removes duplicates, keeping the first.
// It returns in itself when no id repeats, and finds repeats by sorting
// an index of 4 bytes per id, not with a set of the ids: a million ids
// then cost 4 MB here, not the 30 MB of a map (BENCHMARKS.md, memory).
func dedupeIDs(field string, in []string) ([]string, error) {
	for i, id := range in {
		if err := validateCaseID(field+"["+strconv.Itoa(i)+"]", id); err != nil {
			return nil, err
		}
	}
	if len(in) < 2 {
		return in, nil
	}
	if len(in) > math.MaxInt32 {
		return nil, invalid(field, "holds more than 2^31-1 ids: send them in several calls")
	}
	order := make([]int32, len(in))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return strings.Compare(in[a], in[b]) })
	var repeats []int32 // the later occurrences of an id
	for k := 1; k < len(order); k++ {
		if in[order[k]] == in[order[k-1]] {
			repeats = append(repeats, order[k])
		}
	}
	if len(repeats) == 0 {
		return in, nil
	}
	slices.Sort(repeats)
	ids := make([]string, 0, len(in)-len(repeats))
	for i, id := range in {
		if len(repeats) > 0 && int(repeats[0]) == i {
			repeats = repeats[1:]
			continue
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// batchOut is what one batch settled to.
type batchOut struct {
	cases    []Case
	failures []BatchFailure
	failed   int
}

// runBatches sends each batch through send with the shared bulk runner,
// isolates the ids a server refuses (settle), and gathers the confirmed
// ids, cases and failures in input order. done reports whether a case in
// an answer shows the change asked for.
func (c *Client) runBatches(ctx context.Context, batches [][]string, total int, opts BulkOptions,
	send func(context.Context, []string) ([]Case, error), done func(*Case) bool) (*BatchResult, error) {
	outs := make([]batchOut, len(batches))
	size := func(i int) int { return len(batches[i]) }
	errs := core.RunBulkCounted(ctx, len(batches), size, opts.core(), func(ctx context.Context, i int) (int, error) {
		o := &outs[i]
		budget := MaxSplitRequests
		c.settle(ctx, batches[i], send, done, opts.DiscardCases, &budget, o)
		return o.failed, nil
	})
	out := &BatchResult{}
	var failed []error
	nFailed := 0
	for i := range batches {
		if errs[i] != nil { // not started: the context ended
			outs[i] = batchOut{failures: []BatchFailure{{IDs: slices.Clone(batches[i]), Err: errs[i]}}, failed: len(batches[i])}
		}
		nFailed += outs[i].failed
	}
	// The confirmed ids of a batch are its ids less those of its failures,
	// in input order: they are not kept per batch while the job runs.
	out.SucceededIDs = make([]string, 0, total-nFailed)
	for i := range batches {
		o := &outs[i]
		out.Cases = append(out.Cases, o.cases...)
		out.SucceededIDs = appendSucceeded(out.SucceededIDs, batches[i], o)
		out.Failures = append(out.Failures, o.failures...)
		for _, f := range o.failures {
			failed = append(failed, f.Err)
		}
	}
	if nFailed == 0 {
		return out, nil
	}
	return out, &BulkError{Failed: nFailed, Total: total, Errs: failed}
}

// settle sends ids and records what became of each. A refusal of the
// request's content splits it in two halves, each settled in turn, while
// the budget of extra requests lasts; any other failure, or a refusal of
// a single id, fails the ids together. A success confirms each id whose
// case the answer holds, changed as asked.
func (c *Client) settle(ctx context.Context, ids []string, send func(context.Context, []string) ([]Case, error),
	done func(*Case) bool, discard bool, budget *int, o *batchOut) {
	cases, err := send(ctx, ids)
	if err != nil {
		if len(ids) > 1 && *budget >= 2 && ctx.Err() == nil && refusedForContent(err) {
			*budget -= 2
			mid := len(ids) / 2
			c.settle(ctx, ids[:mid:mid], send, done, discard, budget, o)
			c.settle(ctx, ids[mid:], send, done, discard, budget, o)
			return
		}
		if len(ids) > 1 && *budget < 2 && refusedForContent(err) {
			err = &untriedError{n: len(ids), err: err}
		}
		// A copy: ids may be the caller's own slice (dedupeIDs returns it
		// when no id repeats), which the result must not share.
		o.failures = append(o.failures, BatchFailure{IDs: slices.Clone(ids), Err: err})
		o.failed += len(ids)
		return
	}
	failures := confirm(ids, cases, done)
	o.failures = append(o.failures, failures...)
	o.failed += len(failures)
	if !discard {
		o.cases = append(o.cases, cases...)
	}
}

// appendSucceeded appends the ids of batch that none of o's failures
// names, in order.
func appendSucceeded(dst, batch []string, o *batchOut) []string {
	if o.failed == 0 {
		return append(dst, batch...)
	}
	if o.failed >= len(batch) {
		return dst
	}
	failed := make(map[string]struct{}, o.failed)
	for _, f := range o.failures {
		for _, id := range f.IDs {
			failed[id] = struct{}{}
		}
	}
	for _, id := range batch {
		if _, no := failed[id]; !no {
			dst = append(dst, id)
		}
	}
	return dst
}

// confirm returns one failure (ErrNotConfirmed) for each id whose case the
// answer does not hold changed as asked (done), in the order of ids. An
// answer names a case by its UUID and its readable id, as Coralogix's
// answers do.
func confirm(ids []string, cases []Case, done func(*Case) bool) (failures []BatchFailure) {
	confirmed := make(map[string]struct{}, 2*len(cases))
	for i := range cases {
		if done(&cases[i]) {
			confirmed[strings.ToLower(cases[i].ID)] = struct{}{}
			if isReadableID(cases[i].ReadableID) { // not a UUID posing as one
				confirmed[cases[i].ReadableID] = struct{}{}
			}
		}
	}
	for _, id := range ids {
		key := id
		if core.IsUUID(id, false) {
			key = strings.ToLower(id)
		}
		if _, yes := confirmed[key]; yes {
			continue
		}
		failures = append(failures, BatchFailure{IDs: []string{id}, Err: fmt.Errorf("case %s: %w (it may be closed, unknown, or changed since by someone else: GetCase shows it)", id, ErrNotConfirmed)})
	}
	return failures
}

// refusedForContent reports an answer that refuses what the request holds
// (400, 404, 409, 422), as an unknown or closed case in a batch makes a
// strict server answer; not a route that does not exist.
func refusedForContent(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) || errors.Is(err, ErrUnknownRoute) {
		return false
	}
	switch ae.StatusCode {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// splitBatches cuts ids into consecutive batches of at most size ids.
func splitBatches(ids []string, size int) [][]string {
	batches := make([][]string, 0, (len(ids)+size-1)/size)
	for len(ids) > 0 {
		n := min(size, len(ids))
		batches = append(batches, ids[:n:n])
		ids = ids[n:]
	}
	return batches
}

// splitByQuery cuts ids into consecutive batches of at most size ids whose
// query string ("ids=a&ids=b...") is at most maxQuery bytes.
func splitByQuery(ids []string, size, maxQuery int) [][]string {
	var batches [][]string
	start, qlen := 0, 0
	for i, id := range ids {
		n := len("ids=") + len(url.QueryEscape(id))
		if i > start {
			n++ // the '&'
		}
		if i > start && (i-start == size || qlen+n > maxQuery) {
			batches = append(batches, ids[start:i:i])
			start, qlen, n = i, 0, n-1
		}
		qlen += n
	}
	if start < len(ids) {
		batches = append(batches, ids[start:len(ids):len(ids)])
	}
	return batches
}

// untriedError is the refusal of a part of a batch whose ids were not
// tried one by one, the batch's split budget being spent: most of them may
// be fine. It matches what the refusal matches.
type untriedError struct {
	n   int
	err error
}

func (e *untriedError) Error() string {
	return fmt.Sprintf("%d ids not tried one by one (the batch's MaxSplitRequests are spent), most of them likely fine: send them again in a call of their own; the part holding them was refused: %v", e.n, e.err)
}

func (e *untriedError) Unwrap() error { return e.err }

package coralogix

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"github.com/caseassign/caseassign/internal/core"
)

// BatchResult is the outcome of AssignCasesInBatches: the cases of every
// batch that succeeded, in batch order, and one failure per failed batch.
type BatchResult struct {
	Cases    []Case         // the cases the successful batches returned, in batch order
	Failures []BatchFailure // one per failed batch, in batch order
}

// BatchFailure is a batch that failed, with its ids and the error.
type BatchFailure struct {
	IDs []string // the batch's ids, as sent (lower-cased UUIDs)
	Err error    // why the batch failed: an *APIError, *RequestError or the context's error
}

// Err joins the failures' errors, or is nil when every batch succeeded.
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

// FailedIDs returns the ids of every failed batch, in order.
func (r *BatchResult) FailedIDs() []string {
	var ids []string
	for _, f := range r.Failures {
		ids = append(ids, f.IDs...)
	}
	return ids
}

// AssignCasesInBatches assigns any number of cases to one user. The ids are
// validated first (nothing is sent if one is invalid), duplicates are
// removed keeping the first occurrence, and the rest is split into requests
// of at most 1000 ids, sent with opts.Concurrency in flight (default 8).
// OnProgress counts ids: it is called after each batch with the ids done
// and the total of distinct ids.
//
// Every batch's outcome is in the result: the cases of the batches that
// succeeded, and one failure per failed batch with its ids and error.
// The error is non-nil exactly when at least one batch failed: a
// *BulkError whose Failed counts the failed ids, and which errors.Is and
// errors.As see through to each batch's error. When the context ends, the
// batches not started are failures with the context's error.
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
	return c.runBatches(ctx, splitBatches(ids, MaxIDs), len(ids), opts, func(ctx context.Context, batch []string) ([]Case, error) {
		return c.AssignCases(ctx, AssignCasesRequest{Assignee: req.Assignee, IDs: batch})
	})
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
	return c.runBatches(ctx, splitByQuery(uniq, MaxIDs, MaxUnassignURLBytes), len(uniq), opts, c.UnassignCases)
}

// dedupeIDs validates every id and removes duplicates, keeping the first.
func dedupeIDs(field string, in []string) ([]string, error) {
	ids := make([]string, 0, len(in))
	seen := make(map[string]struct{}, len(in))
	for i, id := range in {
		if err := validateCaseID(field+"["+strconv.Itoa(i)+"]", id); err != nil {
			return nil, err
		}
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// runBatches sends each batch through send with the shared bulk runner and
// gathers the cases and failures in batch order.
func (c *Client) runBatches(ctx context.Context, batches [][]string, total int, opts BulkOptions, send func(context.Context, []string) ([]Case, error)) (*BatchResult, error) {
	results := make([][]Case, len(batches))
	size := func(i int) int { return len(batches[i]) }
	errs := core.RunBulk(ctx, len(batches), size, opts.core(), func(ctx context.Context, i int) error {
		cases, err := send(ctx, batches[i])
		results[i] = cases
		return err
	})
	out := &BatchResult{}
	for i, err := range errs {
		if err != nil {
			out.Failures = append(out.Failures, BatchFailure{IDs: batches[i], Err: err})
			continue
		}
		out.Cases = append(out.Cases, results[i]...)
	}
	return out, bulkError(errs, size, total)
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

package coralogix

import (
	"context"
	"errors"
	"strconv"

	"github.com/caseassign/caseassign/internal/core"
)

// BatchResult is the outcome of AssignCasesInBatches: the cases of every
// batch that succeeded, in batch order, and one failure per failed batch.
type BatchResult struct {
	Cases    []Case
	Failures []BatchFailure
}

// BatchFailure is a batch that failed, with its ids and the error.
type BatchFailure struct {
	IDs []string
	Err error
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
// OnProgress is called after each batch with batches done and total.
//
// A failed batch is reported in Failures with its ids and error, while every
// other batch's cases are returned: successes are never lost. The error
// result is non-nil only when nothing was sent (invalid input) or the context
// ended; in the latter case the result still holds what was done, and every
// batch not started is a failure with the context's error.
func (c *Client) AssignCasesInBatches(ctx context.Context, req AssignCasesRequest, opts BulkOptions) (*BatchResult, error) {
	if err := req.Assignee.validate("assignee"); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(req.IDs))
	seen := make(map[string]struct{}, len(req.IDs))
	for i, id := range req.IDs {
		if err := validateCaseID("ids["+strconv.Itoa(i)+"]", id); err != nil {
			return nil, err
		}
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			ids = append(ids, id)
		}
	}
	batches := splitBatches(ids, MaxIDs)
	results := make([][]Case, len(batches))
	errs := core.RunBulk(ctx, len(batches), opts, func(ctx context.Context, i int) error {
		cases, err := c.AssignCases(ctx, AssignCasesRequest{Assignee: req.Assignee, IDs: batches[i]})
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
	return out, ctx.Err()
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

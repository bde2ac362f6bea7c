package actionmgmt

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/caseassign/caseassign/internal/core"
)

// Assignment is one (case, role member) pair of AssignUsers or
// UnassignUsers.
type Assignment struct {
	CaseID int64      // the case (in the hub the call names)
	Member RoleMember // the role and the user
}

// Outcome is what happened to one Assignment. Outcomes come back in input
// order, one per Assignment.
type Outcome struct {
	Assignment Assignment // the pair, as given
	// Case is the case as written, or as read when nothing had to change
	// (the user was already in the role, or already gone); nil when Err is
	// set. Pairs on the same case share it.
	Case *Case
	Err  error // why this pair failed, nil on success
}

// AssignUsers puts many users in case roles of one hub: for each
// Assignment, the user joins the role of the case, as AssignUser does.
//
// Pairs on the same case are applied together under the case's lock: one
// GET, every pair's change, and one PUT when something changed, so a case
// with ten new role members costs two requests, not twenty, and no change
// is lost to another call of this Client. A pair whose role the case lacks
// fails alone (ErrNotFound); the case's other pairs still go. When the
// server refuses the case's write for its content (400, 409, 422: an
// inactive user, say), each of the case's pairs is tried again on its own,
// so one refused user never sinks the others. Cases are worked on with
// opts.Concurrency at once (default 8).
//
// Every pair is checked before anything is sent (an invalid one is a
// *ValidationError and no outcomes). Otherwise one Outcome per pair comes
// back in input order, and the error is non-nil exactly when at least one
// pair failed: a *BulkError that errors.Is and errors.As see through to
// each failure. OnProgress and OnOutcome count pairs, as each case is
// settled. When the context ends, the pairs not started fail with the
// context's error.
func (c *Client) AssignUsers(ctx context.Context, hubID int64, items []Assignment, opts BulkOptions) ([]Outcome, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	return c.bulkRoles(ctx, hubID, items, opts, true)
}

// UnassignUsers takes many users out of case roles of one hub, as
// UnassignUser does for one, with everything AssignUsers says about
// grouping by case, refusals, outcomes and errors.
func (c *Client) UnassignUsers(ctx context.Context, hubID int64, items []Assignment, opts BulkOptions) ([]Outcome, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	return c.bulkRoles(ctx, hubID, items, opts, false)
}

// callerKey keys the goroutine that made a bulk call, in its context.
type callerKey struct{}

// caseGroup is the pairs of one case, by their index in the input.
type caseGroup struct {
	caseID int64
	idx    []int
}

func (c *Client) bulkRoles(ctx context.Context, hubID int64, items []Assignment, opts BulkOptions, add bool) ([]Outcome, error) {
	if err := positive("hubID", hubID); err != nil {
		return nil, err
	}
	var groups []caseGroup
	byCase := map[int64]int{}
	for i, it := range items {
		f := "items[" + strconv.Itoa(i) + "]."
		if err := positives(idArg{f + "CaseID", it.CaseID}, idArg{f + "Member.RoleID", it.Member.RoleID}, idArg{f + "Member.UserID", it.Member.UserID}); err != nil {
			return nil, err
		}
		g, ok := byCase[it.CaseID]
		if !ok {
			g = len(groups)
			byCase[it.CaseID] = g
			groups = append(groups, caseGroup{caseID: it.CaseID})
		}
		groups[g].idx = append(groups[g].idx, i)
	}
	out := make([]Outcome, len(items))
	for i := range items {
		out[i].Assignment = items[i]
	}
	// The workers run on goroutines of their own: the caller's goroutine
	// goes with the context, so that a bulk call made from inside a
	// ModifyCase change function on one of its cases is refused
	// (ErrReentrant) instead of waiting for itself.
	ctx = context.WithValue(ctx, callerKey{}, goroutineID())
	size := func(g int) int { return len(groups[g].idx) }
	notStarted := core.RunBulkCounted(ctx, len(groups), size, opts.core(), func(ctx context.Context, g int) (int, error) {
		return c.settleCase(ctx, hubID, groups[g], items, out, add), nil
	})
	errs := make([]error, len(items))
	for g, err := range notStarted {
		for _, i := range groups[g].idx {
			if err != nil {
				out[i].Err = err
			}
			errs[i] = out[i].Err
		}
	}
	return out, bulkError(errs, nil, len(items))
}

// settleCase applies one case's pairs in one read-modify-write, and falls
// back to one per pair when the server refuses the combined write for its
// content. It fills the pairs' outcomes and returns how many failed.
func (c *Client) settleCase(ctx context.Context, hubID int64, g caseGroup, items []Assignment, out []Outcome, add bool) int {
	pairErr := make([]error, len(g.idx))
	changes := 0
	cs, err := c.modify(ctx, hubID, g.caseID, func(cs *Case) (bool, error) {
		changes = 0
		for k, i := range g.idx {
			m := items[i].Member
			role, err := roleOf(cs, m.RoleID)
			if err != nil {
				pairErr[k] = err
				continue
			}
			pairErr[k] = nil
			switch {
			case add && !role.HasUser(m.UserID):
				role.Users = append(role.Users, RoleUser{ID: m.UserID})
				changes++
			case !add && role.removeUser(m.UserID):
				changes++
			}
		}
		return changes > 0, nil
	})
	if err != nil && len(g.idx) > 1 && writeRefused(err) {
		// One pair's change may be what the server refuses: each on its own.
		failed := 0
		for k, i := range g.idx {
			if pairErr[k] != nil {
				out[i].Err = pairErr[k]
				failed++
				continue
			}
			m := items[i].Member
			out[i].Case, out[i].Err = c.changeRole(ctx, hubID, g.caseID, m.RoleID, m.UserID, add)
			if out[i].Err != nil {
				failed++
			}
		}
		return failed
	}
	failed := 0
	for k, i := range g.idx {
		switch {
		case err != nil:
			out[i].Err = err
		case pairErr[k] != nil:
			out[i].Err = pairErr[k]
		default:
			out[i].Case = cs
			continue
		}
		failed++
	}
	return failed
}

// writeRefused reports a PUT the server refused for what it holds.
func writeRefused(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Method != http.MethodPut {
		return false
	}
	switch ae.StatusCode {
	case http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

package actionmgmt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"

	"github.com/caseassign/caseassign/internal/core"
)

// MaxCasePageSize is the largest CaseQuery.Top the API accepts (a larger
// one is answered 400); DefaultCasePageSize is what the API uses for 0.
const (
	MaxCasePageSize     = 100
	DefaultCasePageSize = 20
)

// CaseQuery selects, sorts and pages the cases of a hub, as the case list
// query how-to describes its request body. The zero value asks for the
// API's defaults: the first 20 cases, newest first.
type CaseQuery struct {
	// Top is the page size, 1 to MaxCasePageSize; 0 means the API's
	// default (DefaultCasePageSize). Skip is how many cases to skip.
	Top, Skip int
	// Filters are the query's filter objects, sent as given in "filters".
	// Empty means no filter.
	//
	// What the SDK knows of them: the case list query how-to
	// (horizons.confirmit.eu, Action Management, "caselistquery") puts a
	// "filters" array in the body; the grammar of its objects is further
	// down that page, in a part no public source we could reach returns,
	// so the SDK does not type them. It checks only that each is a JSON
	// object, and passes it through unchanged: a filter the server does
	// not understand is not caught here (the server may refuse it with a
	// 400, or may ignore it). Take the grammar from the how-to page, or
	// select on the client side: AllCases, then keep the cases you want
	// (the package's AllCases examples do it for open cases).
	Filters []json.RawMessage
	// Include names the case properties to return; empty means all.
	Include []string
	// OrderBy names the property to sort by ("id", "dateCreated",
	// "dateDue", ...); empty means the API's default (dateCreated).
	// OrderByAscending sorts ascending instead of descending.
	OrderBy          string
	OrderByAscending bool
}

// caseQueryBody is the wire form of a CaseQuery.
type caseQueryBody struct {
	Filters          []json.RawMessage `json:"filters,omitempty"`
	Include          []string          `json:"include,omitempty"`
	OrderBy          *orderBy          `json:"orderBy,omitempty"`
	OrderByAscending bool              `json:"orderByAscending"`
	Top              int               `json:"top,omitempty"`
	Skip             int               `json:"skip"`
}

type orderBy struct {
	Property string `json:"property"`
}

func (q *CaseQuery) valid() error {
	switch {
	case q.Top < 0 || q.Top > MaxCasePageSize:
		return invalid("q.Top", fmt.Sprintf("must be 0 (the default) to %d", MaxCasePageSize))
	case q.Skip < 0:
		return invalid("q.Skip", "must not be negative")
	}
	for i, f := range q.Filters {
		if !json.Valid(f) || bytes.TrimSpace(f)[0] != '{' {
			return invalid("q.Filters["+strconv.Itoa(i)+"]", "must be a JSON object")
		}
	}
	for i, p := range q.Include {
		if p == "" {
			return invalid("q.Include["+strconv.Itoa(i)+"]", "is empty")
		}
	}
	return nil
}

func (q *CaseQuery) body() caseQueryBody {
	b := caseQueryBody{Filters: q.Filters, Include: q.Include, OrderByAscending: q.OrderByAscending, Top: q.Top, Skip: q.Skip}
	if q.OrderBy != "" {
		b.OrderBy = &orderBy{Property: q.OrderBy}
	}
	return b
}

// CasePage is one page of a case query.
type CasePage struct {
	ItemType   string // "CaseListItem"
	ItemCount  int    // cases on this page
	TotalCount int    // cases the query selects, on every page
	// Items are the cases, each kept loss-free like a Case from GetCase.
	Items []Case
}

type casePageWire struct {
	ItemType   string `json:"itemType"`
	ItemCount  int    `json:"itemCount"`
	TotalCount int    `json:"totalCount"`
	Items      []Case `json:"items"`
}

// QueryCases returns one page of a hub's cases:
// POST /v1/actionmanagement/hubs/{hubID}/cases/query. q is checked before
// anything is sent (Top 0 to 100, Skip not negative, each filter a JSON
// object).
func (c *Client) QueryCases(ctx context.Context, hubID int64, q CaseQuery) (*CasePage, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := positive("hubID", hubID); err != nil {
		return nil, err
	}
	if err := q.valid(); err != nil {
		return nil, err
	}
	r, err := c.core.JSONRequest(http.MethodPost, hubPath(hubID, "cases", "query"), q.body())
	if err != nil {
		return nil, err
	}
	w, err := core.Call(ctx, c.core, r, decodeList(func(w *casePageWire) bool { return w.Items != nil }))
	if err != nil {
		return nil, err
	}
	return &CasePage{ItemType: w.ItemType, ItemCount: w.ItemCount, TotalCount: w.TotalCount, Items: w.Items}, nil
}

// AllCases iterates over every case the query selects, page after page
// (skip advancing by the cases received), until totalCount cases were seen
// or a page comes back empty. A page shorter than Top does not end it while
// totalCount says more remain (a server may cap pages below Top); without
// a totalCount, a short page is the last. It copies q and stops requesting as soon as
// the loop stops. q is checked before the first request; an error ends the
// iteration after being yielded once. A server that sends the same page
// twice, or more than MaxPages pages, ends it with an error matching
// ErrUnexpectedResponse.
func (c *Client) AllCases(ctx context.Context, hubID int64, q CaseQuery) iter.Seq2[*Case, error] {
	q.Filters = append([]json.RawMessage(nil), q.Filters...)
	q.Include = append([]string(nil), q.Include...)
	size := q.Top
	if size == 0 {
		size = DefaultCasePageSize
	}
	return skipPages(q.Skip, size, func(cs *Case) int64 { return cs.ID }, func(skip int) ([]Case, int, error) {
		page := q
		page.Skip = skip
		p, err := c.QueryCases(ctx, hubID, page)
		if err != nil {
			return nil, 0, err
		}
		return p.Items, p.TotalCount, nil
	})
}

// ModifyCase is one read-modify-write of a case under the client's per-case
// lock: it reads the case (GET), lets change edit it, and writes it back
// (PUT) only if change changed something, returning the case the server
// answers (or the case as read, when nothing changed). An error from change
// aborts with no PUT and is returned as is. change must not change the
// case's ID.
//
// Calls on the same case through one Client (ModifyCase, MoveUser,
// AssignUser, UnassignUser) never interleave, so none of their changes is
// lost; writers outside this Client can still race with it: the API has no
// version check.
func (c *Client) ModifyCase(ctx context.Context, hubID, caseID int64, change func(*Case) error) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if change == nil {
		return nil, invalid("change", "a function is required")
	}
	if err := positive("hubID", hubID); err != nil {
		return nil, err
	}
	if err := positive("caseID", caseID); err != nil {
		return nil, err
	}
	return c.modifyAs(ctx, hubID, caseID, compared(change), true)
}

// ErrReentrant matches the error of a call that would wait for itself:
// ModifyCase (or AssignUser, UnassignUser, MoveUser) on a case, made from
// inside the change function of a ModifyCase on the same case through the
// same Client. The inner call returns it at once, sending nothing; without
// it, the inner call would wait for the lock its caller holds until its
// context ends.
var ErrReentrant = errors.New("actionmgmt: a call on the case from inside ModifyCase's change function on the same case would wait for itself")

// modify is the read-modify-write under the per-case lock. change edits the
// case and reports whether it changed it; a PUT follows only then.
func (c *Client) modify(ctx context.Context, hubID, caseID int64, change func(*Case) (bool, error)) (*Case, error) {
	return c.modifyAs(ctx, hubID, caseID, change, false)
}

// modifyAs is modify; caller says change is a caller's function, during
// which the lock records the goroutine running it, so that a call it makes
// on the same case is refused instead of waiting for itself.
func (c *Client) modifyAs(ctx context.Context, hubID, caseID int64, change func(*Case) (bool, error), caller bool) (*Case, error) {
	held, err := c.locks.lock(ctx, caseKey{hubID, caseID})
	if err != nil {
		return nil, err
	}
	defer c.locks.unlock(held)

	cs, err := c.GetCase(ctx, hubID, caseID)
	if err != nil {
		return nil, err
	}
	if caller {
		held.changer.Store(goroutineID())
	}
	changed, err := runChange(held, change, cs)
	if err != nil {
		return nil, err
	}
	if cs.ID != caseID {
		return nil, invalid("change", "must not change the case's ID")
	}
	if !changed {
		return cs, nil
	}
	return c.UpdateCase(ctx, hubID, cs)
}

// runChange runs change on cs and clears the record of the goroutine
// running it, even when change panics (the panic goes on to the caller).
func runChange(held *caseLock, change func(*Case) (bool, error), cs *Case) (bool, error) {
	defer held.changer.Store(0)
	return change(cs)
}

// compared wraps a caller's change: whether it changed the case is told by
// comparing the case's encoding before and after.
func compared(change func(*Case) error) func(*Case) (bool, error) {
	return func(cs *Case) (bool, error) {
		before, err := cs.appendJSON(nil)
		if err != nil {
			return false, invalid("case", err.Error())
		}
		if err := change(cs); err != nil {
			return false, err
		}
		after, err := cs.appendJSON(nil)
		if err != nil {
			return false, invalid("case", err.Error())
		}
		return !bytes.Equal(before, after), nil
	}
}

// MoveUser moves a user from one role of a case to another in one GET and
// one PUT, under the per-case lock: afterwards the user is in toRoleID and
// not in fromRoleID. When that already holds (the move happened, by an
// earlier try or another writer), nothing is written, so retrying a
// MoveUser is safe. A user in neither role is not moved: that is an error
// matching ErrNotFound, and nothing is written (use AssignUser to add a
// user). A role the case lacks is an error matching ErrNotFound too.
func (c *Client) MoveUser(ctx context.Context, hubID, caseID, fromRoleID, toRoleID, userID int64) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := positives(idArg{"hubID", hubID}, idArg{"caseID", caseID}, idArg{"fromRoleID", fromRoleID},
		idArg{"toRoleID", toRoleID}, idArg{"userID", userID}); err != nil {
		return nil, err
	}
	if fromRoleID == toRoleID {
		return nil, invalid("toRoleID", "is the same role as fromRoleID")
	}
	return c.modify(ctx, hubID, caseID, func(cs *Case) (bool, error) {
		from, err := roleOf(cs, fromRoleID)
		if err != nil {
			return false, err
		}
		to, err := roleOf(cs, toRoleID)
		if err != nil {
			return false, err
		}
		inFrom, inTo := from.HasUser(userID), to.HasUser(userID)
		if !inFrom && !inTo {
			return false, fmt.Errorf("%s: user %d is not in role %d of case %d, so there is nothing to move (AssignUser adds a user): %w",
				pkg, userID, fromRoleID, cs.ID, ErrNotFound)
		}
		from.removeUser(userID)
		if !inTo {
			to.Users = append(to.Users, RoleUser{ID: userID})
		}
		return inFrom || !inTo, nil
	})
}

// roleOf returns the case's role, or an error matching ErrNotFound.
func roleOf(cs *Case, roleID int64) (*CaseRole, error) {
	if r := cs.Role(roleID); r != nil {
		return r, nil
	}
	return nil, fmt.Errorf("%s: case %d has no role %d (ListRoles lists the hub's roles and their ids): %w", pkg, cs.ID, roleID, ErrNotFound)
}

// idArg is a named id argument for positives.
type idArg struct {
	name string
	v    int64
}

// positives checks that every id argument is positive.
func positives(args ...idArg) error {
	for _, a := range args {
		if err := positive(a.name, a.v); err != nil {
			return err
		}
	}
	return nil
}

// removeUser drops userID from the role; it reports whether it was there.
func (r *CaseRole) removeUser(userID int64) bool {
	kept := r.Users[:0]
	for _, u := range r.Users {
		if u.ID != userID {
			kept = append(kept, u)
		}
	}
	removed := len(kept) != len(r.Users)
	r.Users = kept
	return removed
}

package coralogix

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/caseassign/caseassign/internal/core"
)

// The shared surface of the package (error types, bulk options, common
// options and Client methods) is generated from internal/gen.
//go:generate go run ../internal/gen -pkg coralogix -kind public -o public.go

// Region is a Coralogix deployment. Pick the one your team's account lives
// in: a call to the wrong region fails even with a valid key.
type Region string

// The Coralogix regions. EU1 is the default.
const (
	EU1 Region = "EU1" // https://api.coralogix.com
	EU2 Region = "EU2" // https://api.eu2.coralogix.com
	US1 Region = "US1" // https://api.us1.coralogix.com
	US2 Region = "US2" // https://api.us2.coralogix.com
	US3 Region = "US3" // https://api.us3.coralogix.com
	AP1 Region = "AP1" // https://api.ap1.coralogix.com
	AP2 Region = "AP2" // https://api.ap2.coralogix.com
	AP3 Region = "AP3" // https://api.ap3.coralogix.com
)

// BaseURL returns the API origin of the region, or "" for an unknown region.
// Accounts on a legacy domain (api.coralogix.us, api.cx498.coralogix.com,
// api.app.coralogix.in, api.coralogixsg.com) can use WithBaseURL instead.
func (r Region) BaseURL() string {
	switch Region(strings.ToUpper(string(r))) {
	case EU1:
		return "https://api.coralogix.com"
	case EU2, US1, US2, US3, AP1, AP2, AP3:
		return "https://api." + strings.ToLower(string(r)) + ".coralogix.com"
	}
	return ""
}

// The operation paths, as documented.
const (
	pathPrefix   = "/mgmt/openapi/5"
	pathAssigned = pathPrefix + "/cases/assigned/v1"
	pathList     = pathPrefix + "/cases/cases/v1"
)

// Client calls the Coralogix Cases API. It is safe for concurrent use.
type Client struct {
	core   *core.Client
	region Region
}

// Option configures a Client.
type Option func(*options)

type options struct {
	core   core.Options
	region Region
}

// WithRegion selects the Coralogix region (default EU1). WithBaseURL wins
// over it.
func WithRegion(r Region) Option { return func(o *options) { o.region = r } }

// NewClient returns a client that authenticates with apiKey as
// "Authorization: Bearer <apiKey>". It makes no network call.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if err := core.CheckCredential(pkg, "apiKey", apiKey); err != nil {
		return nil, public(err)
	}
	apiKey = strings.TrimSpace(apiKey)
	o := options{region: EU1}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	region := Region(strings.ToUpper(string(o.region)))
	where := "region " + string(region)
	if o.core.BaseURL() != "" {
		where = "custom base URL"
	} else if region.BaseURL() == "" {
		return nil, invalid("region", fmt.Sprintf("unknown region %q (use EU1, EU2, US1, US2, US3, AP1, AP2 or AP3)", o.region))
	}
	auth := []string{"Bearer " + apiKey}
	c, err := core.New(core.Spec{
		APIPrefixes:    []string{pathPrefix, "/mgmt/openapi"},
		Package:        pkg,
		Where:          where,
		DefaultBaseURL: region.BaseURL(),
		Auth: func(r *http.Request) error {
			r.Header["Authorization"] = auth
			return nil
		},
		Secrets:     []string{apiKey},
		DecodeError: decodeError,
		Public:      public,
	}, o.core)
	if err != nil {
		return nil, public(err)
	}
	return &Client{core: c, region: region}, nil
}

// Region returns the client's region (meaningless with WithBaseURL).
func (c *Client) Region() Region {
	if c == nil {
		return ""
	}
	return c.region
}

// AssignCases assigns up to 1000 cases to one user in one request:
// PUT /mgmt/openapi/5/cases/assigned/v1. It returns the updated cases. An
// id whose case the answer does not hold with that assignee is not
// reported as assigned: the cases are returned with a *BulkError whose
// errors match ErrNotConfirmed, one per such id. For more ids, and for a
// batch refused because of one id, use AssignCasesInBatches.
func (c *Client) AssignCases(ctx context.Context, req AssignCasesRequest) ([]Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	req = req.normalized()
	if err := req.validate(); err != nil {
		return nil, err
	}
	r, err := c.core.JSONRequest(http.MethodPut, pathAssigned, req)
	if err != nil {
		return nil, err
	}
	cases, err := core.Call(ctx, c.core, r, decodeCases)
	if err != nil {
		return nil, err
	}
	return cases, unconfirmed(req.IDs, cases, assignedTo(req.Assignee.UserID))
}

// unconfirmed returns a *BulkError naming each id the answer does not
// confirm (ErrNotConfirmed), or nil.
func unconfirmed(ids []string, cases []Case, done func(*Case) bool) error {
	failures := confirm(ids, cases, done)
	if len(failures) == 0 {
		return nil
	}
	errs := make([]error, len(failures))
	for i, f := range failures {
		errs[i] = f.Err
	}
	return &BulkError{Failed: len(failures), Total: len(ids), Errs: errs}
}

// decodeCases decodes a {"cases": [...]} answer.
func decodeCases(body []byte) ([]Case, error) {
	var fast casesEnvelope[caseFields]
	var slow casesEnvelope[Case]
	lenient, err := decodeEnvelope(body, &fast, &slow)
	switch {
	case err != nil:
		return nil, err
	case lenient && slow.Cases != nil:
		return slow.Cases, nil
	case lenient || fast.Cases == nil:
		return nil, errors.New(`no "cases" array in the answer`)
	}
	return withExtra(body, "cases", fast.Cases)
}

// AssignCase assigns one case: POST /mgmt/openapi/5/cases/assigned/v1/{id}
// (POST, as documented, not PUT). id is a case UUID or readable id.
func (c *Client) AssignCase(ctx context.Context, id string, assignee UserDetails) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	id, assignee.UserID = core.LowerUUID(id), core.LowerUUID(assignee.UserID)
	if err := validateCaseID("id", id); err != nil {
		return nil, err
	}
	if err := assignee.validate("assignee"); err != nil {
		return nil, err
	}
	return c.oneCase(ctx, http.MethodPost, pathAssigned, id, struct {
		Assignee UserDetails `json:"assignee"`
	}{assignee}, assignedTo(assignee.UserID))
}

// UnassignCases clears the assignee of up to 1000 cases:
// DELETE /mgmt/openapi/5/cases/assigned/v1?ids=...&ids=... The answer is
// checked as AssignCases checks its own: an id whose case it does not
// show unassigned gives a *BulkError (ErrNotConfirmed).
func (c *Client) UnassignCases(ctx context.Context, ids []string) ([]Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	ids = core.LowerUUIDs(ids)
	if err := validateIDs(ids); err != nil {
		return nil, err
	}
	q := url.Values{"ids": ids}
	cases, err := core.Call(ctx, c.core, &core.Request{Method: http.MethodDelete, Path: pathAssigned, Query: q.Encode()}, decodeCases)
	if err != nil {
		return nil, err
	}
	return cases, unconfirmed(ids, cases, unassigned)
}

// UnassignCase clears the assignee of one case:
// DELETE /mgmt/openapi/5/cases/assigned/v1/{id}.
func (c *Client) UnassignCase(ctx context.Context, id string) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	id = core.LowerUUID(id)
	if err := validateCaseID("id", id); err != nil {
		return nil, err
	}
	return c.oneCase(ctx, http.MethodDelete, pathAssigned, id, nil, unassigned)
}

// GetCase reads one case: GET /mgmt/openapi/5/cases/cases/v1/{id}. The
// spec declares no 404 for it: an unknown case may be answered 404 or 400,
// and errors.Is(err, ErrNotFound) holds for both (the 400 also matches
// ErrRejected). ListCaseEvents answers an unknown case the same way.
func (c *Client) GetCase(ctx context.Context, id string) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	id = core.LowerUUID(id)
	if err := validateCaseID("id", id); err != nil {
		return nil, err
	}
	return c.oneCase(ctx, http.MethodGet, pathList, id, nil, nil)
}

// oneCase sends a call on case id and reads its {"case"} answer, which
// must be about that case and, for a change (done not nil), show it.
func (c *Client) oneCase(ctx context.Context, method, prefix, id string, body any, done func(*Case) bool) (*Case, error) {
	p, err := core.Path(prefix, id)
	if err != nil {
		return nil, invalid("id", err.Error())
	}
	r, err := c.core.JSONRequest(method, p, body)
	if err != nil {
		return nil, err
	}
	return core.Call(ctx, c.core, r, func(b []byte) (*Case, error) {
		cs, err := decodeCase(b)
		switch {
		case err != nil:
			return nil, err
		case !cs.is(id):
			return nil, fmt.Errorf("the answer is about case %q, not %q", cs.ID, id)
		case done != nil && !done(cs):
			return nil, fmt.Errorf("case %s: %w", id, ErrNotConfirmed)
		}
		return cs, nil
	})
}

// is reports whether the case is the one id names: its UUID (any case),
// or its readable id (see core.SameResource).
func (cs *Case) is(id string) bool { return core.SameResource(cs.ID, cs.ReadableID, id) }

// assignedTo confirms an assignment: the case's assignee is user.
func assignedTo(user string) func(*Case) bool {
	return func(cs *Case) bool { return cs.Assignee != nil && strings.EqualFold(cs.Assignee.UserID, user) }
}

// unassigned confirms an unassignment: the case has no assignee, not even
// one whose value the SDK could not type (kept in Extra).
func unassigned(cs *Case) bool {
	if cs.Assignee != nil {
		return false
	}
	raw, ok := cs.Extra["assignee"]
	return !ok || string(raw) == "null"
}

// decodeCase decodes a {"case": {...}} answer.
func decodeCase(body []byte) (*Case, error) {
	var fast caseEnvelope[caseFields]
	var slow caseEnvelope[Case]
	lenient, err := decodeEnvelope(body, &fast, &slow)
	switch {
	case err != nil:
		return nil, err
	case lenient && slow.Case != nil:
		return slow.Case, nil
	case lenient || fast.Case == nil:
		return nil, errors.New(`no "case" in the answer`)
	}
	cases, err := withExtra(body, "case", []caseFields{*fast.Case})
	if err != nil {
		return nil, err
	}
	return &cases[0], nil
}

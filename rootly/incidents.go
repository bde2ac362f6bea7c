package rootly

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/caseassign/caseassign/internal/core"
)

// ListIncidents returns one page of incidents: GET /v1/incidents with the
// page[...], filter[...] and sort parameters of opts (nil: the first page,
// unfiltered). Each incident's Raw holds its resource object as sent.
func (c *Client) ListIncidents(ctx context.Context, opts *ListIncidentsOptions) (*IncidentList, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &ListIncidentsOptions{}
	}
	if err := opts.ListOptions.validate(); err != nil {
		return nil, err
	}
	return list(ctx, c, "/v1/incidents", opts, decodeIncidentList)
}

// AllIncidents iterates over every incident the filters select, page after
// page, like AllIncidentRoles: it copies opts, stops requesting when the
// loop stops, and never follows a link itself. With opts.PageAfter set it
// pages by cursor (page[after], following meta.next_cursor); otherwise by
// number, and by cursor from the first page that announces only a
// next_cursor.
func (c *Client) AllIncidents(ctx context.Context, opts *ListIncidentsOptions) iter.Seq2[*Incident, error] {
	o := ListIncidentsOptions{}
	if opts != nil {
		o = *opts
	}
	return pages(&o.ListOptions, &o.PageAfter, MaxPages, func(i *Incident) string { return i.ID }, func() ([]*Incident, Links, *ListMeta, error) {
		l, err := c.ListIncidents(ctx, &o)
		if err != nil {
			return nil, Links{}, nil, err
		}
		return l.Incidents, l.Links, l.Meta, nil
	})
}

// GetUser reads one user: GET /v1/users/{id}. userID is the numeric id
// ("317"), or "me" for the token's own user.
func (c *Client) GetUser(ctx context.Context, userID string) (*User, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := validateUserID("userID", userID); err != nil {
		return nil, err
	}
	return getOne(ctx, c, "/v1/users", userID, "userID", userFrom, func(u *User, raw []byte) { u.Raw = raw },
		func(u *User) bool { return userID == "me" || core.SameResource(u.ID, "", userID) })
}

// GetIncidentRole reads one incident role: GET /v1/incident_roles/{id}.
func (c *Client) GetIncidentRole(ctx context.Context, id string) (*IncidentRole, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	id = core.LowerUUID(id)
	if err := validateRoleID("id", id); err != nil {
		return nil, err
	}
	return getOne(ctx, c, "/v1/incident_roles", id, "id", roleFrom, func(r *IncidentRole, raw []byte) { r.Raw = raw },
		func(r *IncidentRole) bool { return core.SameResource(r.ID, r.Slug, id) })
}

// getOne reads the resource prefix/id and types it with conv; an answer
// about another resource than id (is reports false) is an error.
func getOne[A, T any](ctx context.Context, c *Client, prefix, id, field string, conv func(string, *resource[A]) (*T, error),
	setRaw func(*T, []byte), is func(*T) bool) (*T, error) {
	path, err := core.Path(prefix, id)
	if err != nil {
		return nil, invalid(field, err.Error())
	}
	return core.Call(ctx, c.core, request(http.MethodGet, path, "", nil), func(body []byte) (*T, error) {
		v, err := decodeOne(body, conv, setRaw)
		if err == nil && !is(v) {
			return nil, fmt.Errorf("the answer is about another resource than %q", id)
		}
		return v, err
	})
}

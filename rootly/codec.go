package rootly

// This file is the package's one JSON:API seam: every request document is
// built here and every response document is read here.
//
// Requests are built with encoding/json into a fixed struct whose output
// the tests compare with github.com/google/jsonapi's. Responses are read
// with jsonx.Unmarshal (github.com/go-json-experiment/json, tolerant of
// duplicate names and invalid UTF-8) into the wire structs below:
// google/jsonapi v1.0.0 cannot type the nested {"data": ...} user and
// severity attributes without tags all the way down, fails on map
// attributes such as labels, cannot tell null from absent, and drops list
// links and meta. Figures for each choice are in BENCHMARKS.md ("The JSON
// engine").

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/caseassign/caseassign/internal/jsonx"
)

// TypeMismatchError reports a resource of another type than the one an
// answer should hold, such as "users" where "incidents" was expected. It
// matches ErrUnexpectedResponse.
type TypeMismatchError struct {
	Where string // "data", "included", "user", ...
	Want  string // the JSON:API type expected there, e.g. "incidents"
	Got   string // the type the document held
}

func (e *TypeMismatchError) Error() string {
	return fmt.Sprintf("JSON:API type mismatch in %s: want %q, got %q", e.Where, e.Want, e.Got)
}

// assignDocument is the request body of assign and unassign:
// {"data":{"type":"incidents","attributes":{"user_id":...,"incident_role_id":...}}},
// with no id (the incident is in the path). The wire format is checked
// against github.com/google/jsonapi's MarshalPayload in the tests, which
// stays the oracle: encoding this fixed shape with encoding/json costs 2
// allocations where MarshalPayload cost about 20 (BENCHMARKS.md).
type assignDocument struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			UserID         string `json:"user_id"`
			IncidentRoleID string `json:"incident_role_id"`
		} `json:"attributes"`
	} `json:"data"`
}

// encodeAssign builds the assign and unassign request document.
func encodeAssign(req AssignRoleRequest) ([]byte, error) {
	var doc assignDocument
	doc.Data.Type = "incidents"
	doc.Data.Attributes.UserID = req.UserID
	doc.Data.Attributes.IncidentRoleID = req.IncidentRoleID
	return json.Marshal(&doc)
}

type resource[A any] struct {
	ID            string        `json:"id"`
	Type          string        `json:"type"`
	Attributes    A             `json:"attributes"`
	Relationships relationships `json:"relationships"`
}

// relationships decodes only the roles relationship; the others are
// skipped by the decoder without being kept.
type relationships struct {
	Roles *struct {
		Data []identifier `json:"data"`
	} `json:"roles"`
}

type identifier struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// nested is an attribute holding {"data": resource} or null.
type nested[A any] struct {
	Data *resource[A] `json:"data"`
}

// The attribute structs hold values, not pointers: null and absent both
// decode to the zero value, which is what the models expose, without an
// allocation per attribute.
type userAttrs struct {
	Name             string    `json:"name"`
	Email            string    `json:"email"`
	FullName         string    `json:"full_name"`
	FullNameWithTeam string    `json:"full_name_with_team"`
	Phone            string    `json:"phone"`
	SlackID          string    `json:"slack_id"`
	TimeZone         string    `json:"time_zone"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

type roleAttrs struct {
	Name                     string    `json:"name"`
	Slug                     string    `json:"slug"`
	Summary                  string    `json:"summary"`
	Description              string    `json:"description"`
	Position                 int       `json:"position"`
	Optional                 bool      `json:"optional"`
	Enabled                  bool      `json:"enabled"`
	AllowMultiUserAssignment bool      `json:"allow_multi_user_assignment"`
	CreatedAt                time.Time `json:"created_at"`
	UpdatedAt                time.Time `json:"updated_at"`
}

type severityAttrs struct {
	Name        string    `json:"name"`
	Slug        string    `json:"slug"`
	Description string    `json:"description"`
	Severity    string    `json:"severity"`
	Color       string    `json:"color"`
	Position    int       `json:"position"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

type incidentAttrs struct {
	SequentialID                int64                  `json:"sequential_id"`
	Title                       string                 `json:"title"`
	Slug                        string                 `json:"slug"`
	Kind                        string                 `json:"kind"`
	Status                      string                 `json:"status"`
	Private                     bool                   `json:"private"`
	Summary                     string                 `json:"summary"`
	Source                      string                 `json:"source"`
	URL                         string                 `json:"url"`
	ShortURL                    string                 `json:"short_url"`
	ParentIncidentID            string                 `json:"parent_incident_id"`
	PublicTitle                 string                 `json:"public_title"`
	Labels                      map[string]any         `json:"labels"`
	User                        *nested[userAttrs]     `json:"user"`
	StartedBy                   *nested[userAttrs]     `json:"started_by"`
	InTriageBy                  *nested[userAttrs]     `json:"in_triage_by"`
	MitigatedBy                 *nested[userAttrs]     `json:"mitigated_by"`
	ResolvedBy                  *nested[userAttrs]     `json:"resolved_by"`
	ClosedBy                    *nested[userAttrs]     `json:"closed_by"`
	CancelledBy                 *nested[userAttrs]     `json:"cancelled_by"`
	Severity                    *nested[severityAttrs] `json:"severity"`
	Services                    []nested[namedAttrs]   `json:"services"`
	Groups                      []nested[namedAttrs]   `json:"groups"`
	MitigationMessage           string                 `json:"mitigation_message"`
	ResolutionMessage           string                 `json:"resolution_message"`
	CancellationMessage         string                 `json:"cancellation_message"`
	RetrospectiveProgressStatus string                 `json:"retrospective_progress_status"`
	SlackChannelID              string                 `json:"slack_channel_id"`
	SlackChannelName            string                 `json:"slack_channel_name"`
	SlackChannelURL             string                 `json:"slack_channel_url"`
	ScheduledFor                time.Time              `json:"scheduled_for"`
	ScheduledUntil              time.Time              `json:"scheduled_until"`
	InTriageAt                  time.Time              `json:"in_triage_at"`
	StartedAt                   time.Time              `json:"started_at"`
	DetectedAt                  time.Time              `json:"detected_at"`
	AcknowledgedAt              time.Time              `json:"acknowledged_at"`
	MitigatedAt                 time.Time              `json:"mitigated_at"`
	ResolvedAt                  time.Time              `json:"resolved_at"`
	ClosedAt                    time.Time              `json:"closed_at"`
	CancelledAt                 time.Time              `json:"cancelled_at"`
	CreatedAt                   time.Time              `json:"created_at"`
	UpdatedAt                   time.Time              `json:"updated_at"`
}

// namedAttrs are the attributes of a service or team that the models type.
type namedAttrs struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type assignmentAttrs struct {
	IncidentRole *nested[roleAttrs] `json:"incident_role"`
	User         *nested[userAttrs] `json:"user"`
}

// included decodes every included resource as an assignment: the
// attributes of other types have no incident_role or user and are skipped.
type included struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Attributes assignmentAttrs `json:"attributes"`
}

type incidentDocument struct {
	Data     *resource[incidentAttrs] `json:"data"`
	Included []included               `json:"included"`
}

type linksWire struct {
	Self  link `json:"self"`
	First link `json:"first"`
	Prev  link `json:"prev"`
	Next  link `json:"next"`
	Last  link `json:"last"`
}

// link is a JSON:API link: a string, a link object {"href": ..., "meta":
// ...} (JSON:API 1.1), or null. Its value is the URL either way.
type link string

// UnmarshalJSON reads a link in any of its forms; any other value is
// taken as no link rather than failing the whole page.
func (l *link) UnmarshalJSON(b []byte) error {
	*l = ""
	switch jsonx.Kind(b) {
	case '"':
		s, ok := jsonx.String(b)
		if !ok {
			return errors.New("rootly: a link is not a valid JSON string")
		}
		*l = link(s)
	case '{':
		var obj struct {
			Href link `json:"href"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		*l = obj.Href
	}
	return nil
}

type metaWire struct {
	NextCursor  *string `json:"next_cursor"`
	CurrentPage int     `json:"current_page"`
	NextPage    *int    `json:"next_page"`
	PrevPage    *int    `json:"prev_page"`
	TotalCount  int     `json:"total_count"`
	TotalPages  int     `json:"total_pages"`
}

type listDocument[A any] struct {
	Data  []resource[A] `json:"data"`
	Links *linksWire    `json:"links"`
	Meta  *metaWire     `json:"meta"`
}

// rawAt follows member names from raw down into nested objects and returns
// the value found there, nil when a member is missing. It only scans: the
// result is a slice of raw.
func rawAt(raw []byte, names ...string) []byte {
	for _, n := range names {
		if jsonx.Kind(raw) != '{' {
			return nil
		}
		v, ok, err := jsonx.Member(raw, n)
		if err != nil || !ok {
			return nil
		}
		raw = v
	}
	return raw
}

// elementsOf returns the elements of the JSON array raw (nil when raw is
// not an array).
func elementsOf(raw []byte) [][]byte {
	if jsonx.Kind(raw) != '[' {
		return nil
	}
	var out [][]byte
	_ = jsonx.Elements(raw, func(_ int, el []byte) { out = append(out, el) })
	return out
}

// optTime is nil for a zero (null or absent) time.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func checkType(where, want, got string) error {
	if got != want {
		return &TypeMismatchError{Where: where, Want: want, Got: got}
	}
	return nil
}

func userFrom(where string, r *resource[userAttrs]) (*User, error) {
	if r == nil {
		return nil, nil
	}
	if err := checkType(where, "users", r.Type); err != nil {
		return nil, err
	}
	a := &r.Attributes
	return &User{
		ID: r.ID, Name: a.Name, Email: a.Email, FullName: a.FullName, FullNameWithTeam: a.FullNameWithTeam,
		Phone: a.Phone, SlackID: a.SlackID, TimeZone: a.TimeZone, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}, nil
}

func nestedUser(where string, n *nested[userAttrs]) (*User, error) {
	if n == nil {
		return nil, nil
	}
	return userFrom(where, n.Data)
}

func roleFrom(where string, r *resource[roleAttrs]) (*IncidentRole, error) {
	if r == nil {
		return nil, nil
	}
	if err := checkType(where, "incident_roles", r.Type); err != nil {
		return nil, err
	}
	a := &r.Attributes
	return &IncidentRole{
		ID: r.ID, Name: a.Name, Slug: a.Slug, Summary: a.Summary, Description: a.Description, Position: a.Position,
		Optional: a.Optional, Enabled: a.Enabled, AllowMultiUserAssignment: a.AllowMultiUserAssignment,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}, nil
}

// decodeIncident reads an incident document and resolves its role
// assignments from the included resources.
func decodeIncident(body []byte) (*Incident, error) {
	var doc incidentDocument
	if err := jsonx.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if doc.Data == nil {
		return nil, errors.New("no primary data")
	}
	data, included := topSpans(body)
	return incidentFrom(doc.Data, &includedSet{res: doc.Included, raws: elementsOf(included)}, data)
}

// topSpans finds a document's data and included members in one pass.
func topSpans(body []byte) (data, included []byte) {
	_ = jsonx.Members(body, func(key, v []byte) {
		switch string(key[1 : len(key)-1]) {
		case "data":
			data = v
		case "included":
			included = v
		}
	})
	return data, included
}

// incidentFrom types one incident resource; included holds the document's
// included resources, decoded and as sent, and data is the resource object
// as sent.
func incidentFrom(r *resource[incidentAttrs], included *includedSet, data []byte) (*Incident, error) {
	if err := checkType("data", "incidents", r.Type); err != nil {
		return nil, err
	}
	a := &r.Attributes
	inc := &Incident{
		ID: r.ID, SequentialID: a.SequentialID, Title: a.Title, Slug: a.Slug, Kind: a.Kind, Status: a.Status,
		Private: a.Private, Summary: a.Summary, Source: a.Source, URL: a.URL, ShortURL: a.ShortURL,
		ParentIncidentID: a.ParentIncidentID, PublicTitle: a.PublicTitle, Labels: a.Labels,
		MitigationMessage: a.MitigationMessage, ResolutionMessage: a.ResolutionMessage,
		CancellationMessage: a.CancellationMessage, RetrospectiveProgressStatus: a.RetrospectiveProgressStatus,
		SlackChannelID: a.SlackChannelID, SlackChannelName: a.SlackChannelName, SlackChannelURL: a.SlackChannelURL,
		ScheduledFor: optTime(a.ScheduledFor), ScheduledUntil: optTime(a.ScheduledUntil), InTriageAt: optTime(a.InTriageAt),
		StartedAt: optTime(a.StartedAt), DetectedAt: optTime(a.DetectedAt), AcknowledgedAt: optTime(a.AcknowledgedAt),
		MitigatedAt: optTime(a.MitigatedAt), ResolvedAt: optTime(a.ResolvedAt), ClosedAt: optTime(a.ClosedAt),
		CancelledAt: optTime(a.CancelledAt), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
	inc.Raw = data
	spans := attrSpans(rawAt(data, "attributes"))
	var err error
	for i, p := range [...]struct {
		dst **User
		src *nested[userAttrs]
	}{
		{&inc.User, a.User}, {&inc.StartedBy, a.StartedBy}, {&inc.InTriageBy, a.InTriageBy}, {&inc.MitigatedBy, a.MitigatedBy},
		{&inc.ResolvedBy, a.ResolvedBy}, {&inc.ClosedBy, a.ClosedBy}, {&inc.CancelledBy, a.CancelledBy},
	} {
		if *p.dst, err = nestedUser(userAttrNames[i], p.src); err != nil {
			return nil, err
		}
		if *p.dst != nil {
			(*p.dst).Raw = rawAt(spans.users[i], "data")
		}
	}
	if s := a.Severity; s != nil && s.Data != nil {
		if err := checkType("severity", "severities", s.Data.Type); err != nil {
			return nil, err
		}
		sa := &s.Data.Attributes
		inc.Severity = &Severity{
			ID: s.Data.ID, Name: sa.Name, Slug: sa.Slug, Description: sa.Description, Severity: sa.Severity,
			Color: sa.Color, Position: sa.Position, CreatedAt: sa.CreatedAt, UpdatedAt: sa.UpdatedAt,
			Raw: rawAt(spans.severity, "data"),
		}
	}
	if inc.Services, err = named(a.Services, elementsOf(spans.services), "services", func(id, name, slug string, raw []byte) *Service {
		return &Service{ID: id, Name: name, Slug: slug, Raw: raw}
	}); err != nil {
		return nil, err
	}
	if inc.Teams, err = named(a.Groups, elementsOf(spans.groups), "groups", func(id, name, slug string, raw []byte) *Team {
		return &Team{ID: id, Name: name, Slug: slug, Raw: raw}
	}); err != nil {
		return nil, err
	}
	if inc.Roles, err = resolveRoles(r.Relationships, included); err != nil {
		return nil, err
	}
	return inc, nil
}

// userAttrNames are the incident attributes holding a user, in the order
// incidentFrom types them.
var userAttrNames = [...]string{"user", "started_by", "in_triage_by", "mitigated_by", "resolved_by", "closed_by", "cancelled_by"}

// incidentSpans are the attribute values, as sent, that hold nested
// resources.
type incidentSpans struct {
	users                      [len(userAttrNames)][]byte
	severity, services, groups []byte
}

// attrSpans finds them in one pass over the attributes object.
func attrSpans(attrs []byte) incidentSpans {
	var sp incidentSpans
	if jsonx.Kind(attrs) != '{' {
		return sp
	}
	_ = jsonx.Members(attrs, func(key, v []byte) {
		name := key[1 : len(key)-1]
		switch string(name) {
		case "severity":
			sp.severity = v
		case "services":
			sp.services = v
		case "groups":
			sp.groups = v
		default:
			for i, n := range userAttrNames {
				if string(name) == n {
					sp.users[i] = v
				}
			}
		}
	})
	return sp
}

// named types the {"data": resource} items of a services or groups
// attribute; raws are the same items as sent.
func named[T any](items []nested[namedAttrs], raws [][]byte, typ string, mk func(id, name, slug string, raw []byte) *T) ([]*T, error) {
	if len(items) == 0 {
		return nil, nil
	}
	out := make([]*T, 0, len(items))
	for i, it := range items {
		if it.Data == nil {
			continue
		}
		if err := checkType(typ, typ, it.Data.Type); err != nil {
			return nil, err
		}
		var raw []byte
		if i < len(raws) {
			raw = rawAt(raws[i], "data")
		}
		out = append(out, mk(it.Data.ID, it.Data.Attributes.Name, it.Data.Attributes.Slug, raw))
	}
	return out, nil
}

// includedSet is a document's included resources, decoded and as sent,
// looked up by id in constant time once there are more than a few, so
// resolving n relationships against m included resources costs n + m, not
// n times m (a page of incidents shares one set).
type includedSet struct {
	res  []included
	raws [][]byte
	byID map[string]int // incident_role_assignments by id (the first of an id); built on first need
}

// smallIncluded is the number of included resources below which a linear
// scan beats building an index.
const smallIncluded = 16

// find returns the index of the included incident_role_assignments
// resource with this id, or -1.
func (s *includedSet) find(id string) int {
	if len(s.res) <= smallIncluded {
		for i := range s.res {
			if r := &s.res[i]; r.ID == id && r.Type == "incident_role_assignments" {
				return i
			}
		}
		return -1
	}
	if s.byID == nil {
		s.byID = make(map[string]int, len(s.res))
		for i := range s.res {
			if r := &s.res[i]; r.Type == "incident_role_assignments" {
				if _, dup := s.byID[r.ID]; !dup {
					s.byID[r.ID] = i
				}
			}
		}
	}
	if i, ok := s.byID[id]; ok {
		return i
	}
	return -1
}

// resolveRoles follows the roles relationship into the included
// incident_role_assignments; without the relationship, every included
// assignment counts, in order. An assignment that was not included keeps
// only its id.
func resolveRoles(rel relationships, inc *includedSet) ([]*RoleAssignment, error) {
	var ids []identifier
	if rel.Roles != nil {
		ids = rel.Roles.Data
	} else {
		for _, r := range inc.res {
			if r.Type == "incident_role_assignments" {
				ids = append(ids, identifier{ID: r.ID, Type: r.Type})
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	out := make([]*RoleAssignment, 0, len(ids))
	for _, id := range ids {
		if err := checkType("roles relationship", "incident_role_assignments", id.Type); err != nil {
			return nil, err
		}
		ra := &RoleAssignment{ID: id.ID}
		if i := inc.find(id.ID); i >= 0 {
			r := &inc.res[i]
			var err error
			if r.Attributes.IncidentRole != nil {
				if ra.Role, err = roleFrom("incident_role", r.Attributes.IncidentRole.Data); err != nil {
					return nil, err
				}
			}
			if ra.User, err = nestedUser("assignment user", r.Attributes.User); err != nil {
				return nil, err
			}
			if i < len(inc.raws) {
				ra.Raw = inc.raws[i]
				attrs := rawAt(inc.raws[i], "attributes")
				if ra.Role != nil {
					ra.Role.Raw = rawAt(attrs, "incident_role", "data")
				}
				if ra.User != nil {
					ra.User.Raw = rawAt(attrs, "user", "data")
				}
			}
		}
		out = append(out, ra)
	}
	return out, nil
}

func linksFrom(l *linksWire) Links {
	if l == nil {
		return Links{}
	}
	return Links{Self: string(l.Self), First: string(l.First), Prev: string(l.Prev), Next: string(l.Next), Last: string(l.Last)}
}

func metaFrom(m *metaWire) *ListMeta {
	if m == nil {
		return nil
	}
	out := &ListMeta{CurrentPage: m.CurrentPage, NextPage: m.NextPage, PrevPage: m.PrevPage, TotalCount: m.TotalCount, TotalPages: m.TotalPages}
	if m.NextCursor != nil {
		out.NextCursor = *m.NextCursor
	}
	return out
}

func decodeRoleList(body []byte) (*IncidentRoleList, error) {
	roles, links, meta, err := decodeList(body, roleFrom)
	if err != nil {
		return nil, err
	}
	withRaw(body, roles, func(r *IncidentRole, raw []byte) { r.Raw = raw })
	return &IncidentRoleList{Roles: roles, Links: links, Meta: meta}, nil
}

func decodeUserList(body []byte) (*UserList, error) {
	users, links, meta, err := decodeList(body, userFrom)
	if err != nil {
		return nil, err
	}
	withRaw(body, users, func(u *User, raw []byte) { u.Raw = raw })
	return &UserList{Users: users, Links: links, Meta: meta}, nil
}

// decodeList reads a list document, typing each resource with conv.
func decodeList[A, T any](body []byte, conv func(where string, r *resource[A]) (*T, error)) ([]*T, Links, *ListMeta, error) {
	var doc listDocument[A]
	if err := jsonx.Unmarshal(body, &doc); err != nil {
		return nil, Links{}, nil, err
	}
	if doc.Data == nil {
		return nil, Links{}, nil, errNoData
	}
	items := make([]*T, 0, len(doc.Data))
	for i := range doc.Data {
		it, err := conv("data", &doc.Data[i])
		if err != nil {
			return nil, Links{}, nil, err
		}
		items = append(items, it)
	}
	return items, linksFrom(doc.Links), metaFrom(doc.Meta), nil
}

// errNoData is a list answer without its "data" array: not a page, so not
// an empty one either.
var errNoData = errors.New(`no "data" array in the answer`)

// withRaw sets each item's Raw to its resource object in the list body.
func withRaw[T any](body []byte, items []*T, set func(*T, []byte)) {
	for i, raw := range elementsOf(rawAt(body, "data")) {
		if i < len(items) {
			set(items[i], raw)
		}
	}
}

// incidentListDocument is a page of incidents: the resources, with the
// document's included resources shared by all of them.
type incidentListDocument struct {
	Data     []resource[incidentAttrs] `json:"data"`
	Included []included                `json:"included"`
	Links    *linksWire                `json:"links"`
	Meta     *metaWire                 `json:"meta"`
}

func decodeIncidentList(body []byte) (*IncidentList, error) {
	var doc incidentListDocument
	if err := jsonx.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if doc.Data == nil {
		return nil, errNoData
	}
	data, included := topSpans(body)
	raws := elementsOf(data)
	set := &includedSet{res: doc.Included, raws: elementsOf(included)}
	out := &IncidentList{Incidents: make([]*Incident, 0, len(doc.Data)), Links: linksFrom(doc.Links), Meta: metaFrom(doc.Meta)}
	for i := range doc.Data {
		var raw []byte
		if i < len(raws) {
			raw = raws[i]
		}
		inc, err := incidentFrom(&doc.Data[i], set, raw)
		if err != nil {
			return nil, err
		}
		out.Incidents = append(out.Incidents, inc)
	}
	return out, nil
}

// decodeOne reads a single-resource document ({"data": {...}}) with conv,
// keeping the resource object as Raw.
func decodeOne[A, T any](body []byte, conv func(where string, r *resource[A]) (*T, error), setRaw func(*T, []byte)) (*T, error) {
	var doc struct {
		Data *resource[A] `json:"data"`
	}
	if err := jsonx.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	if doc.Data == nil {
		return nil, errors.New("no primary data")
	}
	v, err := conv("data", doc.Data)
	if err != nil {
		return nil, err
	}
	setRaw(v, rawAt(body, "data"))
	return v, nil
}

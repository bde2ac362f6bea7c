package rootly

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/caseassign/caseassign/internal/core"
)

// AssignRoleRequest names the user (a numeric string id such as "317") and
// the incident role (a UUID) of an assignment.
type AssignRoleRequest struct {
	UserID         string
	IncidentRoleID string
}

// validate refuses an assignment the API would refuse, before sending:
// prefix names the request in the error ("assignments[2].").
func (r AssignRoleRequest) validate(prefix string) error {
	switch {
	case r.UserID == "":
		return invalid(prefix+"UserID", "is empty")
	case strings.Contains(r.UserID, "@"):
		return invalid(prefix+"UserID", "is an e-mail address, not a user id: use AssignRoleByEmail")
	case r.UserID == "me" || validateUserID(prefix+"UserID", r.UserID) != nil:
		return invalid(prefix+"UserID", "is not a user id: give the user's numeric id (\"317\"); ListUsers with Email finds it, or use AssignRoleByEmail")
	case !core.IsUUID(r.IncidentRoleID, false):
		return invalid(prefix+"IncidentRoleID", "must be a UUID")
	}
	return nil
}

// Incident is a Rootly incident. Attributes that were null or absent stay
// at their zero value (nil for pointers and times that are optional).
type Incident struct {
	ID               string
	SequentialID     int64
	Title            string
	Slug             string
	Kind             string // the kind of the incident, as Rootly names it
	Status           string
	Private          bool // visible only to its members
	Summary          string
	Source           string
	URL              string
	ShortURL         string
	ParentIncidentID string
	PublicTitle      string // the title shown on status pages
	// Labels are the incident's labels, e.g. {"platform": "osx"}.
	Labels map[string]any

	// User is the incident's creator; StartedBy ... CancelledBy are the
	// people behind each status change, nil where nobody is.
	User        *User
	StartedBy   *User
	InTriageBy  *User
	MitigatedBy *User
	ResolvedBy  *User
	ClosedBy    *User
	CancelledBy *User
	Severity    *Severity

	MitigationMessage           string
	ResolutionMessage           string
	CancellationMessage         string
	RetrospectiveProgressStatus string
	SlackChannelID              string
	SlackChannelName            string
	SlackChannelURL             string

	ScheduledFor   *time.Time
	ScheduledUntil *time.Time
	InTriageAt     *time.Time
	StartedAt      *time.Time
	DetectedAt     *time.Time
	AcknowledgedAt *time.Time
	MitigatedAt    *time.Time
	ResolvedAt     *time.Time
	ClosedAt       *time.Time
	CancelledAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time

	// Services and Teams are the incident's services and teams (the
	// "services" and "groups" attributes), for routing.
	Services []*Service
	Teams    []*Team

	// Roles are the incident's role assignments, resolved from the
	// document's included resources, in the order of the roles relationship.
	Roles []*RoleAssignment

	// Raw is the incident's resource object ({"id", "type", "attributes",
	// "relationships"}) exactly as the server sent it: the spec's 135
	// attributes and every relationship, including those not typed here.
	Raw json.RawMessage
}

// Service is a service of an incident.
type Service struct {
	ID, Name, Slug string
	// Raw is the service's resource object as the server sent it.
	Raw json.RawMessage
}

// Team is a team of an incident (Rootly's "groups").
type Team struct {
	ID, Name, Slug string
	// Raw is the team's resource object as the server sent it.
	Raw json.RawMessage
}

// RoleAssignment is one user in one incident role.
type RoleAssignment struct {
	ID   string
	Role *IncidentRole
	User *User
	// Raw is the included incident_role_assignments resource as the server
	// sent it; empty when the document did not include it.
	Raw json.RawMessage
}

// IncidentRole is a role people take in incidents, such as commander.
type IncidentRole struct {
	ID                       string
	Name                     string
	Slug                     string
	Summary                  string
	Description              string
	Position                 int
	Optional                 bool // the role need not be filled
	Enabled                  bool
	AllowMultiUserAssignment bool // the role holds several users; otherwise assigning someone replaces the holder
	CreatedAt                time.Time
	UpdatedAt                time.Time
	// Raw is the role's resource object as the server sent it.
	Raw json.RawMessage
}

// User is a Rootly user.
type User struct {
	ID               string
	Name             string
	Email            string
	FullName         string
	FullNameWithTeam string
	Phone            string
	SlackID          string
	TimeZone         string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// Raw is the user's resource object as the server sent it.
	Raw json.RawMessage
}

// Severity is an incident severity.
type Severity struct {
	ID          string
	Name        string
	Slug        string
	Description string
	Severity    string // critical, high, medium or low
	Color       string
	Position    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Raw is the severity's resource object as the server sent it.
	Raw json.RawMessage
}

// Links are a list's pagination links; Prev and Next are empty at the ends.
type Links struct {
	Self, First, Prev, Next, Last string
}

// ListMeta is a list's pagination metadata, in answers that carry it.
type ListMeta struct {
	// NextCursor is the page[after] value of the next page, where the list
	// pages by cursor (GET /v1/incidents); empty on the last page.
	NextCursor  string
	CurrentPage int // the page this answer holds
	NextPage    *int
	PrevPage    *int
	TotalCount  int
	TotalPages  int
}

// IncidentRoleList is one page of incident roles.
type IncidentRoleList struct {
	Roles []*IncidentRole
	Links Links
	Meta  *ListMeta
}

// UserList is one page of users.
type UserList struct {
	Users []*User
	Links Links
	Meta  *ListMeta
}

// ListOptions pages a list: page[number] from 1, page[size].
type ListOptions struct {
	PageNumber int `url:"page[number],omitempty"`
	PageSize   int `url:"page[size],omitempty"`
}

// ListIncidentRolesOptions filters GET /v1/incident_roles: every query
// parameter of the operation in Rootly's swagger.
type ListIncidentRolesOptions struct {
	ListOptions
	Slug      string    `url:"filter[slug],omitempty"`
	Name      string    `url:"filter[name],omitempty"`
	Search    string    `url:"filter[search],omitempty"`
	Enabled   *bool     `url:"filter[enabled],omitempty"` // nil: enabled or not; Ptr(true) for enabled only
	CreatedAt TimeRange `url:"filter[created_at],omitempty"`

	SlugMatch    Match `url:"filter[slug],omitempty"`
	NameMatch    Match `url:"filter[name],omitempty"`
	EnabledMatch Match `url:"filter[enabled],omitempty"` // "true" or "false"

	// Sort is the spec's sort parameter, e.g. "position" or "-created_at".
	Sort string `url:"sort,omitempty"`
}

// IncidentList is one page of incidents.
type IncidentList struct {
	Incidents []*Incident
	Links     Links
	Meta      *ListMeta
}

// Match is the operator forms of one filter of a list: filter[x][eq],
// [not_eq], [in] and [not_in]. Empty fields are not sent; In and NotIn go
// comma-separated, as Rootly reads lists.
type Match struct {
	Eq    string   `url:"eq,omitempty"`           // equal to
	NotEq string   `url:"not_eq,omitempty"`       // not equal to
	In    []string `url:"in,comma,omitempty"`     // any of
	NotIn []string `url:"not_in,comma,omitempty"` // none of
}

// IsZero reports whether no form is set.
func (m Match) IsZero() bool {
	return m.Eq == "" && m.NotEq == "" && len(m.In) == 0 && len(m.NotIn) == 0
}

// TimeRange is the operator forms of a time filter: filter[x_at][gt],
// [gte], [lt] and [lte]. Zero times are not sent; times go as RFC 3339.
type TimeRange struct {
	After  time.Time `url:"gt,omitempty"`  // strictly after
	Since  time.Time `url:"gte,omitempty"` // at or after
	Before time.Time `url:"lt,omitempty"`  // strictly before
	Until  time.Time `url:"lte,omitempty"` // at or before
}

// IsZero reports whether no bound is set.
func (r TimeRange) IsZero() bool {
	return r.After.IsZero() && r.Since.IsZero() && r.Before.IsZero() && r.Until.IsZero()
}

// EncodeValues adds the bounds under key ("filter[created_at]") as
// key[gt], key[gte], key[lt] and key[lte], in RFC 3339 with the fraction
// of a second kept (go-querystring's default would drop it, and a bound
// of 12:00:00.500 would select 12:00:00.200).
func (r TimeRange) EncodeValues(key string, v *url.Values) error {
	for _, b := range [...]struct {
		op string
		t  time.Time
	}{{"gt", r.After}, {"gte", r.Since}, {"lt", r.Before}, {"lte", r.Until}} {
		if !b.t.IsZero() {
			v.Add(key+"["+b.op+"]", b.t.Format(time.RFC3339Nano))
		}
	}
	return nil
}

// Ptr returns a pointer to v: for the tri-state filters, such as
// ListIncidentsOptions.Private (nil: either) and
// ListIncidentRolesOptions.Enabled.
func Ptr[T any](v T) *T { return &v }

// ListIncidentsOptions selects, sorts and pages GET /v1/incidents: every
// query parameter of the operation in Rootly's swagger has a field here,
// and nothing else is sent. Empty fields are not sent. A plain field is
// the filter itself (filter[status]); a ...Match field holds its operator
// forms (filter[status][in]); a TimeRange holds a time window's bounds
// (filter[created_at][gte]). Lists go comma-separated.
//
//	opts := &rootly.ListIncidentsOptions{ // open incidents of a team, started in the last day
//		StatusMatch: rootly.Match{In: []string{"started", "mitigated"}},
//		StartedAt:   rootly.TimeRange{Since: time.Now().Add(-24 * time.Hour)},
//		TeamNames:   []string{"Payments"},
//		Sort:        "-created_at",
//	}
type ListIncidentsOptions struct {
	ListOptions
	// PageAfter is a cursor: the meta.next_cursor of the page before
	// (page[after]). AllIncidents follows the cursors itself.
	PageAfter string `url:"page[after],omitempty"`

	Search       string `url:"filter[search],omitempty"`        // full-text search
	Kind         string `url:"filter[kind],omitempty"`          // normal, test, example, scheduled, ...
	Status       string `url:"filter[status],omitempty"`        // started, mitigated, resolved, ...
	Private      *bool  `url:"filter[private],omitempty"`       // nil: private or not
	UserID       string `url:"filter[user_id],omitempty"`       // the creator's numeric id
	Severity     string `url:"filter[severity],omitempty"`      // a severity slug
	SeverityID   string `url:"filter[severity_id],omitempty"`   // a severity id
	SequentialID string `url:"filter[sequential_id],omitempty"` // the 123 of INC-123

	Labels                       []string `url:"filter[labels],comma,omitempty"` // "key:value"
	Types                        []string `url:"filter[types],comma,omitempty"`  // incident type slugs
	TypeIDs                      []string `url:"filter[type_ids],comma,omitempty"`
	Environments                 []string `url:"filter[environments],comma,omitempty"` // environment slugs
	EnvironmentIDs               []string `url:"filter[environment_ids],comma,omitempty"`
	Functionalities              []string `url:"filter[functionalities],comma,omitempty"` // functionality slugs
	FunctionalityIDs             []string `url:"filter[functionality_ids],comma,omitempty"`
	FunctionalityNames           []string `url:"filter[functionality_names],comma,omitempty"`
	Services                     []string `url:"filter[services],comma,omitempty"` // service slugs
	ServiceIDs                   []string `url:"filter[service_ids],comma,omitempty"`
	ServiceNames                 []string `url:"filter[service_names],comma,omitempty"`
	Teams                        []string `url:"filter[teams],comma,omitempty"` // team (group) slugs
	TeamIDs                      []string `url:"filter[team_ids],comma,omitempty"`
	TeamNames                    []string `url:"filter[team_names],comma,omitempty"`
	Cause                        string   `url:"filter[cause],omitempty"` // a cause slug
	CauseIDs                     []string `url:"filter[cause_ids],comma,omitempty"`
	CustomFieldSelectedOptionIDs []string `url:"filter[custom_field_selected_option_ids],comma,omitempty"`
	SlackChannelID               string   `url:"filter[slack_channel_id],omitempty"`

	// The time windows: filter[<x>_at][gt|gte|lt|lte].
	CreatedAt      TimeRange `url:"filter[created_at],omitempty"`
	UpdatedAt      TimeRange `url:"filter[updated_at],omitempty"`
	StartedAt      TimeRange `url:"filter[started_at],omitempty"`
	DetectedAt     TimeRange `url:"filter[detected_at],omitempty"`
	AcknowledgedAt TimeRange `url:"filter[acknowledged_at],omitempty"`
	MitigatedAt    TimeRange `url:"filter[mitigated_at],omitempty"`
	ResolvedAt     TimeRange `url:"filter[resolved_at],omitempty"`
	ClosedAt       TimeRange `url:"filter[closed_at],omitempty"`
	InTriageAt     TimeRange `url:"filter[in_triage_at],omitempty"`

	// The operator forms: filter[<x>][eq|not_eq|in|not_in].
	KindMatch               Match `url:"filter[kind],omitempty"`
	StatusMatch             Match `url:"filter[status],omitempty"`
	PrivateMatch            Match `url:"filter[private],omitempty"` // "true" or "false"
	UserIDMatch             Match `url:"filter[user_id],omitempty"`
	SeverityMatch           Match `url:"filter[severity],omitempty"`
	SeverityIDMatch         Match `url:"filter[severity_id],omitempty"`
	LabelsMatch             Match `url:"filter[labels],omitempty"`
	ZendeskTicketIDMatch    Match `url:"filter[zendesk_ticket_id],omitempty"`
	SequentialIDMatch       Match `url:"filter[sequential_id],omitempty"`
	TypesMatch              Match `url:"filter[types],omitempty"`
	TypeIDsMatch            Match `url:"filter[type_ids],omitempty"`
	EnvironmentsMatch       Match `url:"filter[environments],omitempty"`
	EnvironmentIDsMatch     Match `url:"filter[environment_ids],omitempty"`
	ServicesMatch           Match `url:"filter[services],omitempty"`
	ServiceIDsMatch         Match `url:"filter[service_ids],omitempty"`
	ServiceNamesMatch       Match `url:"filter[service_names],omitempty"`
	FunctionalitiesMatch    Match `url:"filter[functionalities],omitempty"`
	FunctionalityIDsMatch   Match `url:"filter[functionality_ids],omitempty"`
	FunctionalityNamesMatch Match `url:"filter[functionality_names],omitempty"`
	CausesMatch             Match `url:"filter[causes],omitempty"`
	CauseIDsMatch           Match `url:"filter[cause_ids],omitempty"`
	TeamsMatch              Match `url:"filter[teams],omitempty"`
	TeamIDsMatch            Match `url:"filter[team_ids],omitempty"`
	TeamNamesMatch          Match `url:"filter[team_names],omitempty"`

	// Sort is the spec's sort parameter: created_at, updated_at,
	// started_at, in_triage_at, mitigated_at or resolved_at, "-" first for
	// descending, several comma-separated ("-created_at").
	Sort string `url:"sort,omitempty"`
	// Include names related records to include: sub_statuses, causes,
	// subscribers, roles, slack_messages, environments, incident_types,
	// services, functionalities, groups, events, action_items,
	// custom_field_selections, feedbacks, incident_post_mortem, alerts.
	Include []string `url:"include,comma,omitempty"`
}

// ListUsersOptions filters GET /v1/users: every query parameter of the
// operation in Rootly's swagger.
type ListUsersOptions struct {
	ListOptions
	Email     string    `url:"filter[email],omitempty"`  // how it matches is not documented: the server may match part of the address
	Search    string    `url:"filter[search],omitempty"` // name or e-mail
	CreatedAt TimeRange `url:"filter[created_at],omitempty"`
	// Sort is the spec's sort parameter, e.g. "-created_at".
	Sort string `url:"sort,omitempty"`
	// Include names related records to include, e.g. "email_addresses".
	Include []string `url:"include,comma,omitempty"`
}

// Assignment is one item of AssignRoles.
type Assignment struct {
	IncidentID string
	AssignRoleRequest
}

// Outcome is the result of one item of AssignRoles.
type Outcome struct {
	Assignment Assignment // the item, as given
	Incident   *Incident  // the incident after the assignment; nil when Err is set
	Err        error      // why this item failed, nil on success
}

package rootly

import (
	"encoding/json"
	"time"
)

// AssignRoleRequest names the user (a numeric string id such as "317") and
// the incident role (a UUID) of an assignment.
type AssignRoleRequest struct {
	UserID         string
	IncidentRoleID string
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

// ListIncidentRolesOptions filters GET /v1/incident_roles.
type ListIncidentRolesOptions struct {
	ListOptions
	Slug    string `url:"filter[slug],omitempty"`
	Name    string `url:"filter[name],omitempty"`
	Search  string `url:"filter[search],omitempty"`
	Enabled *bool  `url:"filter[enabled],omitempty"`
}

// IncidentList is one page of incidents.
type IncidentList struct {
	Incidents []*Incident
	Links     Links
	Meta      *ListMeta
}

// ListIncidentsOptions filters and sorts GET /v1/incidents. Every field is
// one of the spec's query parameters; empty fields are not sent. Values
// that take a list (Statuses, ...) are sent comma-separated, as Rootly's
// filters read them.
type ListIncidentsOptions struct {
	ListOptions
	// PageAfter is a cursor: the meta.next_cursor of the page before
	// (page[after]). AllIncidents follows the cursors itself.
	PageAfter    string `url:"page[after],omitempty"`
	Status       string `url:"filter[status],omitempty"`   // started, mitigated, resolved, ...
	Search       string `url:"filter[search],omitempty"`   // full-text search
	Kind         string `url:"filter[kind],omitempty"`     // normal, test, example, scheduled, ...
	UserID       string `url:"filter[user_id],omitempty"`  // the creator's numeric id
	Severity     string `url:"filter[severity],omitempty"` // a severity slug
	SeverityID   string `url:"filter[severity_id],omitempty"`
	Private      string `url:"filter[private],omitempty"` // "true" or "false"
	Labels       string `url:"filter[labels],omitempty"`  // "key:value"
	Services     string `url:"filter[services],omitempty"`
	ServiceIDs   string `url:"filter[service_ids],omitempty"`
	Teams        string `url:"filter[teams],omitempty"`
	TeamIDs      string `url:"filter[team_ids],omitempty"`
	Environments string `url:"filter[environments],omitempty"`
	Types        string `url:"filter[types],omitempty"`
	SequentialID string `url:"filter[sequential_id],omitempty"` // the 123 of INC-123

	// Time windows; zero times are not sent. Times go as RFC 3339.
	CreatedAfter  time.Time `url:"filter[created_at][gte],omitempty"`
	CreatedBefore time.Time `url:"filter[created_at][lte],omitempty"`
	UpdatedAfter  time.Time `url:"filter[updated_at][gte],omitempty"`
	UpdatedBefore time.Time `url:"filter[updated_at][lte],omitempty"`
	StartedAfter  time.Time `url:"filter[started_at][gte],omitempty"`
	StartedBefore time.Time `url:"filter[started_at][lte],omitempty"`

	// Sort is the spec's sort parameter, e.g. "-created_at".
	Sort string `url:"sort,omitempty"`
}

// ListUsersOptions filters GET /v1/users.
type ListUsersOptions struct {
	ListOptions
	Email  string `url:"filter[email],omitempty"`
	Search string `url:"filter[search],omitempty"`
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

package rootly

import "time"

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

	// Roles are the incident's role assignments, resolved from the
	// document's included resources, in the order of the roles relationship.
	Roles []*RoleAssignment
}

// RoleAssignment is one user in one incident role.
type RoleAssignment struct {
	ID   string
	Role *IncidentRole
	User *User
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
}

// Links are a list's pagination links; Prev and Next are empty at the ends.
type Links struct {
	Self, First, Prev, Next, Last string
}

// ListMeta is a list's pagination metadata, in answers that carry it.
type ListMeta struct {
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

// Package rootlytest is an in-memory Rootly API for tests, in the spirit of
// net/http/httptest.
//
// NewServer starts it on loopback with the incident, role and users of
// Rootly's documented assign sample plus more roles, users and 20 more
// incidents of varied status, severity, services, teams, environments,
// labels and times. It serves POST /v1/incidents/{id}/assign_role_to_user,
// DELETE /v1/incidents/{id}/unassign_role_from_user, GET /v1/incidents/{id}
// (the id or the incident's slug), GET /v1/incident_roles and
// /v1/incident_roles/{id}, GET /v1/users and /v1/users/{id} ("me" is
// Creator), and GET /v1/incidents, as JSON:API documents valid against
// Rootly's published swagger.
//
// The lists apply every filter of the swagger: the plain forms
// (filter[status]=a,b matches any of the values), the operator forms
// ([eq], [not_eq], [in], [not_in]), the time windows ([gt], [gte], [lt],
// [lte] on created_at, started_at, resolved_at, ...), search, and sort by
// creation. A filter a list does not have is answered 400. filter[slug]
// and filter[name] of the roles, and filter[email] of the users, match by
// substring, as search-style filters do. GET /v1/incidents pages by number
// and by cursor (page[after], meta.next_cursor on every page); the other
// lists by number, with links and meta. Incidents carry no custom fields,
// Zendesk tickets or Slack channels, so those filters select nothing
// ([eq]) or everything ([not_eq]).
//
// Authentication is Bearer (Token); errors are JSON:API error documents
// ("Not found or unauthorized", "Invalid token") and, for a body without
// its attributes, a Rails-style {"field": ["can't be blank"]} answer. A
// role that does not allow several users replaces its holder.
//
// The rate limit is a token bucket: DefaultRateBurst requests at once,
// refilled at DefaultRateLimit a second (Rootly's 3000 requests a minute
// per key). Every answer carries X-RateLimit-Limit in Rootly's documented
// form ("3000, 3000;window=60": the bucket and the seconds it takes to fill
// again), -Remaining, -Used and -Reset (a Unix time: when the bucket is
// full again); past it the server answers 429 with Retry-After and
// RateLimitBody. It records every request and injects faults on demand.
package rootlytest

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caseassign/caseassign/internal/testsrv"
)

// The methods every test server shares are generated from internal/gen.
//go:generate go run ../../internal/gen -pkg rootly -kind fake -o fake.go

// SeedAssignResponse is the documented response of assign_role_to_user,
// byte for byte what the server answers while the seeded incident is as
// seeded.
//
//go:embed seed_assign_response.json
var SeedAssignResponse []byte

// The rate limit NewServer starts with: Rootly's 3000 requests a minute
// per key, as a burst of 3000 refilled at 50 a second. SetRateLimit
// changes it.
const (
	DefaultRateLimit = 50.0
	DefaultRateBurst = 3000
)

// Token is the API token NewServer accepts.
const Token = "rootly-test-token"

// MediaType is the JSON:API media type.
const MediaType = "application/vnd.api+json"

// Seeded ids.
const (
	SeedIncident   = "af96c85d-324d-4189-9138-d393d9a12fb9"
	SeedAssignment = "87522fe6-f3b2-4c81-810f-89e43999758b"
	SeedRole       = "f8e941d9-1172-4544-afdc-b40f4eb20c77" // slug error-accusantium-eligendi-esse, single user
	SeedRoleSlug   = "error-accusantium-eligendi-esse"
	SeedUser       = "315" // Merlene Hoppe, delbert@douglas-raynor.test
	SeedUserEmail  = "delbert@douglas-raynor.test"
	Creator        = "317" // Mario Casper, emmett.daugherty@wehner-turner.test
	CreatorEmail   = "emmett.daugherty@wehner-turner.test"

	CommanderRole = "0c0ffee0-0000-4000-8000-000000000001" // slug commander, single user
	ScribeRole    = "0c0ffee0-0000-4000-8000-000000000002" // slug scribe, several users
	CommsRole     = "0c0ffee0-0000-4000-8000-000000000003" // slug comms-lead, single user
	DisabledRole  = "0c0ffee0-0000-4000-8000-000000000004" // slug retired-role, disabled

	// Incidents "1f000000-0000-4000-8000-000000000001" to ...0020 exist too.
	FirstExtraIncident = "1f000000-0000-4000-8000-000000000001"
)

// User is a user of the server.
type User struct {
	ID, Name, Email, TimeZone string
}

// Role is an incident role of the server.
type Role struct {
	ID, Name, Slug string
	Position       int  // the order roles are listed in
	Enabled        bool // what filter[enabled] matches
	Multi          bool // allow_multi_user_assignment
}

// Assignment is one user in one role of an incident.
type Assignment struct {
	ID     string // the incident_role_assignments record's id
	RoleID string // the incident role's UUID
	UserID string // the user's numeric id
}

// Event is one assignment change the server applied.
type Event struct {
	Op         string // "assign" or "unassign"
	IncidentID string // the incident's UUID
	RoleID     string // the incident role's UUID
	UserID     string // the user's numeric id
}

type incident struct {
	id          string
	seq         int             // sequential_id
	attrs       json.RawMessage // every attribute but the assignments
	assignments []Assignment
	seeded      bool // still as in SeedAssignResponse
}

// Server is the in-memory Rootly API.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:port): give it to the
	// client with WithBaseURL (or as its server URL).
	URL string

	base   *testsrv.Server
	events testsrv.EventLog[Event]
	Token  string // the API token the server accepts

	mu        sync.Mutex
	users     []User
	roles     []Role
	incidents map[string]*incident
	nextID    int
	linkBase  string
}

const stamp = "2025-03-20T17:52:08.420-07:00"

// NewServer starts a seeded server; Close it when done.
func NewServer() *Server {
	s := &Server{
		Token:     Token,
		incidents: map[string]*incident{},
	}
	s.users = []User{
		{ID: SeedUser, Name: "Merlene Hoppe", Email: SeedUserEmail, TimeZone: "UTC"},
		{ID: Creator, Name: "Mario Casper", Email: CreatorEmail, TimeZone: "UTC"},
	}
	for i := 318; i <= 360; i++ {
		s.users = append(s.users, User{ID: strconv.Itoa(i), Name: fmt.Sprintf("Responder %d", i), Email: fmt.Sprintf("responder%d@example.com", i), TimeZone: "Europe/Berlin"})
	}
	s.roles = []Role{
		{ID: SeedRole, Name: "Error accusantium eligendi esse.", Slug: SeedRoleSlug, Position: 1, Enabled: true},
		{ID: CommanderRole, Name: "Incident Commander", Slug: "commander", Position: 2, Enabled: true},
		{ID: ScribeRole, Name: "Scribe", Slug: "scribe", Position: 3, Enabled: true, Multi: true},
		{ID: CommsRole, Name: "Communications Lead", Slug: "comms-lead", Position: 4, Enabled: true},
		{ID: DisabledRole, Name: "Retired role", Slug: "retired-role", Position: 5},
	}
	for i := 1; i <= 25; i++ {
		s.roles = append(s.roles, Role{ID: fmt.Sprintf("0c0ffee0-0000-4000-8000-%012d", 100+i), Name: fmt.Sprintf("Specialist %d", i), Slug: fmt.Sprintf("specialist-%d", i), Position: 5 + i, Enabled: true, Multi: true})
	}
	var seed struct {
		Data struct {
			Attributes json.RawMessage `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(SeedAssignResponse, &seed); err != nil {
		panic("rootlytest: bad embedded seed: " + err.Error())
	}
	s.incidents[SeedIncident] = &incident{
		id: SeedIncident, attrs: seed.Data.Attributes, seeded: true, seq: 1,
		assignments: []Assignment{{ID: SeedAssignment, RoleID: SeedRole, UserID: SeedUser}},
	}
	base, _ := time.Parse(time.RFC3339, stamp)
	for i := 1; i <= 20; i++ {
		inc := Incident{
			ID: fmt.Sprintf("1f000000-0000-4000-8000-%012d", i), Title: fmt.Sprintf("Checkout errors %d", i), Status: "started",
			Severity: []string{"sev1", "sev2", "sev3"}[i%3], Services: []string{[]string{"Search", "Checkout"}[i%2]},
			Teams: []string{"Platform"}, Environments: []string{[]string{"production", "staging"}[i%2]},
			Labels: map[string]string{"region": []string{"eu", "us"}[i%2]}, CreatedAt: base.Add(time.Duration(i) * time.Hour),
		}
		if i%4 == 0 {
			inc.Services = append(inc.Services, "Payments")
		}
		if i%3 == 0 {
			inc.Teams = []string{"Payments Team"}
		}
		switch {
		case i%5 == 0:
			inc.Status, inc.MitigatedAt, inc.ResolvedAt = "resolved", inc.CreatedAt.Add(20*time.Minute), inc.CreatedAt.Add(40*time.Minute)
		case i%3 == 0:
			inc.Status, inc.MitigatedAt = "mitigated", inc.CreatedAt.Add(30*time.Minute)
		}
		s.AddIncidentWith(inc)
	}
	s.base = testsrv.New(http.HandlerFunc(s.route))
	s.URL = s.base.URL
	s.base.SetRateLimitHeaders(true)
	s.base.SetRateLimit(DefaultRateLimit, DefaultRateBurst)
	s.base.SetRateLimitStyle(func(burst int, window time.Duration) string {
		return fmt.Sprintf("%d, %d;window=%d", burst, burst, int(window.Seconds()+0.5))
	}, RateLimitBody)
	return s
}

// RateLimitBody is the body of the server's 429 answers, as Rootly's
// documentation shows it.
var RateLimitBody = map[string]string{"error": "Rate limit exceeded. Try again later."}

// AddIncident adds a started incident with no role assignments (or resets
// the incident with that id): a fixture of your own. AddIncidentWith sets
// more of its attributes.
func (s *Server) AddIncident(id, title string) { s.AddIncidentWith(Incident{ID: id, Title: title}) }

// incident finds an incident by its id or its slug; s.mu is held.
func (s *Server) incident(idOrSlug string) *incident {
	if inc := s.incidents[idOrSlug]; inc != nil {
		return inc
	}
	for _, inc := range s.incidents {
		var a struct {
			Slug string `json:"slug"`
		}
		if json.Unmarshal(inc.attrs, &a) == nil && a.Slug == idOrSlug {
			return inc
		}
	}
	return nil
}

// AddUser adds a user, or replaces the user with the same ID: a fixture of
// your own for AllUsers, ListUsers and AssignRoleByEmail (filter[email]).
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = upsert(s.users, u, func(x User) string { return x.ID })
}

// AddRole adds an incident role, or replaces the role with the same ID: a
// fixture of your own for the role look-ups and assignments. Set Enabled
// for a usable role and Multi for one that holds several users.
func (s *Server) AddRole(r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles = upsert(s.roles, r, func(x Role) string { return x.ID })
}

// upsert replaces the item with v's id, or appends v.
func upsert[T any](items []T, v T, id func(T) string) []T {
	for i := range items {
		if id(items[i]) == id(v) {
			items[i] = v
			return items
		}
	}
	return append(items, v)
}

// AddIncidents adds n incidents with generated ids and returns the ids.
func (s *Server) AddIncidents(n int) []string {
	ids := make([]string, n)
	for i := range n {
		s.mu.Lock()
		s.nextID++
		id := fmt.Sprintf("2f000000-0000-4000-8000-%012d", s.nextID)
		s.mu.Unlock()
		s.AddIncident(id, "Generated incident "+id[len(id)-4:])
		ids[i] = id
	}
	return ids
}

// Assignments returns the role assignments of an incident, in order.
func (s *Server) Assignments(incidentID string) []Assignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if inc := s.incidents[incidentID]; inc != nil {
		return slices.Clone(inc.assignments)
	}
	return nil
}

// SetLinkBase makes list links point at base instead of the server itself,
// to check that clients never follow a link to another host.
func (s *Server) SetLinkBase(base string) {
	s.mu.Lock()
	s.linkBase = base
	s.mu.Unlock()
}

func writeErrors(w http.ResponseWriter, status int, title, code, detail string) {
	e := map[string]any{"title": title, "status": strconv.Itoa(status)}
	if code != "" {
		e["code"] = code
	}
	if detail != "" {
		e["detail"] = detail
	}
	testsrv.WriteJSONType(w, status, MediaType, map[string]any{"errors": []any{e}})
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if tok, ok := testsrv.BearerToken(r); !ok || tok != s.Token {
		writeErrors(w, http.StatusUnauthorized, "Invalid token", "", "")
		return
	}
	p := r.URL.Path
	switch {
	case p == "/v1/incident_roles" && r.Method == http.MethodGet:
		s.listRoles(w, r)
	case p == "/v1/users" && r.Method == http.MethodGet:
		s.listUsers(w, r)
	case p == "/v1/incidents" && r.Method == http.MethodGet:
		s.listIncidents(w, r)
	case strings.HasPrefix(p, "/v1/users/") && r.Method == http.MethodGet:
		s.getUser(w, strings.TrimPrefix(p, "/v1/users/"))
	case strings.HasPrefix(p, "/v1/incident_roles/") && r.Method == http.MethodGet:
		s.getRole(w, strings.TrimPrefix(p, "/v1/incident_roles/"))
	case strings.HasPrefix(p, "/v1/incidents/"):
		rest := strings.TrimPrefix(p, "/v1/incidents/")
		id, op, _ := strings.Cut(rest, "/")
		switch {
		case op == "" && r.Method == http.MethodGet:
			s.getIncident(w, id)
		case op == "assign_role_to_user" && r.Method == http.MethodPost:
			s.changeRole(w, r, id, true)
		case op == "unassign_role_from_user" && r.Method == http.MethodDelete:
			s.changeRole(w, r, id, false)
		default:
			writeErrors(w, http.StatusNotFound, "Not found or unauthorized", "", "")
		}
	default:
		writeErrors(w, http.StatusNotFound, "Not found or unauthorized", "", "")
	}
}

func (s *Server) getIncident(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inc := s.incident(id)
	if inc == nil {
		writeErrors(w, http.StatusNotFound, "Not found or unauthorized", "", "")
		return
	}
	s.writeIncident(w, inc)
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request, id string, assign bool) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, MediaType) {
		writeErrors(w, http.StatusUnsupportedMediaType, "Unsupported media type", "", "Content-Type must be "+MediaType)
		return
	}
	var doc struct {
		Data *struct {
			ID         *string `json:"id"`
			Type       string  `json:"type"`
			Attributes struct {
				UserID         string `json:"user_id"`
				IncidentRoleID string `json:"incident_role_id"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&doc); err != nil || doc.Data == nil {
		writeErrors(w, http.StatusBadRequest, "Bad request", "", "the body is not a JSON:API document")
		return
	}
	if doc.Data.Type != "incidents" {
		writeErrors(w, http.StatusConflict, "Type mismatch", "", "data.type must be incidents")
		return
	}
	a := doc.Data.Attributes
	if a.UserID == "" || a.IncidentRoleID == "" {
		blank := map[string][]string{}
		if a.UserID == "" {
			blank["user_id"] = []string{"can't be blank"}
		}
		if a.IncidentRoleID == "" {
			blank["incident_role_id"] = []string{"can't be blank"}
		}
		testsrv.WriteJSON(w, http.StatusUnprocessableEntity, blank)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inc := s.incident(id)
	if inc == nil {
		writeErrors(w, http.StatusNotFound, "Not found or unauthorized", "", "")
		return
	}
	role := s.role(a.IncidentRoleID)
	if role == nil {
		writeErrors(w, http.StatusNotFound, "Not found or unauthorized", "", "incident role "+a.IncidentRoleID)
		return
	}
	if s.user(a.UserID) == nil {
		writeErrors(w, http.StatusUnprocessableEntity, "Validation failed", "invalid_user", "User "+a.UserID+" does not exist")
		return
	}
	if assign {
		s.assign(inc, role, a.UserID)
	} else {
		s.unassign(inc, role.ID, a.UserID)
	}
	s.writeIncident(w, inc)
}

func (s *Server) assign(inc *incident, role *Role, userID string) {
	for _, as := range inc.assignments {
		if as.RoleID == role.ID && as.UserID == userID {
			return
		}
	}
	if !role.Multi {
		s.unassign(inc, role.ID, "")
	}
	s.nextID++
	inc.assignments = append(inc.assignments, Assignment{ID: fmt.Sprintf("a55a0000-0000-4000-8000-%012d", s.nextID), RoleID: role.ID, UserID: userID})
	inc.seeded = false
	s.events.Add(Event{Op: "assign", IncidentID: inc.id, RoleID: role.ID, UserID: userID})
}

// unassign removes the user (any user when userID is "") from the role.
func (s *Server) unassign(inc *incident, roleID, userID string) {
	kept := inc.assignments[:0]
	for _, as := range inc.assignments {
		if as.RoleID == roleID && (userID == "" || as.UserID == userID) {
			s.events.Add(Event{Op: "unassign", IncidentID: inc.id, RoleID: roleID, UserID: as.UserID})
			inc.seeded = false
			continue
		}
		kept = append(kept, as)
	}
	inc.assignments = kept
}

func (s *Server) role(id string) *Role {
	for i := range s.roles {
		if s.roles[i].ID == id {
			return &s.roles[i]
		}
	}
	return nil
}

func (s *Server) user(id string) *User {
	for i := range s.users {
		if s.users[i].ID == id {
			return &s.users[i]
		}
	}
	return nil
}

func userResource(u *User) map[string]any {
	return map[string]any{
		"id": u.ID, "type": "users",
		"attributes": map[string]any{
			"name": u.Name, "email": u.Email, "phone": nil, "phone_2": nil, "full_name": u.Name,
			"full_name_with_team": "[Goyette Group] " + u.Name, "slack_id": nil, "time_zone": u.TimeZone,
			"updated_at": stamp, "created_at": stamp,
		},
		"relationships": map[string]any{"email_addresses": map[string]any{"data": []any{}}},
	}
}

func roleResource(r *Role) map[string]any {
	return map[string]any{
		"id": r.ID, "type": "incident_roles",
		"attributes": map[string]any{
			"slug": r.Slug, "name": r.Name, "summary": nil, "description": nil, "position": r.Position,
			"optional": false, "enabled": r.Enabled, "allow_multi_user_assignment": r.Multi,
			"created_at": stamp, "updated_at": stamp,
		},
	}
}

// writeIncident answers with the incident document; s.mu is held.
func (s *Server) writeIncident(w http.ResponseWriter, inc *incident) {
	if inc.seeded {
		w.Header().Set("Content-Type", MediaType)
		w.Header().Set("Content-Length", strconv.Itoa(len(SeedAssignResponse)))
		_, _ = w.Write(SeedAssignResponse)
		return
	}
	res, incl := s.incidentResource(inc)
	testsrv.WriteJSONType(w, http.StatusOK, MediaType, map[string]any{"data": res, "included": incl})
}

// incidentResource is an incident's resource object with its roles
// relationship, and the role assignments it points to (for "included");
// s.mu is held.
func (s *Server) incidentResource(inc *incident) (map[string]any, []any) {
	refs := make([]any, 0, len(inc.assignments))
	incl := make([]any, 0, len(inc.assignments))
	for _, as := range inc.assignments {
		refs = append(refs, map[string]any{"id": as.ID, "type": "incident_role_assignments"})
		attrs := map[string]any{"incident_role": map[string]any{"data": nil}, "user": map[string]any{"data": nil}}
		if r := s.role(as.RoleID); r != nil {
			attrs["incident_role"] = map[string]any{"data": roleResource(r)}
		}
		if u := s.user(as.UserID); u != nil {
			attrs["user"] = map[string]any{"data": userResource(u)}
		}
		incl = append(incl, map[string]any{"id": as.ID, "type": "incident_role_assignments", "attributes": attrs})
	}
	return map[string]any{
		"id": inc.id, "type": "incidents", "attributes": inc.attrs,
		"relationships": map[string]any{"roles": map[string]any{"data": refs}, "events": map[string]any{"data": []any{}}},
	}, incl
}

func pageParams(q url.Values) (number, size int) {
	number, _ = strconv.Atoi(q.Get("page[number]"))
	size, _ = strconv.Atoi(q.Get("page[size]"))
	if number < 1 {
		number = 1
	}
	if size < 1 {
		size = 20
	}
	return number, min(size, 100)
}

// writeList pages items and answers with links and meta.
func (s *Server) writeList(w http.ResponseWriter, r *http.Request, path string, items []any) {
	s.writePage(w, r, path, items, false, nil)
}

// writePage pages items by page[number], or, for a list that offers cursor
// paging (byCursor: GET /v1/incidents), by page[after] too, and answers
// with links and meta. A list that offers cursors announces the next one
// in meta.next_cursor on every page, as the spec describes; a page read by
// cursor has no page number (current_page, next_page and prev_page null).
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, path string, items []any, byCursor bool, includedOf func(page []any) []any) {
	q := r.URL.Query()
	number, size := pageParams(q)
	total := len(items)
	pages := max((total+size-1)/size, 1)
	start := min((number-1)*size, total)
	after := byCursor && q.Get("page[after]") != ""
	if after {
		b, err := base64.RawURLEncoding.DecodeString(q.Get("page[after]"))
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "after:"))
		if err != nil || err2 != nil || n < 0 || !strings.HasPrefix(string(b), "after:") {
			writeErrors(w, http.StatusBadRequest, "Invalid cursor", "", "page[after] is not a cursor this server gave")
			return
		}
		start = min(n, total)
	}
	end := min(start+size, total)
	page := append([]any{}, items[start:end]...) // never null: the spec requires the array
	s.mu.Lock()
	base := s.linkBase
	s.mu.Unlock()
	if base == "" {
		base = s.URL
	}
	query := func(set func(url.Values)) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		set(v)
		return base + path + "?" + v.Encode()
	}
	link := func(n int) any {
		if n < 1 || n > pages {
			return nil
		}
		return query(func(v url.Values) {
			v.Del("page[after]")
			v.Set("page[number]", strconv.Itoa(n))
			v.Set("page[size]", strconv.Itoa(size))
		})
	}
	num := func(n int) any {
		if n < 1 || n > pages {
			return nil
		}
		return n
	}
	links := map[string]any{"self": link(number), "first": link(1), "prev": link(number - 1), "next": link(number + 1), "last": link(pages)}
	meta := map[string]any{"current_page": number, "next_page": num(number + 1), "prev_page": num(number - 1), "total_count": total, "total_pages": pages}
	if byCursor {
		var next any
		if end < total {
			next = base64.RawURLEncoding.EncodeToString([]byte("after:" + strconv.Itoa(end)))
		}
		meta["next_cursor"] = next
		if after {
			meta["current_page"], meta["next_page"], meta["prev_page"] = nil, nil, nil
			links["self"] = query(func(url.Values) {})
			links["prev"] = nil
			links["next"] = nil
			if next != nil {
				links["next"] = query(func(v url.Values) { v.Set("page[after]", next.(string)) })
			}
		}
	}
	doc := map[string]any{"data": page, "links": links, "meta": meta}
	if includedOf != nil {
		if incl := includedOf(page); incl != nil {
			doc["included"] = incl
		}
	}
	testsrv.WriteJSONType(w, http.StatusOK, MediaType, doc)
}

func (s *Server) listRoles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// filter[slug] and filter[name] match by substring, as search-style
	// filters do (clients must pick the exact match themselves); their
	// operator forms ([eq], [in], ...) match exactly.
	loose := url.Values{}
	for _, k := range []string{"filter[slug]", "filter[name]"} {
		if v := q.Get(k); v != "" {
			loose.Set(k, v)
			q.Del(k)
		}
	}
	created, _ := time.Parse(time.RFC3339, stamp)
	s.writeFiltered(w, r, "/v1/incident_roles", func() int { return len(s.roles) }, func(i int) (bool, error) {
		ro := &s.roles[i]
		if (loose.Get("filter[slug]") != "" && !strings.Contains(ro.Slug, loose.Get("filter[slug]"))) ||
			(loose.Get("filter[name]") != "" && !strings.Contains(ro.Name, loose.Get("filter[name]"))) {
			return false, nil
		}
		return matchFilters(q, func(name string) ([]string, bool) {
			switch name {
			case "slug":
				return []string{ro.Slug}, true
			case "name":
				return []string{ro.Name}, true
			case "enabled":
				return []string{strconv.FormatBool(ro.Enabled)}, true
			}
			return nil, false
		}, func(name string) (time.Time, bool, bool) { return created, true, name == "created_at" }, ro.Name+" "+ro.Slug)
	}, func(i int) any { return roleResource(&s.roles[i]) })
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// filter[email] matches by substring, ignoring case.
	email := strings.ToLower(q.Get("filter[email]"))
	q.Del("filter[email]")
	created, _ := time.Parse(time.RFC3339, stamp)
	s.writeFiltered(w, r, "/v1/users", func() int { return len(s.users) }, func(i int) (bool, error) {
		u := &s.users[i]
		if email != "" && !strings.Contains(strings.ToLower(u.Email), email) {
			return false, nil
		}
		return matchFilters(q, func(string) ([]string, bool) { return nil, false },
			func(name string) (time.Time, bool, bool) { return created, true, name == "created_at" }, u.Name+" "+u.Email)
	}, func(i int) any { return userResource(&s.users[i]) })
}

// writeFiltered answers the list of the items (0 to n()-1, read under the
// lock) that match takes, as resource renders them, or 400 when match
// refuses a filter.
func (s *Server) writeFiltered(w http.ResponseWriter, r *http.Request, path string, n func() int, match func(i int) (bool, error), resource func(i int) any) {
	s.mu.Lock()
	var items []any
	var refused error
	for i := range n() {
		ok, err := match(i)
		if err != nil {
			refused = err
			break
		}
		if ok {
			items = append(items, resource(i))
		}
	}
	s.mu.Unlock()
	if refused != nil {
		writeErrors(w, http.StatusBadRequest, "Invalid filter", "", refused.Error())
		return
	}
	s.writeList(w, r, path, items)
}

// getUser answers GET /v1/users/{id}; "me" is the token's user (Creator).
func (s *Server) getUser(w http.ResponseWriter, id string) {
	if id == "me" {
		id = Creator
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.user(id)
	if u == nil {
		writeErrors(w, http.StatusNotFound, "Not found or unauthorized", "", "")
		return
	}
	testsrv.WriteJSONType(w, http.StatusOK, MediaType, map[string]any{"data": userResource(u)})
}

// getRole answers GET /v1/incident_roles/{id}, by id or slug.
func (s *Server) getRole(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ro := s.role(id)
	for i := range s.roles {
		if ro == nil && s.roles[i].Slug == id {
			ro = &s.roles[i]
		}
	}
	if ro == nil {
		writeErrors(w, http.StatusNotFound, "Not found or unauthorized", "", "")
		return
	}
	testsrv.WriteJSONType(w, http.StatusOK, MediaType, map[string]any{"data": roleResource(ro)})
}

// listIncidents answers GET /v1/incidents with the filters filter[status],
// filter[kind], filter[private], filter[search] (title, any case),
// filter[user_id] (the creator), filter[severity] (slug) and
// filter[sequential_id] (each a comma-separated list where it makes
// sense), sorted by sequential_id (sort=-sequential_id or -created_at:
// newest first), paged like the other lists.
func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	type row struct {
		seq  int
		res  map[string]any
		incl []any // with include=roles: the role assignments
	}
	// include=roles adds each incident's roles relationship and its
	// assignments in "included", as GET /v1/incidents/{id} has them.
	withRoles := slices.Contains(strings.Split(q.Get("include"), ","), "roles")
	var rows []row
	var refused error
	for _, inc := range s.incidents {
		var v incidentView
		var attrs map[string]json.RawMessage
		if json.Unmarshal(inc.attrs, &v) != nil || json.Unmarshal(inc.attrs, &attrs) != nil {
			continue
		}
		search := v.Title
		if v.Summary != nil {
			search += " " + *v.Summary
		}
		ok, err := matchFilters(q, v.values, func(name string) (time.Time, bool, bool) { return timeOf(attrs, name, timeFilters) }, search)
		if err != nil {
			refused = err
			break
		}
		if ok {
			if withRoles {
				res, incl := s.incidentResource(inc)
				rows = append(rows, row{inc.seq, res, incl})
				continue
			}
			rows = append(rows, row{inc.seq, map[string]any{"id": inc.id, "type": "incidents", "attributes": inc.attrs}, nil})
		}
	}
	s.mu.Unlock()
	if refused != nil {
		writeErrors(w, http.StatusBadRequest, "Invalid filter", "", refused.Error())
		return
	}
	desc := strings.HasPrefix(q.Get("sort"), "-")
	slices.SortFunc(rows, func(a, b row) int {
		if desc {
			return b.seq - a.seq
		}
		return a.seq - b.seq
	})
	items := make([]any, len(rows))
	included := map[string][]any{}
	for i, r := range rows {
		items[i] = r.res
		if r.incl != nil {
			included[r.res["id"].(string)] = r.incl
		}
	}
	s.writePage(w, r, "/v1/incidents", items, true, func(page []any) []any {
		if !withRoles {
			return nil
		}
		out := []any{}
		for _, it := range page {
			out = append(out, included[it.(map[string]any)["id"].(string)]...)
		}
		return out
	})
}

// SetRateLimitAnswers chooses how the rate limit shows in answers: with
// headers, every answer carries X-RateLimit-Limit, -Remaining, -Used and
// -Reset (the default, as Rootly does); with retryAfter, a 429 carries
// Retry-After (the default). Turn one off to see how a client copes with
// only the other.
func (s *Server) SetRateLimitAnswers(headers, retryAfter bool) {
	s.base.SetRateLimitHeaders(headers)
	s.base.SetRateLimitRetryAfter(retryAfter)
}

// Package actionmgmttest is an in-memory Forsta Action Management hub for
// tests, in the spirit of net/http/httptest.
//
// NewServer starts it on loopback with hub 6435: the roles Case Manager
// (3456) and Watcher (3457), End User List 201 with active and inactive
// users, the documentation's example case 2009631, and cases 2009632 to
// 2009636 (MixedLastCase) whose dates mix the API's formats (RFC 3339,
// "2021-06-04 13:51:04.967-00:00", empty and null due dates). It answers
// the case list query (POST .../cases/query) with top/skip paging (top at
// most 100, default 20) and orderBy. The filter objects are recorded
// (CaseQueryFilters, Requests) and not applied: their grammar sits in a
// part of the how-to no public source returns, so the server cannot know
// what they select; a test that filters gets unfiltered pages, and can
// check what was sent. A PUT stamps dateModified, as a server would. Like the real
// service it keeps the last write of a case (no version check), stores every
// member a client sends (so unknown fields survive), refuses a role user
// who is not an active member of the hub's End User List with a 400, and
// answers 404 for an unknown hub or case. Its identity endpoint
// (TokenURL) issues bearer tokens for grant_type=api-user with the client
// id and secret in the form or as HTTP Basic. It records every request and
// injects faults on demand.
package actionmgmttest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caseassign/caseassign/internal/testsrv"
)

// The methods every test server shares are generated from internal/gen.
//go:generate go run ../../internal/gen -pkg actionmgmt -kind fake -o fake.go

// SeedCase is the documentation's example case (with the stray "} ]" of the
// printed sample fixed), as the server holds it at start.
//
//go:embed seed_case.json
var SeedCase []byte

// The seeded hub, list, roles, users and case.
const (
	Hub         = int64(6435)
	List        = int64(201)
	CaseManager = int64(3456)
	Watcher     = int64(3457)
	ExampleCase = int64(2009631)
	UserAlice   = int64(8790) // in Case Manager on the example case
	UserBob     = int64(8791)
	// Users 8792 to 8830 are generated; every fifth (8795, 8800, ...) is inactive.
	FirstGenerated = int64(8792)
	LastGenerated  = int64(8830)
	InactiveUser   = int64(8795)
)

// mixedDates are the dateCreated, dateModified and dateDue of the seeded
// cases after ExampleCase, in the formats the API mixes: RFC 3339 with an
// offset or Z, "2021-06-04 13:51:04.967-00:00", empty and null (no due date).
var mixedDates = [][3]string{
	{`"2021-10-02T00:00:00-07:00"`, `"2021-06-04 13:51:04.967-00:00"`, `""`},
	{`"2021-10-03T09:30:00Z"`, `"2021-10-03T09:30:00Z"`, `null`},
	{`"2021-06-04 13:51:04.967-00:00"`, `"2021-06-05 08:00:00.1-00:00"`, `"2021-11-01T00:00:00-07:00"`},
	{`"2021-10-05T12:00:00.123+02:00"`, `""`, `"2021-06-04 13:51:04.967-00:00"`},
	{`"2021-10-06T00:00:00-07:00"`, `null`, `""`},
}

// Seeded cases with mixed date formats: ExampleCase+1 to MixedLastCase.
const MixedLastCase = ExampleCase + 5

// The credentials the identity endpoint accepts.
const (
	ClientID     = "api-user-client"
	ClientSecret = "api-user-secret"
)

// TokenPath is the identity endpoint's path on the server.
const TokenPath = "/identity/connect/token"

// EndUser is a user of an End User List.
type EndUser struct {
	ID        int64  `json:"id"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserName  string `json:"userName"`
	Email     string `json:"email"`
	Language  int    `json:"language"`
	IsActive  bool   `json:"isActive"`
}

type hub struct {
	roles []map[string]any
	lists map[int64][]EndUser
	cases map[int64][]byte // stored as sent: every member survives
}

// Event is one case update (PUT) the server applied.
type Event struct {
	HubID  int64 // the hub of the case written
	CaseID int64 // the case written
	// Roles holds, for each role of the written case, its users' ids.
	Roles map[int64][]int64
}

// hubIDOf finds h's id; called with s.mu held.
func hubIDOf(s *Server, h *hub) int64 {
	for id, x := range s.hubs {
		if x == h {
			return id
		}
	}
	return 0
}

// Server is the in-memory hub.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:port): give it to the
	// client with WithBaseURL (or as its base URL).
	URL string

	base   *testsrv.Server
	events testsrv.EventLog[Event]
	// ClientID and ClientSecret are the API user's credentials the token
	// endpoint (TokenURL) accepts.
	ClientID, ClientSecret string

	mu            sync.Mutex
	hubs          map[int64]*hub
	tokens        map[string]time.Time
	tokenLifetime time.Duration
	tokenRequests int
	puts          int
	now           func() time.Time
	pageCap       int // answer at most this many items a page; 0: no cap below top
}

// SetPageCap makes every list query (cases and end users) answer at most n
// items a page, whatever top asked for, as a server with a cap of its own
// does; totalCount still counts every item. 0 removes the cap.
func (s *Server) SetPageCap(n int) {
	s.mu.Lock()
	s.pageCap = n
	s.mu.Unlock()
}

// capped is top lowered to the page cap, if any.
func (s *Server) capped(top int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pageCap > 0 {
		return min(top, s.pageCap)
	}
	return top
}

// NewServer starts a seeded hub; Close it when done.
func NewServer() *Server {
	s := &Server{
		ClientID:      ClientID,
		ClientSecret:  ClientSecret,
		hubs:          map[int64]*hub{},
		tokens:        map[string]time.Time{},
		tokenLifetime: time.Hour,
		now:           time.Now,
	}
	h := &hub{lists: map[int64][]EndUser{}, cases: map[int64][]byte{}}
	h.roles = []map[string]any{
		{"id": CaseManager, "name": "Case Manager", "lastUpdated": "2021-06-04 13:51:04.967-00:00", "links": map[string]any{}},
		{"id": Watcher, "name": "Watcher", "lastUpdated": "2021-06-04 13:51:04.975-00:00", "links": map[string]any{}},
	}
	users := []EndUser{
		{ID: UserAlice, FirstName: "first name 1", LastName: "last name 1", UserName: "exampleUser8790", Email: "exampleUser8790@example.com", Language: 9, IsActive: true},
		{ID: UserBob, FirstName: "first name 2", LastName: "last name 2", UserName: "exampleUser8791", Email: "exampleUser8791@example.com", Language: 9, IsActive: true},
	}
	for id := FirstGenerated; id <= LastGenerated; id++ {
		users = append(users, EndUser{
			ID: id, FirstName: "User", LastName: strconv.FormatInt(id, 10), UserName: fmt.Sprintf("user%d", id),
			Email: fmt.Sprintf("user%d@example.com", id), Language: 9, IsActive: id%5 != 0,
		})
	}
	h.lists[List] = users
	h.cases[ExampleCase] = compact(SeedCase)
	for i, d := range mixedDates {
		id := ExampleCase + 1 + int64(i)
		h.cases[id] = compact(fmt.Appendf(nil, `{"id":%d,"name":"Case %d","workflowId":3536,"isClosed":false,"dateCreated":%s,"dateModified":%s,"dateDue":%s,`+
			`"listValues":[],"roles":[{"id":%d,"caseId":%d,"name":"Case Manager","users":[]},{"id":%d,"caseId":%d,"name":"Watcher","users":[]}],"links":{}}`,
			id, id, d[0], d[1], d[2], CaseManager, id, Watcher, id))
	}
	s.hubs[Hub] = h
	s.base = testsrv.New(http.HandlerFunc(s.route))
	s.URL = s.base.URL
	return s
}

func compact(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		panic("actionmgmttest: " + err.Error())
	}
	return buf.Bytes()
}

// TokenURL is the identity endpoint for APIUserTokenSource.
func (s *Server) TokenURL() string { return s.URL + TokenPath }

// SetTokenLifetime sets the expires_in of tokens issued from now on.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	s.tokenLifetime = d
	s.mu.Unlock()
}

// TokenRequests returns how many tokens the identity endpoint issued.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// IssueToken returns a valid bearer token without going through the
// identity endpoint, for tests that use oauth2.StaticTokenSource.
func (s *Server) IssueToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueLocked()
}

func (s *Server) issueLocked() string {
	s.tokenRequests++
	tok := fmt.Sprintf("am-token-%d", s.tokenRequests)
	s.tokens[tok] = s.now().Add(s.tokenLifetime)
	return tok
}

// Puts returns how many case writes the server accepted.
func (s *Server) Puts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts
}

// AddCase stores a case (any JSON object with an "id") in a hub, creating
// the hub with the seeded roles and list when it is new.
func (s *Server) AddCase(hubID int64, raw []byte) error {
	var probe struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil || probe.ID <= 0 {
		return fmt.Errorf("actionmgmttest: a case needs a positive id: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hubLocked(hubID).cases[probe.ID] = compact(raw)
	return nil
}

// AddCases adds n cases to a hub, shaped like the documentation's example
// case (its roles Case Manager and Watcher, empty of users) with ids after
// the hub's highest, and returns their ids: fixtures for bulk calls.
func (s *Server) AddCases(hubID int64, n int) []int64 {
	var tmpl map[string]any
	if err := json.Unmarshal(SeedCase, &tmpl); err != nil {
		panic("actionmgmttest: bad embedded seed: " + err.Error())
	}
	s.mu.Lock()
	h := s.hubLocked(hubID)
	next := int64(0)
	for id := range h.cases {
		next = max(next, id)
	}
	s.mu.Unlock()
	ids := make([]int64, n)
	for i := range n {
		next++
		tmpl["id"], tmpl["name"] = next, fmt.Sprintf("Case %d", next)
		if roles, ok := tmpl["roles"].([]any); ok {
			for _, r := range roles {
				if m, ok := r.(map[string]any); ok {
					m["caseId"], m["users"] = next, []any{}
				}
			}
		}
		b, _ := json.Marshal(tmpl)
		if err := s.AddCase(hubID, b); err != nil {
			panic(err)
		}
		ids[i] = next
	}
	return ids
}

// AddEndUser adds a user to an End User List of a hub (creating the hub and
// the list as needed), or replaces the user with the same ID there. Only
// active users of a hub's lists can be put in a role.
func (s *Server) AddEndUser(hubID, listID int64, u EndUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubLocked(hubID)
	users := h.lists[listID]
	for i := range users {
		if users[i].ID == u.ID {
			users[i] = u
			return
		}
	}
	h.lists[listID] = append(users, u)
}

// Role is a case role of a hub's Action Management program.
type Role struct {
	ID          int64
	Name        string
	LastUpdated string // as the server sends it, e.g. "2021-06-04 13:51:04.967-00:00"
}

// AddRole adds a case role to a hub (creating the hub as needed), or
// replaces the role with the same ID.
func (s *Server) AddRole(hubID int64, r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubLocked(hubID)
	m := map[string]any{"id": r.ID, "name": r.Name, "lastUpdated": r.LastUpdated, "links": map[string]any{}}
	roles := make([]map[string]any, 0, len(h.roles)+1)
	for _, x := range h.roles {
		if fmt.Sprint(x["id"]) != strconv.FormatInt(r.ID, 10) {
			roles = append(roles, x)
		}
	}
	h.roles = append(roles, m)
}

// hubLocked returns the hub, creating an empty one (with the seeded hub's
// roles and lists, copied) when it does not exist; s.mu is held.
func (s *Server) hubLocked(hubID int64) *hub {
	h := s.hubs[hubID]
	if h == nil {
		seed := s.hubs[Hub]
		h = &hub{roles: append([]map[string]any(nil), seed.roles...), lists: map[int64][]EndUser{}, cases: map[int64][]byte{}}
		for id, l := range seed.lists {
			h.lists[id] = append([]EndUser(nil), l...)
		}
		s.hubs[hubID] = h
	}
	return h
}

// CaseJSON returns a case as the server holds it.
func (s *Server) CaseJSON(hubID, caseID int64) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.hubs[hubID]; h != nil {
		if b, ok := h.cases[caseID]; ok {
			return slices.Clone(b), true
		}
	}
	return nil, false
}

// RoleUsers returns the user ids in a role of a case, in order.
func (s *Server) RoleUsers(hubID, caseID, roleID int64) []int64 {
	b, ok := s.CaseJSON(hubID, caseID)
	if !ok {
		return nil
	}
	var cs struct {
		Roles []struct {
			ID    int64 `json:"id"`
			Users []struct {
				ID int64 `json:"id"`
			} `json:"users"`
		} `json:"roles"`
	}
	if json.Unmarshal(b, &cs) != nil {
		return nil
	}
	for _, r := range cs.Roles {
		if r.ID == roleID {
			ids := make([]int64, 0, len(r.Users))
			for _, u := range r.Users {
				ids = append(ids, u.ID)
			}
			return ids
		}
	}
	return nil
}

func writeError(w http.ResponseWriter, status int, msg string) {
	testsrv.WriteJSON(w, status, map[string]any{"message": msg})
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == TokenPath {
		s.token(w, r)
		return
	}
	if !s.authorized(r) {
		if _, ok := testsrv.BearerToken(r); ok {
			// RFC 6750 section 3.1: a token the server does not take.
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
		writeError(w, http.StatusUnauthorized, "Authorization has been denied for this request.")
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 5 && parts[0] == "v1" && parts[1] == "actionmanagement" && parts[2] == "hubs" && parts[4] == "roles" && r.Method == http.MethodGet:
		s.withHub(w, parts[3], func(h *hub, _ int64) { s.roles(w, h) })
	case len(parts) == 6 && parts[0] == "v1" && parts[1] == "actionmanagement" && parts[2] == "hubs" && parts[4] == "cases" && parts[5] == "query":
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, "The requested resource does not support this method.")
			return
		}
		s.withHub(w, parts[3], func(h *hub, _ int64) { s.caseQuery(w, r, h) })
	case len(parts) == 6 && parts[0] == "v1" && parts[1] == "actionmanagement" && parts[2] == "hubs" && parts[4] == "cases":
		s.withHub(w, parts[3], func(h *hub, _ int64) { s.caseRoute(w, r, h, parts[5]) })
	case len(parts) == 7 && parts[0] == "v1" && parts[1] == "hubs" && parts[3] == "enduserlists" && parts[5] == "users" && parts[6] == "query" && r.Method == http.MethodPost:
		s.withHub(w, parts[2], func(h *hub, _ int64) { s.query(w, r, h, parts[4]) })
	default:
		writeError(w, http.StatusNotFound, "No HTTP resource was found that matches the request URI.")
	}
}

func (s *Server) authorized(r *http.Request) bool {
	tok, ok := testsrv.BearerToken(r)
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && s.now().Before(exp)
}

func (s *Server) withHub(w http.ResponseWriter, idText string, fn func(h *hub, hubID int64)) {
	id, err := strconv.ParseInt(idText, 10, 64)
	s.mu.Lock()
	h := s.hubs[id]
	s.mu.Unlock()
	if err != nil || h == nil {
		writeError(w, http.StatusNotFound, "Hub not found, or it has no Action Management program.")
		return
	}
	fn(h, id)
}

// RevokeTokens makes every access token issued so far invalid before its
// expiry (revoked, or the API user's secret rotated): calls carrying one
// are answered 401 with WWW-Authenticate: Bearer error="invalid_token".
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	clear(s.tokens)
	s.mu.Unlock()
}

// TokenAccepts records the Accept header of every token request, in order.
func (s *Server) TokenAccepts() []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Path == TokenPath {
			out = append(out, r.Header.Get("Accept"))
		}
	}
	return out
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		testsrv.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.ClientID || secret != s.ClientSecret {
		testsrv.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	if r.PostForm.Get("grant_type") != "api-user" {
		testsrv.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	s.mu.Lock()
	tok := s.issueLocked()
	life := s.tokenLifetime
	s.mu.Unlock()
	testsrv.WriteJSON(w, http.StatusOK, map[string]any{"access_token": tok, "expires_in": int(life.Seconds()), "token_type": "Bearer"})
}

func (s *Server) roles(w http.ResponseWriter, h *hub) {
	s.mu.Lock()
	roles := h.roles // AddRole replaces the slice, never changes it in place
	s.mu.Unlock()
	testsrv.WriteJSON(w, http.StatusOK, map[string]any{"itemType": "Role", "totalCount": len(roles), "itemCount": len(roles), "items": roles})
}

func (s *Server) query(w http.ResponseWriter, r *http.Request, h *hub, listText string) {
	listID, _ := strconv.ParseInt(listText, 10, 64)
	var q struct {
		IsActive *bool  `json:"isActive"`
		SortBy   string `json:"sortBy"`
		Top      int    `json:"top"`
		Skip     int    `json:"skip"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil || q.Top < 0 || q.Skip < 0 {
		writeError(w, http.StatusBadRequest, "invalid query")
		return
	}
	s.mu.Lock()
	users, ok := h.lists[listID]
	var match []EndUser
	for _, u := range users {
		if q.IsActive == nil || u.IsActive == *q.IsActive {
			match = append(match, u)
		}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "End user list not found.")
		return
	}
	if strings.EqualFold(q.SortBy, "UserName") {
		sort.SliceStable(match, func(i, j int) bool { return match[i].UserName < match[j].UserName })
	} else {
		sort.SliceStable(match, func(i, j int) bool { return match[i].ID < match[j].ID })
	}
	top := q.Top
	if top == 0 {
		top = 100
	}
	top = s.capped(top)
	page := []EndUser{}
	if q.Skip < len(match) {
		page = match[q.Skip:min(q.Skip+top, len(match))]
	}
	items := make([]map[string]any, len(page))
	for i, u := range page {
		items[i] = map[string]any{"id": u.ID, "firstName": u.FirstName, "lastName": u.LastName, "userName": u.UserName,
			"email": u.Email, "language": u.Language, "isActive": u.IsActive, "links": map[string]any{}}
	}
	testsrv.WriteJSON(w, http.StatusOK, map[string]any{"itemType": "EndUser", "itemCount": len(page), "totalCount": len(match), "items": items})
}

// CaseQueryFilters returns the "filters" of every case list query the
// server received, in order (one entry per query; nil for a query
// without filters). The server records them and does not apply them.
func (s *Server) CaseQueryFilters() [][]json.RawMessage {
	var out [][]json.RawMessage
	for _, r := range s.Requests() {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.Path, "/cases/query") {
			continue
		}
		var q struct {
			Filters []json.RawMessage `json:"filters"`
		}
		_ = json.Unmarshal(r.Body, &q)
		out = append(out, q.Filters)
	}
	return out
}

// caseQuery answers POST .../cases/query as the case list query how-to
// describes it: top 1..100 (0 or absent: 20; above 100: 400), skip, sorted
// by orderBy.property (id, name, dateCreated, dateModified or dateDue;
// default dateCreated) descending unless orderByAscending. Dates sort by
// their instant; a case without one sorts first. The body's filters are
// recorded (Requests) and not applied: their semantics are the API's own.
func (s *Server) caseQuery(w http.ResponseWriter, r *http.Request, h *hub) {
	var q struct {
		Filters []json.RawMessage `json:"filters"`
		Include []string          `json:"include"`
		OrderBy *struct {
			Property string `json:"property"`
		} `json:"orderBy"`
		OrderByAscending bool `json:"orderByAscending"`
		Top              *int `json:"top"`
		Skip             int  `json:"skip"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			writeError(w, http.StatusBadRequest, "The request is invalid.")
			return
		}
	}
	top := 20
	if q.Top != nil && *q.Top != 0 {
		top = *q.Top
	}
	if top < 0 || top > 100 || q.Skip < 0 {
		writeError(w, http.StatusBadRequest, "The request is invalid: top must be at most 100 and skip not negative.")
		return
	}
	prop := "dateCreated"
	if q.OrderBy != nil && q.OrderBy.Property != "" {
		prop = q.OrderBy.Property
	}
	s.mu.Lock()
	cases := make([]map[string]json.RawMessage, 0, len(h.cases))
	for _, raw := range h.cases {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) == nil {
			cases = append(cases, m)
		}
	}
	s.mu.Unlock()
	key := func(m map[string]json.RawMessage) (string, float64) {
		v := m[prop]
		var str string
		if json.Unmarshal(v, &str) == nil {
			if t, ok := parseDate(str); ok {
				return "", float64(t.UnixNano())
			}
			return str, 0
		}
		var f float64
		_ = json.Unmarshal(v, &f)
		return "", f
	}
	id := func(m map[string]json.RawMessage) float64 { var f float64; _ = json.Unmarshal(m["id"], &f); return f }
	sort.SliceStable(cases, func(i, j int) bool {
		si, fi := key(cases[i])
		sj, fj := key(cases[j])
		less := si < sj || (si == sj && fi < fj) || (si == sj && fi == fj && id(cases[i]) < id(cases[j]))
		if q.OrderByAscending {
			return less
		}
		return !less && !(si == sj && fi == fj && id(cases[i]) == id(cases[j]))
	})
	top = s.capped(top)
	page := []map[string]json.RawMessage{}
	if q.Skip < len(cases) {
		page = cases[q.Skip:min(q.Skip+top, len(cases))]
	}
	testsrv.WriteJSON(w, http.StatusOK, map[string]any{"itemType": "CaseListItem", "itemCount": len(page), "totalCount": len(cases), "items": page})
}

// parseDate reads the API's date formats: RFC 3339 and
// "2006-01-02 15:04:05.999-07:00".
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05-07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) caseRoute(w http.ResponseWriter, r *http.Request, h *hub, idText string) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		writeError(w, http.StatusNotFound, "Case not found.")
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		b, ok := h.cases[id]
		s.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "Case not found.")
			return
		}
		writeRaw(w, b)
	case http.MethodPut:
		s.put(w, r, h, id)
	default:
		writeError(w, http.StatusMethodNotAllowed, "The requested resource does not support this method.")
	}
}

func writeRaw(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, h *hub, id int64) {
	var doc map[string]json.RawMessage
	raw, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(raw, &doc)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "The request is invalid: "+err.Error())
		return
	}
	var body struct {
		ID    int64 `json:"id"`
		Roles []struct {
			ID    int64 `json:"id"`
			Users []struct {
				ID int64 `json:"id"`
			} `json:"users"`
		} `json:"roles"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		writeError(w, http.StatusBadRequest, "The request is invalid: "+err.Error())
		return
	}
	if body.ID != id {
		writeError(w, http.StatusBadRequest, "The case id does not match the URL.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := h.cases[id]; !ok {
		writeError(w, http.StatusNotFound, "Case not found.")
		return
	}
	active := map[int64]bool{}
	for _, lst := range h.lists {
		for _, u := range lst {
			if u.IsActive {
				active[u.ID] = true
			}
		}
	}
	for _, role := range body.Roles {
		for _, u := range role.Users {
			if !active[u.ID] {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("User %d is not an active user of the program's End User List.", u.ID))
				return
			}
		}
	}
	doc["dateModified"], _ = json.Marshal(s.now().UTC().Truncate(time.Second).Format(time.RFC3339))
	stored, _ := json.Marshal(doc)
	h.cases[id] = stored
	s.puts++
	ev := Event{HubID: hubIDOf(s, h), CaseID: id, Roles: map[int64][]int64{}}
	for _, role := range body.Roles {
		ids := make([]int64, 0, len(role.Users))
		for _, u := range role.Users {
			ids = append(ids, u.ID)
		}
		ev.Roles[role.ID] = ids
	}
	s.events.Add(ev)
	writeRaw(w, stored)
}

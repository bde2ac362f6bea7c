// Package thalamustest is an in-memory Thalamus instance for tests, in the
// spirit of net/http/httptest.
//
// NewServer starts it on loopback with operators (active, inactive, blocked,
// not authorized for some case types), operator groups and cases. It serves
// PUT /api/v4/cases/{id}/assignment with the service's rules and error codes
// (invalidId, operatorNotValid, invalidName, isNotAuthorized, blocked,
// invalid, missing) in {"errors": {...}} bodies, duplicate keys included when
// two codes concern one field, and GET /api/v4/cases/{id}, which answers the
// bare case object as the documentation shows. Comments are sent as the
// documentation's comment objects ({"id", "description"}). It accepts the
// credentials as headers or as query parameters, sets a session cookie,
// records every request and injects faults on demand.
//
// Operator sessions: after RequireLogin, every call needs a session opened
// by POST {URL}/api/v3/thalamus_security_check with {"principal",
// "password"} (or the path given to SetLoginPath). A call without one gets
// 401 with an unauthenticated session context whose "login" link names the
// login URL, as the documentation's logout answer does; a login while
// logged in gets 400 PartyAlreadyLoggedin; wrong credentials get 401.
// GET /api/v3/logout ends the session. ExpireSessions ends every open
// session at once, as a server-side timeout would.
//
// Envelopes: SetEnvelope switches every answer to the API's common envelope
// {"links", "data": {"activities", "entity"}, "errors"}, or to
// {"context", "case"} for every service.
package thalamustest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/caseassign/caseassign/internal/testsrv"
)

// The methods every test server shares are generated from internal/gen.
//go:generate go run ../../internal/gen -pkg thalamus -kind fake -o fake.go

// The credentials NewServer accepts.
const (
	Touchpoint = "web-touchpoint"
	Token      = "thalamus-test-token"
)

// SessionCookie is the name of the session cookie the server sets.
const SessionCookie = "THALAMUS_SESSION"

// Seeded operators, groups and cases.
const (
	ActiveOperator     = "ana.lima@example.com"
	SecondOperator     = "raj.patel@example.com"
	BlockedOperator    = "bo.berg@example.com"
	RestrictedOperator = "cy.chen@example.com"  // not authorized for BILLING cases
	BlockedRestricted  = "dee.diaz@example.com" // blocked and not authorized for BILLING cases
	InactiveOperator   = "gone.away@example.com"
	SupportGroup       = "Tier 2 Support"
	BillingGroup       = "Billing"
	ComplaintCase      = int64(1001) // type COMPLAINT
	BillingCase        = int64(1002) // type BILLING
	FirstCase          = int64(1001)
	LastCase           = int64(1010)
)

// Operator is an operator of the instance.
type Operator struct {
	Email       string   // how AssignCase names the operator (matched ignoring case)
	Active      bool     // an inactive operator is refused with operatorNotValid
	Blocked     bool     // a blocked operator is refused with blocked
	DeniedTypes []string // case type codes the operator may not handle
}

// Case is a case of the instance.
type Case struct {
	ID           int64
	CategoryCode string
	TypeCode     string
	Status       string
	Resolution   string
	Comments     []Comment
	// AssignedTo is the operator e-mail or group name the case is assigned to.
	AssignedTo string
}

// Comment is a comment (note) of a case.
type Comment struct {
	ID          int64
	Description string
}

// Envelope selects the form of the server's answers.
type Envelope int

// The answer forms.
const (
	// EnvelopeDocumented answers as each service's documentation shows:
	// {"context", "case"} for an assignment, the bare case for GET.
	EnvelopeDocumented Envelope = iota
	// EnvelopeContext answers {"context", "case"} everywhere.
	EnvelopeContext
	// EnvelopeCommon answers the common envelope {"links", "data":
	// {"activities", "entity"}, "errors"} everywhere.
	EnvelopeCommon
)

// LoginPath is the server's default login service path.
const LoginPath = "/api/v3/thalamus_security_check"

// SessionGone is how the server answers a call whose session is not open
// (none yet, expired, or logged out), when a login is required. Real
// deployments differ: the API answers 401, while a deployment behind a
// single-sign-on proxy redirects to its login page or serves it.
type SessionGone int

const (
	// GoneUnauthorized answers 401 with an unauthenticated session
	// context linking to the login service (the default).
	GoneUnauthorized SessionGone = iota
	// GoneRedirect answers 302 to the login service's URL, which serves
	// an HTML login form to a GET.
	GoneRedirect
	// GoneLoginPage answers 200 with an HTML login form.
	GoneLoginPage
)

// loginPage is the HTML form served where a deployment shows its login page.
const loginPage = `<!doctype html><html><head><title>Sign in</title></head><body><form method="post"><input name="principal"><input type="password" name="password"></form></body></html>`

// Event is one assignment the server applied.
type Event struct {
	CaseID int64  // the case assigned
	To     string // operator e-mail or group name
}

// Server is the in-memory Thalamus instance.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:port): give it to the
	// client with WithBaseURL (or as its server URL).
	URL string

	base   *testsrv.Server
	events testsrv.EventLog[Event]
	// Touchpoint and Token are the credentials the server accepts.
	Touchpoint, Token string

	mu        sync.Mutex
	operators map[string]Operator // by lower-case e-mail
	groups    map[string]bool
	cases     map[int64]*Case
	sessions  int
	envelope  Envelope

	logins    map[string]string // principal → password; non-empty: login required
	loginPath string
	open      map[string]string // open session id → principal
	loginsOK  int
	gone      SessionGone
}

// SetSessionGone selects how a call without an open session is answered
// from now on (default GoneUnauthorized).
func (s *Server) SetSessionGone(g SessionGone) {
	s.mu.Lock()
	s.gone = g
	s.mu.Unlock()
}

// writeSessionGone answers a call that has no open session, in the form
// SetSessionGone chose.
func (s *Server) writeSessionGone(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	g, loginPath := s.gone, s.loginPath
	s.mu.Unlock()
	switch g {
	case GoneRedirect:
		http.Redirect(w, r, s.URL+loginPath, http.StatusFound)
	case GoneLoginPage:
		writeLoginPage(w)
	default:
		s.writeContext(w, http.StatusUnauthorized)
	}
}

func writeLoginPage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(loginPage))
}

// NewServer starts a seeded instance; Close it when done.
func NewServer() *Server {
	s := &Server{
		Touchpoint: Touchpoint,
		Token:      Token,
		operators:  map[string]Operator{},
		groups:     map[string]bool{},
		cases:      map[int64]*Case{},
		logins:     map[string]string{},
		open:       map[string]string{},
		loginPath:  LoginPath,
	}
	for _, op := range []Operator{
		{Email: ActiveOperator, Active: true},
		{Email: SecondOperator, Active: true},
		{Email: BlockedOperator, Active: true, Blocked: true},
		{Email: RestrictedOperator, Active: true, DeniedTypes: []string{"BILLING"}},
		{Email: BlockedRestricted, Active: true, Blocked: true, DeniedTypes: []string{"BILLING"}},
		{Email: InactiveOperator},
	} {
		s.AddOperator(op)
	}
	s.AddGroup(SupportGroup)
	s.AddGroup(BillingGroup)
	for id := FirstCase; id <= LastCase; id++ {
		typ := "COMPLAINT"
		if id%2 == 0 {
			typ = "BILLING"
		}
		s.AddCase(Case{ID: id, CategoryCode: "CUSTOMER_CARE", TypeCode: typ, Status: "OPEN",
			Comments: []Comment{{ID: id * 10, Description: "Customer called about order #" + strconv.FormatInt(id*7, 10)}}})
	}
	s.base = testsrv.New(http.HandlerFunc(s.route))
	s.URL = s.base.URL
	return s
}

// AddOperator adds or replaces an operator.
func (s *Server) AddOperator(op Operator) {
	s.mu.Lock()
	s.operators[strings.ToLower(op.Email)] = op
	s.mu.Unlock()
}

// AddGroup adds an operator group.
func (s *Server) AddGroup(name string) {
	s.mu.Lock()
	s.groups[name] = true
	s.mu.Unlock()
}

// AddCase adds or replaces a case.
func (s *Server) AddCase(c Case) {
	s.mu.Lock()
	cp := c
	cp.Comments = slices.Clone(c.Comments)
	s.cases[c.ID] = &cp
	s.mu.Unlock()
}

// RequireLogin adds an operator login (principal and password; an empty
// password makes it passwordless) and makes every call need an open
// session from then on. Before the first RequireLogin, calls need no
// session and any login succeeds (a client built WithOperatorLogin works
// against a fresh server); after it, only the operators it named can log
// in, and a wrong password is answered 401. Sessions opened before it
// stay open, as a real instance's would; ExpireSessions ends them.
func (s *Server) RequireLogin(principal, password string) {
	s.mu.Lock()
	s.logins[principal] = password
	s.mu.Unlock()
}

// SetLoginPath moves the login service to path (default LoginPath); the
// unauthenticated session context links to it.
func (s *Server) SetLoginPath(path string) {
	s.mu.Lock()
	s.loginPath = path
	s.mu.Unlock()
}

// ExpireSessions ends every open session: the next call of each client
// gets 401 until it logs in again.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	clear(s.open)
	s.mu.Unlock()
}

// Logins counts the successful logins.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loginsOK
}

// SetEnvelope selects the form of every answer from now on.
func (s *Server) SetEnvelope(e Envelope) {
	s.mu.Lock()
	s.envelope = e
	s.mu.Unlock()
}

// Case returns a copy of a case.
func (s *Server) Case(id int64) (Case, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cases[id]
	if !ok {
		return Case{}, false
	}
	cp := *c
	cp.Comments = slices.Clone(c.Comments)
	return cp, true
}

// Sessions returns how many session cookies the server has handed out.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

func (s *Server) authorized(r *http.Request) bool {
	tp, tok := r.Header.Get("Thalamus-Touchpoint"), r.Header.Get("Thalamus-Token")
	if tp == "" && tok == "" {
		q := r.URL.Query()
		tp, tok = q.Get("touchpoint"), q.Get("token")
	}
	return tp == s.Touchpoint && tok == s.Token
}

// pair is one member of an errors object; a slice of them can repeat a key.
type pair struct{ field, code string }

func writeErrors(w http.ResponseWriter, pairs ...pair) {
	var b strings.Builder
	b.WriteString(`{"errors":{`)
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.field)
		v, _ := json.Marshal(p.code)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteString(`}}`)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(b.String()))
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		testsrv.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "invalid touchpoint or token"})
		return
	}
	s.mu.Lock()
	loginPath, required := s.loginPath, len(s.logins) > 0
	s.mu.Unlock()
	if r.URL.Path == loginPath {
		s.login(w, r)
		return
	}
	sid := ""
	if ck, err := r.Cookie(SessionCookie); err == nil {
		sid = ck.Value
	}
	if required {
		s.mu.Lock()
		_, open := s.open[sid]
		s.mu.Unlock()
		if !open {
			s.writeSessionGone(w, r)
			return
		}
	} else if sid == "" {
		s.newSession(w, "")
	}
	if r.URL.Path == "/api/v3/logout" {
		s.logout(w, r, sid)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v4/cases/")
	if !ok || rest == "" {
		testsrv.WriteJSON(w, http.StatusNotFound, map[string]string{"message": "not found"})
		return
	}
	if idText, isAssign := strings.CutSuffix(rest, "/assignment"); isAssign && !strings.Contains(idText, "/") {
		if r.Method != http.MethodPut {
			testsrv.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
			return
		}
		s.assign(w, r, idText)
		return
	}
	if strings.Contains(rest, "/") {
		testsrv.WriteJSON(w, http.StatusNotFound, map[string]string{"message": "not found"})
		return
	}
	if r.Method != http.MethodGet {
		testsrv.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
		return
	}
	s.getCase(w, rest)
}

// newSession opens a session for principal and sets its cookie.
func (s *Server) newSession(w http.ResponseWriter, principal string) {
	s.mu.Lock()
	s.sessions++
	sid := fmt.Sprintf("session-%d", s.sessions)
	s.open[sid] = principal
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sid, Path: "/", HttpOnly: true})
}

// writeContext answers an unauthenticated session context, with the
// register and login links the documentation shows.
func (s *Server) writeContext(w http.ResponseWriter, status int) {
	s.mu.Lock()
	loginPath := s.loginPath
	s.mu.Unlock()
	testsrv.WriteJSON(w, status, map[string]any{
		"context": map[string]any{
			"links": []map[string]string{
				{"ref": "register", "href": s.URL + "/api/v3/person"},
				{"ref": "login", "href": s.URL + loginPath},
			},
			"activities":    []any{},
			"simpleProfile": nil,
		},
	})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		writeLoginPage(w) // where a redirect to the login page leads
		return
	}
	if r.Method != http.MethodPost {
		testsrv.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeErrors(w, pair{"Content-Type", "UnsupportedMediaType"})
		return
	}
	var body struct {
		Principal string  `json:"principal"`
		Password  *string `json:"password"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErrors(w, pair{"body", "InvalidJson"})
		return
	}
	s.mu.Lock()
	if ck, err := r.Cookie(SessionCookie); err == nil {
		if _, open := s.open[ck.Value]; open && len(s.logins) > 0 {
			s.mu.Unlock()
			writeErrors(w, pair{"party", "PartyAlreadyLoggedin"})
			return
		}
	}
	want, known := s.logins[body.Principal]
	got := ""
	if body.Password != nil {
		got = *body.Password
	}
	// Until RequireLogin names an operator, any login is accepted.
	ok := len(s.logins) == 0 || (known && want == got)
	if ok {
		s.loginsOK++
	}
	s.mu.Unlock()
	if body.Principal == "" {
		writeErrors(w, pair{"principal", "Required"})
		return
	}
	if !ok {
		s.writeContext(w, http.StatusUnauthorized)
		return
	}
	s.newSession(w, body.Principal)
	testsrv.WriteJSON(w, http.StatusOK, map[string]any{
		"context": map[string]any{
			"simpleProfile": map[string]any{"principal": body.Principal},
			"links":         []map[string]string{{"ref": "logout", "href": s.URL + "/api/v3/logout"}},
			"activities":    []any{},
		},
	})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, sid string) {
	if r.Method != http.MethodGet {
		testsrv.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "method not allowed"})
		return
	}
	s.mu.Lock()
	delete(s.open, sid)
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1})
	s.writeContext(w, http.StatusOK)
}

func (s *Server) getCase(w http.ResponseWriter, idText string) {
	id, err := strconv.ParseInt(idText, 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cases[id]
	if err != nil || c == nil {
		writeErrors(w, pair{"caseInstanceId", "invalidId"})
		return
	}
	if s.envelope == EnvelopeDocumented {
		testsrv.WriteJSON(w, http.StatusOK, caseJSON(c))
		return
	}
	s.writeCase(w, http.StatusOK, c)
}

// writeCase answers a case in the selected envelope; the caller holds s.mu.
func (s *Server) writeCase(w http.ResponseWriter, status int, c *Case) {
	if s.envelope == EnvelopeCommon {
		testsrv.WriteJSON(w, status, map[string]any{
			"links":  []any{},
			"data":   map[string]any{"activities": []any{}, "entity": caseJSON(c)},
			"errors": map[string]any{},
		})
		return
	}
	testsrv.WriteJSON(w, status, map[string]any{
		"context": map[string]any{
			"touchpoint": s.Touchpoint,
			"language":   "en",
			"operator":   "api",
			"channel":    "REST",
		},
		"case": caseJSON(c),
	})
}

// caseJSON is a case as the server sends it.
func caseJSON(c *Case) map[string]any {
	comments := make([]map[string]any, len(c.Comments))
	for i, m := range c.Comments {
		comments[i] = map[string]any{"id": m.ID, "description": m.Description}
	}
	return map[string]any{
		"id":           c.ID,
		"categoryCode": c.CategoryCode,
		"typeCode":     c.TypeCode,
		"status":       c.Status,
		"resolution":   c.Resolution,
		"comments":     comments,
		"caseData":     map[string]any{"orderId": c.ID * 7, "channel": "phone"},
		"assignedTo":   c.AssignedTo,
		"priority":     2,
	}
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, idText string) {
	var body struct {
		Email     string `json:"email"`
		GroupName string `json:"groupName"`
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		testsrv.WriteJSON(w, http.StatusUnsupportedMediaType, map[string]string{"message": "Content-Type must be application/json"})
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErrors(w, pair{"body", "invalid"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := strconv.ParseInt(idText, 10, 64)
	c := s.cases[id]
	if err != nil || c == nil {
		writeErrors(w, pair{"caseInstanceId", "invalidId"})
		return
	}
	switch {
	case body.Email != "" && body.GroupName != "":
		writeErrors(w, pair{"assignment", "invalid"})
		return
	case body.Email == "" && body.GroupName == "":
		writeErrors(w, pair{"assignment", "missing"})
		return
	case body.GroupName != "":
		if !s.groups[body.GroupName] {
			writeErrors(w, pair{"groupName", "invalidName"})
			return
		}
		s.apply(c, body.GroupName)
	default:
		op, ok := s.operators[strings.ToLower(body.Email)]
		if !ok || !op.Active {
			writeErrors(w, pair{"email", "operatorNotValid"})
			return
		}
		var pairs []pair
		if op.Blocked {
			pairs = append(pairs, pair{"email", "blocked"})
		}
		if slices.Contains(op.DeniedTypes, c.TypeCode) {
			pairs = append(pairs, pair{"email", "isNotAuthorized"})
		}
		if len(pairs) > 0 {
			writeErrors(w, pairs...)
			return
		}
		s.apply(c, op.Email)
	}
	s.writeCase(w, http.StatusCreated, c)
}

// apply assigns c to whom and records an event when the assignee changes.
func (s *Server) apply(c *Case, whom string) {
	if c.AssignedTo == whom {
		return
	}
	c.AssignedTo = whom
	s.events.Add(Event{CaseID: c.ID, To: whom})
}

// Assignments returns case id → assignee for every assigned case.
func (s *Server) Assignments() map[int64]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]string{}
	for id, c := range s.cases {
		if c.AssignedTo != "" {
			out[id] = c.AssignedTo
		}
	}
	return out
}

// AddCases adds n open COMPLAINT cases with ids from first on and returns them.
func (s *Server) AddCases(first int64, n int) []int64 {
	ids := make([]int64, n)
	for i := range n {
		ids[i] = first + int64(i)
		s.AddCase(Case{ID: ids[i], CategoryCode: "CUSTOMER_CARE", TypeCode: "COMPLAINT", Status: "OPEN"})
	}
	return ids
}

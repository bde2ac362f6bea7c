// Package coralogixtest is an in-memory Coralogix Cases server for tests, in
// the spirit of net/http/httptest.
//
// NewServer starts it on loopback, seeded with the case of Coralogix's own
// documentation sample and a few more. Every case it answers is valid
// against Coralogix's published OpenAPI document (required members present,
// enums and patterns respected): the sample, which lacks a status, priority
// and category and has "duration": "", is completed (see AddCase), and it
// stays available byte for byte as SeedAssignResponse, a decoding fixture
// for your tests. It serves the assignment family
// (bulk and single assign and unassign, get, list, and each case's
// assignment events) under /mgmt/openapi/5
// with the API's rules: Bearer authentication, 1..1000 ids matching the
// case id pattern, lower-case UUID user ids, JSON {"code","message"} errors,
// and the plain-text "Not Found: Not Found" for a route it does not serve.
// It records every request and injects faults on demand:
//
//	srv := coralogixtest.NewServer()
//	defer srv.Close()
//	srv.Inject(coralogixtest.Fault{Status: 503, Times: 2})
//	client, _ := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL))
package coralogixtest

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/internal/testsrv"
)

// The methods every test server shares are generated from internal/gen.
//go:generate go run ../../internal/gen -pkg coralogix -kind fake -o fake.go

// SeedAssignResponse is the response body of Coralogix's documented
// "assign multiple cases" sample, byte for byte as the server sends it for
// the seeded case.
//
//go:embed seed_assign_response.json
var SeedAssignResponse []byte

// APIKey is the key NewServer accepts.
const APIKey = "cx-test-api-key"

// The ids of the seeded cases.
const (
	SeedCaseID       = "3f166e9f-3c88-4af2-b52e-138f339dab3e" // readable id CASE-123
	SeedReadableID   = "CASE-123"
	SeedAssigneeID   = "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"
	SeedUnassignedID = "b2c3d4e5-0000-4000-8000-000000000001" // readable id CASE-124, unassigned
)

// The API key the server names as the actor of the events it records.
const (
	ActorKeyID   = "2b1c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e"
	ActorKeyName = "coralogixtest"
)

// Event is one assignment change the server applied.
type Event struct {
	Op     string // "assign" or "unassign"
	CaseID string // the case's UUID
	UserID string // the assignee's user id ("" for an unassignment)
}

// Server is the in-memory Cases server.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:port): give it to the
	// client with WithBaseURL (or as its server URL).
	URL string

	base   *testsrv.Server
	events testsrv.EventLog[Event]
	// APIKey is the only key the server accepts.
	APIKey string

	mu      sync.Mutex
	order   []string // case ids in creation order
	cases   map[string]*coralogix.Case
	byRead  map[string]string
	clock   func() time.Time
	encoded map[string][]byte // case id -> its JSON, until the case changes
	// timeline holds each case's Activity events (case id -> events, oldest
	// first), as GET .../cases/v1/{case_id}/events answers them.
	timeline map[string][]coralogix.CaseEvent

	generated  int
	eventCount int
	hidden     map[string]bool // case ids left out of listings (PBAC)
	partial    bool            // bulk calls skip unknown or closed ids instead of refusing the batch
}

// HideFromList makes the listing leave these cases out, as Coralogix does
// with cases the API key's permissions do not cover: the list still pages
// over them, so a page can come back short or empty with a nextPageToken
// and "pbacTruncated": true. ids are UUIDs or readable ids; the cases stay
// readable and assignable by id.
func (s *Server) HideFromList(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hidden == nil {
		s.hidden = map[string]bool{}
	}
	for _, id := range ids {
		if u, ok := s.byRead[id]; ok {
			id = u
		}
		s.hidden[id] = true
	}
}

// NewServer starts a server seeded with the documentation sample case and
// a few more; Close it when done.
func NewServer() *Server {
	s := &Server{
		APIKey:   APIKey,
		cases:    map[string]*coralogix.Case{},
		byRead:   map[string]string{},
		timeline: map[string][]coralogix.CaseEvent{},
		clock:    time.Now,
	}
	var seed struct {
		Cases []coralogix.Case `json:"cases"`
	}
	if err := json.Unmarshal(SeedAssignResponse, &seed); err != nil {
		panic("coralogixtest: bad embedded seed: " + err.Error())
	}
	for _, c := range seed.Cases {
		s.AddCase(specValidSeed(c))
	}
	created := time.Date(2025, 9, 22, 12, 0, 0, 0, time.UTC)
	for i, title := range []string{"Checkout latency above SLO", "Login error rate spike", "Disk pressure on ingest-3", "Certificate expires in 7 days"} {
		s.AddCase(coralogix.Case{
			ID:               fmt.Sprintf("b2c3d4e5-0000-4000-8000-%012d", i+1),
			ReadableID:       fmt.Sprintf("CASE-%d", 124+i),
			Title:            title,
			Status:           coralogix.CaseStatusActive,
			Priority:         coralogix.CasePriority(fmt.Sprintf("CASE_PRIORITY_P%d", i%5+1)),
			Category:         coralogix.CaseCategoryAvailability,
			CreateTime:       created.Add(time.Duration(i) * time.Minute),
			UpdateTime:       created.Add(time.Duration(i) * time.Minute),
			Labels:           []coralogix.KeyValue{{Key: "team", Value: "sre"}},
			Groupings:        []coralogix.KeyValue{},
			ImpactedEntities: []coralogix.ImpactedEntity{},
		})
	}
	s.base = testsrv.New(http.HandlerFunc(s.route))
	s.URL = s.base.URL
	return s
}

// AddCase stores c (replacing a case with the same id). The server answers
// only what the Coralogix spec allows, so the members the spec requires
// and c leaves empty are filled in: status CASE_STATUS_ACTIVE, priority
// CASE_PRIORITY_P3, category CASE_CATEGORY_AVAILABILITY, the server's time
// as createTime, and empty (not null) labels, groupings and impacted
// entities.
func (s *Server) AddCase(c coralogix.Case) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cases[c.ID]; !ok {
		s.order = append(s.order, c.ID)
	}
	cp := c
	s.specValid(&cp)
	s.cases[c.ID] = &cp
	delete(s.encoded, c.ID)
	if c.ReadableID != "" {
		s.byRead[c.ReadableID] = c.ID
	}
}

// specValid fills the members the spec requires of a Case.
func (s *Server) specValid(c *coralogix.Case) {
	if c.Status == "" {
		c.Status = coralogix.CaseStatusActive
	}
	if c.Priority == "" {
		c.Priority = coralogix.CasePriorityP3
	}
	if c.Category == "" {
		c.Category = coralogix.CaseCategoryAvailability
	}
	if c.CreateTime.IsZero() {
		c.CreateTime = s.clock().UTC().Truncate(time.Millisecond)
	}
	if c.Labels == nil {
		c.Labels = []coralogix.KeyValue{}
	}
	if c.Groupings == nil {
		c.Groupings = []coralogix.KeyValue{}
	}
	if c.ImpactedEntities == nil {
		c.ImpactedEntities = []coralogix.ImpactedEntity{}
	}
	if c.Duration != nil && *c.Duration == "" {
		c.Duration = nil
	}
}

// specValidSeed is the documentation sample's case with what the spec
// requires and the sample lacks: a status, priority and category, a
// duration of digits (the sample has ""), the priority, grouping type and
// state of its alert indicator, the priority of its Prometheus indicator
// and alert, and the type, case priority and status of its KPI breach. SeedAssignResponse stays the sample,
// byte for byte, as a decoding fixture.
func specValidSeed(c coralogix.Case) coralogix.Case {
	c.Status = coralogix.CaseStatusResolved // the sample carries resolution details
	c.Priority = coralogix.CasePriorityP2
	c.Category = coralogix.CaseCategoryAvailability
	d := "2700000" // 10:30 to 11:15, in milliseconds
	c.Duration = &d
	if c.CaseIndicators != nil {
		for i := range c.CaseIndicators.AlertIndicators {
			a := &c.CaseIndicators.AlertIndicators[i]
			a.Priority = coralogix.IndicatorPriorityP2
			a.GroupingType = coralogix.GroupingTypeNone
			a.State = coralogix.IndicatorStateResolved
		}
		for i := range c.CaseIndicators.PrometheusAlertIndicators {
			p := &c.CaseIndicators.PrometheusAlertIndicators[i]
			p.Priority = coralogix.IndicatorPriorityP2
			for j := range p.Alerts {
				p.Alerts[j].Priority = coralogix.IndicatorPriorityP2
			}
		}
	}
	if c.KPIBreaches != nil {
		for i := range c.KPIBreaches.BreachedKPIs {
			k := &c.KPIBreaches.BreachedKPIs[i]
			k.KPIType = coralogix.KPITypeTimeToResolve
			k.CasePriority = coralogix.KPIPriorityP2
			k.BreachStatus = coralogix.BreachStatusBreached
		}
	}
	return c
}

// AddCases stores n generated unassigned cases with readable ids
// prefix-1 .. prefix-n (prefix upper-case letters) and returns their ids.
func (s *Server) AddCases(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%s-%d", prefix, i+1)
		s.mu.Lock()
		s.generated++
		n := s.generated
		s.mu.Unlock()
		s.AddCase(coralogix.Case{
			ID: fmt.Sprintf("c0ffee00-0000-4000-8000-%012x", n), ReadableID: ids[i],
			Title: "generated case " + ids[i], Status: coralogix.CaseStatusActive,
			Labels: []coralogix.KeyValue{}, Groupings: []coralogix.KeyValue{}, ImpactedEntities: []coralogix.ImpactedEntity{},
		})
	}
	return ids
}

// Case returns a copy of the case with the given id or readable id.
func (s *Server) Case(id string) (coralogix.Case, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookup(id)
	if c == nil {
		return coralogix.Case{}, false
	}
	return *c, true
}

func (s *Server) lookup(id string) *coralogix.Case {
	if c, ok := s.cases[id]; ok {
		return c
	}
	if real, ok := s.byRead[id]; ok {
		return s.cases[real]
	}
	return nil
}

const (
	prefix   = "/mgmt/openapi/5"
	assigned = prefix + "/cases/assigned/v1"
	list     = prefix + "/cases/cases/v1"
)

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if tok, ok := testsrv.BearerToken(r); !ok || tok != s.APIKey {
		writeError(w, http.StatusUnauthorized, "Unauthorized: invalid API key")
		return
	}
	path := r.URL.Path
	switch {
	case path == assigned && r.Method == http.MethodPut:
		s.bulkAssign(w, r)
	case path == assigned && r.Method == http.MethodDelete:
		s.bulkUnassign(w, r)
	case strings.HasPrefix(path, assigned+"/") && r.Method == http.MethodPost:
		s.assignOne(w, r, strings.TrimPrefix(path, assigned+"/"))
	case strings.HasPrefix(path, assigned+"/") && r.Method == http.MethodDelete:
		s.unassignOne(w, strings.TrimPrefix(path, assigned+"/"))
	case strings.HasPrefix(path, list+"/") && strings.HasSuffix(path, "/events") && r.Method == http.MethodGet:
		s.caseEvents(w, strings.TrimSuffix(strings.TrimPrefix(path, list+"/"), "/events"))
	case strings.HasPrefix(path, list+"/") && r.Method == http.MethodGet:
		s.getOne(w, strings.TrimPrefix(path, list+"/"))
	case path == list && r.Method == http.MethodPost:
		s.list(w, r)
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("Not Found: Not Found"))
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	testsrv.WriteJSON(w, status, map[string]any{"code": status, "message": msg})
}

func checkIDs(ids []string) string {
	if len(ids) < 1 || len(ids) > 1000 {
		return "ids: must contain between 1 and 1000 items"
	}
	for i, id := range ids {
		if !coralogix.ValidCaseID(id) {
			return fmt.Sprintf("ids[%d]: value %q does not match pattern", i, id)
		}
	}
	return ""
}

func validUserID(id string) bool {
	return len(id) == 36 && coralogix.ValidCaseID(id) && strings.Count(id, "-") == 4
}

// resolve maps ids onto stored cases, each case once, in order.
// resolve finds the cases ids name. An unknown id, or a closed case
// (CLOSED is final: its assignee does not change), is refused: with the
// whole batch (status and message for the answer) unless partial batches
// are on, in which case it is left out and the rest goes ahead.
func (s *Server) resolve(ids []string) ([]*coralogix.Case, int, string) {
	var out []*coralogix.Case
	seen := map[string]bool{}
	for _, id := range ids {
		c := s.lookup(id)
		status, msg := 0, ""
		switch {
		case c == nil:
			status, msg = http.StatusNotFound, "case "+id+" not found"
		case c.Status == coralogix.CaseStatusClosed:
			status, msg = http.StatusBadRequest, "case "+id+" is closed"
		}
		if status != 0 {
			if s.partial {
				continue
			}
			return nil, status, msg
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c)
		}
	}
	return out, 0, ""
}

// SetPartialBatches chooses how a bulk assign or unassign holding an
// unknown or closed id is answered. Off (the default), the whole batch is
// refused (404 for an unknown id, 400 for a closed case) and nothing
// changes, as a strict server does. On, those ids are left out: the others
// change, and the answer's "cases" holds only them. Coralogix does not
// document which it does; the SDK copes with both.
func (s *Server) SetPartialBatches(on bool) {
	s.mu.Lock()
	s.partial = on
	s.mu.Unlock()
}

// CloseCase sets a case's status to CLOSED, which is final: assigning or
// unassigning it is refused from then on.
func (s *Server) CloseCase(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookup(id)
	if c == nil {
		return false
	}
	c.Status = coralogix.CaseStatusClosed
	delete(s.encoded, c.ID)
	return true
}

func (s *Server) bulkAssign(w http.ResponseWriter, r *http.Request) {
	var req coralogix.AssignCasesRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid body: "+err.Error())
		return
	}
	if !validUserID(req.Assignee.UserID) {
		writeError(w, http.StatusBadRequest, "assignee.userId: value does not match pattern")
		return
	}
	if msg := checkIDs(req.IDs); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cases, status, msg := s.resolve(req.IDs)
	if msg != "" {
		writeError(w, status, msg)
		return
	}
	s.respondCases(w, s.apply(cases, req.Assignee.UserID))
}

func (s *Server) bulkUnassign(w http.ResponseWriter, r *http.Request) {
	ids := r.URL.Query()["ids"]
	if msg := checkIDs(ids); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cases, status, msg := s.resolve(ids)
	if msg != "" {
		writeError(w, status, msg)
		return
	}
	s.respondCases(w, s.apply(cases, ""))
}

// apply sets (or, with userID "", clears) the assignee and records an event
// for each case whose assignee changes.
func (s *Server) apply(cases []*coralogix.Case, userID string) []coralogix.Case {
	out := make([]coralogix.Case, len(cases))
	now := s.clock().UTC().Truncate(time.Millisecond)
	for i, c := range cases {
		cur := ""
		if c.Assignee != nil {
			cur = c.Assignee.UserID
		}
		if cur != userID {
			op := "assign"
			data := &coralogix.EventData{Kind: coralogix.EventAssigned, Assigned: &coralogix.AssignedEvent{AssigneeUserID: userID, PreviousAssigneeUserID: cur}}
			if userID == "" {
				op = "unassign"
				c.Assignee = nil
				data = &coralogix.EventData{Kind: coralogix.EventUnassigned, Unassigned: &coralogix.UnassignedEvent{PreviousAssigneeUserID: cur}}
			} else {
				c.Assignee = &coralogix.UserDetails{UserID: userID}
			}
			s.events.Add(Event{Op: op, CaseID: c.ID, UserID: userID})
			s.eventCount++
			s.timeline[c.ID] = append(s.timeline[c.ID], coralogix.CaseEvent{
				EventID:   fmt.Sprintf("e7e00000-0000-4000-8000-%012x", s.eventCount),
				Actor:     &coralogix.EventActor{Kind: "apiKey", APIKey: &coralogix.APIKeyActor{ID: ActorKeyID, Name: ActorKeyName}},
				EventData: data, EventTime: now, CreateTime: now, UpdateTime: now,
			})
			c.UpdateTime = now
			delete(s.encoded, c.ID)
		}
		out[i] = *c
	}
	return out
}

// respondCases answers {"cases": [...]}; s.mu is held. Each case's
// encoding is cached until the case changes, so a long benchmark measures
// the client rather than the server's encoder.
func (s *Server) respondCases(w http.ResponseWriter, cases []coralogix.Case) {
	b := []byte(`{"cases":[`)
	for i := range cases {
		if i > 0 {
			b = append(b, ',')
		}
		enc, err := s.encodeLocked(&cases[i])
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		b = append(b, enc...)
	}
	b = append(b, "]}"...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// encodeLocked returns the JSON of c from the cache, or encodes and caches it.
func (s *Server) encodeLocked(c *coralogix.Case) ([]byte, error) {
	if enc, ok := s.encoded[c.ID]; ok {
		return enc, nil
	}
	enc, err := json.Marshal(c)
	enc = vendorTimes(enc)
	if err != nil {
		return nil, err
	}
	if s.encoded == nil {
		s.encoded = map[string][]byte{}
	}
	s.encoded[c.ID] = enc
	return enc, nil
}

func (s *Server) one(w http.ResponseWriter, id string, change func(c *coralogix.Case) *coralogix.Case) {
	s.withCase(w, "id", id, func(c *coralogix.Case) any { return map[string]any{"case": change(c)} })
}

// withCase answers the body answer builds from the case id names, under
// s.mu; a malformed id is a 400 naming field, an unknown one a 404.
func (s *Server) withCase(w http.ResponseWriter, field, id string, answer func(c *coralogix.Case) any) {
	if !coralogix.ValidCaseID(id) {
		writeError(w, http.StatusBadRequest, field+": value does not match pattern")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookup(id)
	if c == nil {
		writeError(w, http.StatusNotFound, "case "+id+" not found")
		return
	}
	out := answer(c)
	if r, ok := out.(refusal); ok {
		writeError(w, r.status, r.msg)
		return
	}
	writeVendorJSON(w, out)
}

func (s *Server) assignOne(w http.ResponseWriter, r *http.Request, id string) {
	var req struct {
		Assignee coralogix.UserDetails `json:"assignee"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid body: "+err.Error())
		return
	}
	if !validUserID(req.Assignee.UserID) {
		writeError(w, http.StatusBadRequest, "assignee.userId: value does not match pattern")
		return
	}
	s.change(w, id, req.Assignee.UserID)
}

func (s *Server) unassignOne(w http.ResponseWriter, id string) { s.change(w, id, "") }

// change sets (or clears) one case's assignee; a closed case is refused.
func (s *Server) change(w http.ResponseWriter, id, userID string) {
	s.withCase(w, "id", id, func(c *coralogix.Case) any {
		if c.Status == coralogix.CaseStatusClosed {
			return refusal{http.StatusBadRequest, "case " + id + " is closed"}
		}
		out := s.apply([]*coralogix.Case{c}, userID)[0]
		return map[string]any{"case": &out}
	})
}

// refusal is an error answer from inside withCase.
type refusal struct {
	status int
	msg    string
}

// caseEvents answers {"events": [...]}, the case's timeline oldest first:
// one event per assignment change the server applied.
func (s *Server) caseEvents(w http.ResponseWriter, id string) {
	s.withCase(w, "case_id", id, func(c *coralogix.Case) any {
		events := s.timeline[c.ID]
		if events == nil {
			events = []coralogix.CaseEvent{}
		}
		return map[string]any{"events": events}
	})
}

func (s *Server) getOne(w http.ResponseWriter, id string) {
	s.one(w, id, func(c *coralogix.Case) *coralogix.Case { cp := *c; return &cp })
}

// DefaultPageSize is the page size of a listing that does not ask for one.
const DefaultPageSize = 50

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	var req coralogix.ListCasesRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid body: "+err.Error())
		return
	}
	size, offset := int64(DefaultPageSize), int64(0)
	if p := req.Pagination; p != nil {
		if p.PageSize != 0 {
			if p.PageSize < 1 || p.PageSize > 1000 {
				writeError(w, http.StatusBadRequest, "pagination.pageSize: must be between 1 and 1000")
				return
			}
			size = p.PageSize
		}
		offset = p.Skip
		if p.PageToken != "" {
			b, err := base64.StdEncoding.DecodeString(p.PageToken)
			n, err2 := strconv.ParseInt(strings.TrimPrefix(string(b), "offset:"), 10, 64)
			if err != nil || err2 != nil || n < 0 {
				writeError(w, http.StatusBadRequest, "pagination.pageToken: invalid")
				return
			}
			offset = n
		}
	}
	s.mu.Lock()
	var match []coralogix.Case
	for _, id := range s.order {
		if c := s.cases[id]; matches(c, req.Filters) {
			match = append(match, *c)
		}
	}
	hidden := s.hidden
	s.mu.Unlock()
	resp := coralogix.ListCasesResponse{Cases: []coralogix.Case{}}
	if offset < int64(len(match)) {
		end := min(offset+size, int64(len(match)))
		for _, c := range match[offset:end] {
			if hidden[c.ID] {
				resp.PBACTruncated = true
				continue
			}
			resp.Cases = append(resp.Cases, c)
		}
		if end < int64(len(match)) {
			resp.Pagination.NextPageToken = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.FormatInt(end, 10)))
		}
	}
	writeVendorJSON(w, resp)
}

func matches(c *coralogix.Case, f *coralogix.CaseFilters) bool {
	if f == nil {
		return true
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
		return false
	}
	if len(f.Priorities) > 0 && !slices.Contains(f.Priorities, c.Priority) {
		return false
	}
	if f.TextSearch != "" && !strings.Contains(strings.ToLower(c.Title), strings.ToLower(f.TextSearch)) {
		return false
	}
	if len(f.Assignees) > 0 {
		ok := false
		for _, a := range f.Assignees {
			if (a.Unassigned != nil && c.Assignee == nil) || (c.Assignee != nil && a.Assignee == c.Assignee.UserID) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// timestampText matches an RFC 3339 UTC timestamp in a JSON string.
var timestampText = regexp.MustCompile(`"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z"`)

// vendorTimes writes every UTC timestamp of an encoded answer as Coralogix
// does: with milliseconds, "2025-09-22T10:30:00.000Z" (encoding/json
// drops the zeros: "2025-09-22T10:30:00Z").
func vendorTimes(b []byte) []byte {
	return timestampText.ReplaceAllFunc(b, func(m []byte) []byte {
		t, err := time.Parse(time.RFC3339Nano, string(m[1:len(m)-1]))
		if err != nil {
			return m
		}
		return []byte(`"` + t.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `"`)
	})
}

// writeVendorJSON answers 200 with v encoded as Coralogix would.
func writeVendorJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	b = vendorTimes(b)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

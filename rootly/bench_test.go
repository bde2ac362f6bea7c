package rootly_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/benchx"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/jsonapi"
)

// The hand-written baseline decodes into these typed structs.
type rawUser struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes struct {
		Name      string    `json:"name"`
		Email     string    `json:"email"`
		FullName  string    `json:"full_name"`
		TimeZone  string    `json:"time_zone"`
		CreatedAt time.Time `json:"created_at"`
		UpdatedAt time.Time `json:"updated_at"`
	} `json:"attributes"`
}

type rawRole struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes struct {
		Name                     string    `json:"name"`
		Slug                     string    `json:"slug"`
		Position                 int       `json:"position"`
		Enabled                  bool      `json:"enabled"`
		AllowMultiUserAssignment bool      `json:"allow_multi_user_assignment"`
		CreatedAt                time.Time `json:"created_at"`
		UpdatedAt                time.Time `json:"updated_at"`
	} `json:"attributes"`
}

// rawNested is an attribute holding {"data": resource}.
type rawNested[T any] struct {
	Data *T `json:"data"`
}

type rawSeverity struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes struct {
		Name        string    `json:"name"`
		Slug        string    `json:"slug"`
		Description string    `json:"description"`
		Severity    string    `json:"severity"`
		Color       string    `json:"color"`
		Position    int       `json:"position"`
		CreatedAt   time.Time `json:"created_at"`
		UpdatedAt   time.Time `json:"updated_at"`
	} `json:"attributes"`
}

type rawNamed struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes struct {
		Name string `json:"name"`
		Slug string `json:"slug"`
	} `json:"attributes"`
}

// rawIncidentDoc holds the same fields the SDK's Incident types.
type rawIncidentDoc struct {
	Data struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Attributes struct {
			SequentialID                int64                   `json:"sequential_id"`
			Title                       string                  `json:"title"`
			Slug                        string                  `json:"slug"`
			Kind                        string                  `json:"kind"`
			Status                      string                  `json:"status"`
			Private                     bool                    `json:"private"`
			Summary                     string                  `json:"summary"`
			Source                      string                  `json:"source"`
			URL                         string                  `json:"url"`
			ShortURL                    string                  `json:"short_url"`
			ParentIncidentID            string                  `json:"parent_incident_id"`
			PublicTitle                 string                  `json:"public_title"`
			Labels                      map[string]any          `json:"labels"`
			User                        *rawNested[rawUser]     `json:"user"`
			StartedBy                   *rawNested[rawUser]     `json:"started_by"`
			InTriageBy                  *rawNested[rawUser]     `json:"in_triage_by"`
			MitigatedBy                 *rawNested[rawUser]     `json:"mitigated_by"`
			ResolvedBy                  *rawNested[rawUser]     `json:"resolved_by"`
			ClosedBy                    *rawNested[rawUser]     `json:"closed_by"`
			CancelledBy                 *rawNested[rawUser]     `json:"cancelled_by"`
			Severity                    *rawNested[rawSeverity] `json:"severity"`
			Services                    []rawNested[rawNamed]   `json:"services"`
			Groups                      []rawNested[rawNamed]   `json:"groups"`
			MitigationMessage           string                  `json:"mitigation_message"`
			ResolutionMessage           string                  `json:"resolution_message"`
			CancellationMessage         string                  `json:"cancellation_message"`
			RetrospectiveProgressStatus string                  `json:"retrospective_progress_status"`
			SlackChannelID              string                  `json:"slack_channel_id"`
			SlackChannelName            string                  `json:"slack_channel_name"`
			SlackChannelURL             string                  `json:"slack_channel_url"`
			ScheduledFor                *time.Time              `json:"scheduled_for"`
			ScheduledUntil              *time.Time              `json:"scheduled_until"`
			InTriageAt                  *time.Time              `json:"in_triage_at"`
			StartedAt                   *time.Time              `json:"started_at"`
			DetectedAt                  *time.Time              `json:"detected_at"`
			AcknowledgedAt              *time.Time              `json:"acknowledged_at"`
			MitigatedAt                 *time.Time              `json:"mitigated_at"`
			ResolvedAt                  *time.Time              `json:"resolved_at"`
			ClosedAt                    *time.Time              `json:"closed_at"`
			CancelledAt                 *time.Time              `json:"cancelled_at"`
			CreatedAt                   time.Time               `json:"created_at"`
			UpdatedAt                   time.Time               `json:"updated_at"`
		} `json:"attributes"`
		Relationships struct {
			Roles struct {
				Data []struct {
					ID   string `json:"id"`
					Type string `json:"type"`
				} `json:"data"`
			} `json:"roles"`
		} `json:"relationships"`
	} `json:"data"`
	Included []rawIncluded `json:"included"`
}

type rawIncluded struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes struct {
		IncidentRole *rawNested[rawRole] `json:"incident_role"`
		User         *rawNested[rawUser] `json:"user"`
	} `json:"attributes"`
}

// rawAssignment is a role assignment resolved from included.
type rawAssignment struct {
	ID   string
	Role *rawRole
	User *rawUser
}

// rawIncident is what the hand-written client returns: the document and
// its roles resolved from the included resources, as the SDK resolves them.
type rawIncident struct {
	Doc   rawIncidentDoc
	Roles []rawAssignment
}

// rawAssignBody is the request document, typed.
type rawAssignBody struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			UserID         string `json:"user_id"`
			IncidentRoleID string `json:"incident_role_id"`
		} `json:"attributes"`
	} `json:"data"`
}

// rawAssign is what a careful engineer writes by hand: one reused
// http.Client, a typed request document marshalled once, the answer read
// whole, decoded with json.Unmarshal into the same fields the SDK types, and
// the roles resolved from included.
func rawAssign(ctx context.Context, hc *http.Client, base, token, incident string, req rootly.AssignRoleRequest) (*rawIncident, error) {
	var in rawAssignBody
	in.Data.Type = "incidents"
	in.Data.Attributes.UserID, in.Data.Attributes.IncidentRoleID = req.UserID, req.IncidentRoleID
	body, err := json.Marshal(&in)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/incidents/"+incident+"/assign_role_to_user", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Content-Type", rootly.MediaType)
	r.Header.Set("Accept", rootly.MediaType)
	resp, err := hc.Do(r)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	out := &rawIncident{}
	if err := json.Unmarshal(data, &out.Doc); err != nil {
		return nil, err
	}
	refs := out.Doc.Data.Relationships.Roles.Data
	out.Roles = make([]rawAssignment, 0, len(refs))
	for _, ref := range refs {
		ra := rawAssignment{ID: ref.ID}
		for i := range out.Doc.Included {
			in := &out.Doc.Included[i]
			if in.ID == ref.ID && in.Type == "incident_role_assignments" {
				if in.Attributes.IncidentRole != nil {
					ra.Role = in.Attributes.IncidentRole.Data
				}
				if in.Attributes.User != nil {
					ra.User = in.Attributes.User.Data
				}
				break
			}
		}
		out.Roles = append(out.Roles, ra)
	}
	return out, nil
}

// BenchmarkAssign runs the documented assign (the seeded incident, user 315,
// the seeded role: the answer is the documented response) through the SDK
// and through the hand-written client, against the same loopback server.
func BenchmarkAssign(b *testing.B) {
	loopback, _ := benchx.Transports()
	benchAssign(b, loopback)
}

// BenchmarkAssignNoIO runs the same calls through an in-memory transport
// that answers the recorded response: the ratio is the clients' own cost.
func BenchmarkAssignNoIO(b *testing.B) {
	_, noIO := benchx.Transports()
	benchAssign(b, noIO)
}

func benchAssign(b *testing.B, transport func() http.RoundTripper) {
	srv := rootlytest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	srv.SetRateLimit(0, 0)
	sdk, raw := assignOps(b, srv, transport)
	benchx.Bench(b, map[string]benchx.Op{"sdk": sdk, "raw": raw})
}

// TestMeasureInterleaved measures both benchmarks interleaved in one
// process (see internal/benchx); .ci/bench runs it, ordinary runs skip it.
func TestMeasureInterleaved(t *testing.T) {
	srv := rootlytest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	srv.SetRateLimit(0, 0)
	benchx.MeasureModes(t, "rootly", func(tr func() http.RoundTripper, _ bool) (benchx.Op, benchx.Op) {
		return assignOps(t, srv, tr)
	})
}

// assignOps returns the documented assign through the SDK and through the
// hand-written client, each with its own transport.
func assignOps(tb testing.TB, srv *rootlytest.Server, transport func() http.RoundTripper) (sdk, raw benchx.Op) {
	ctx := context.Background()
	req := rootly.AssignRoleRequest{UserID: rootlytest.SeedUser, IncidentRoleID: rootlytest.SeedRole}
	c, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL), rootly.WithHTTPClient(&http.Client{Transport: transport()}))
	if err != nil {
		tb.Fatal(err)
	}
	hc := &http.Client{Transport: transport()}
	sdk = func() error {
		inc, err := c.AssignRoleToUser(ctx, rootlytest.SeedIncident, req)
		if err == nil && len(inc.Roles) != 1 {
			err = fmt.Errorf("%d roles", len(inc.Roles))
		}
		return err
	}
	raw = func() error {
		inc, err := rawAssign(ctx, hc, srv.URL, srv.Token, rootlytest.SeedIncident, req)
		if err == nil && (len(inc.Roles) != 1 || inc.Roles[0].User == nil) {
			err = fmt.Errorf("roles not resolved")
		}
		return err
	}
	return sdk, raw
}

// The google/jsonapi models of the documented response: nested attributes
// must be maps, and times need the rfc3339 option for fractional seconds.
type gjIncident struct {
	ID           string                 `jsonapi:"primary,incidents"`
	SequentialID int64                  `jsonapi:"attr,sequential_id"`
	Title        string                 `jsonapi:"attr,title"`
	Slug         string                 `jsonapi:"attr,slug"`
	Status       string                 `jsonapi:"attr,status"`
	Labels       map[string]interface{} `jsonapi:"attr,labels"`
	User         map[string]interface{} `jsonapi:"attr,user"`
	Severity     map[string]interface{} `jsonapi:"attr,severity"`
	StartedAt    *time.Time             `jsonapi:"attr,started_at,rfc3339"`
	CreatedAt    *time.Time             `jsonapi:"attr,created_at,rfc3339"`
	UpdatedAt    *time.Time             `jsonapi:"attr,updated_at,rfc3339"`
	Roles        []*gjAssignment        `jsonapi:"relation,roles"`
}

type gjAssignment struct {
	ID           string                 `jsonapi:"primary,incident_role_assignments"`
	IncidentRole map[string]interface{} `jsonapi:"attr,incident_role"`
	User         map[string]interface{} `jsonapi:"attr,user"`
}

// BenchmarkDecode compares decoding the documented assign response: the
// SDK's decoder, plain encoding/json into equivalent structs ("raw"), the
// same structs with the JSON engine's defaults ("raw-v2":
// github.com/go-json-experiment/json, strict on duplicate names and UTF-8),
// and google/jsonapi's UnmarshalPayload.
func BenchmarkDecode(b *testing.B) {
	body := rootlytest.SeedAssignResponse
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rootly.DecodeIncident(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var doc rawIncidentDoc
			if err := json.Unmarshal(body, &doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-v2", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var doc rawIncidentDoc
			if err := jsonv2.Unmarshal(body, &doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("google-jsonapi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var inc gjIncident
			if err := jsonapi.UnmarshalPayload(bytes.NewReader(body), &inc); err != nil {
				b.Fatal(err)
			}
			if len(inc.Roles) != 1 {
				b.Fatal("roles not resolved")
			}
		}
	})
}

// BenchmarkEncode compares building the request document the SDK's way
// (encoding/json into a fixed struct), a hand-written client's way, and with
// google/jsonapi's MarshalPayload (the tests' oracle for the wire format).
func BenchmarkEncode(b *testing.B) {
	req := rootly.AssignRoleRequest{UserID: rootlytest.SeedUser, IncidentRoleID: rootlytest.SeedRole}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rootly.EncodeAssign(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in rawAssignBody
			in.Data.Type = "incidents"
			in.Data.Attributes.UserID, in.Data.Attributes.IncidentRoleID = req.UserID, req.IncidentRoleID
			if _, err := json.Marshal(&in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("google-jsonapi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			if err := jsonapi.MarshalPayload(&buf, &jsonapiAssign{UserID: req.UserID, IncidentRoleID: req.IncidentRoleID}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeManyRoles decodes incidents with 3,000 and 30,000 role
// assignments: the time per assignment stays flat (linear decoding).
func BenchmarkDecodeManyRoles(b *testing.B) {
	for _, n := range []int{3000, 30000} {
		doc := manyRoles(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, err := rootly.DecodeIncident(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package rootly_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
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

type rawIncidentDoc struct {
	Data struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Attributes struct {
			SequentialID int64          `json:"sequential_id"`
			Title        string         `json:"title"`
			Slug         string         `json:"slug"`
			Kind         string         `json:"kind"`
			Status       string         `json:"status"`
			Private      bool           `json:"private"`
			Summary      *string        `json:"summary"`
			URL          string         `json:"url"`
			Labels       map[string]any `json:"labels"`
			User         *struct {
				Data *rawUser `json:"data"`
			} `json:"user"`
			StartedBy *struct {
				Data *rawUser `json:"data"`
			} `json:"started_by"`
			Severity *struct {
				Data *struct {
					ID         string `json:"id"`
					Attributes struct {
						Name     string `json:"name"`
						Severity string `json:"severity"`
					} `json:"attributes"`
				} `json:"data"`
			} `json:"severity"`
			StartedAt *time.Time `json:"started_at"`
			CreatedAt time.Time  `json:"created_at"`
			UpdatedAt time.Time  `json:"updated_at"`
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
	Included []struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Attributes struct {
			IncidentRole *struct {
				Data *rawRole `json:"data"`
			} `json:"incident_role"`
			User *struct {
				Data *rawUser `json:"data"`
			} `json:"user"`
		} `json:"attributes"`
	} `json:"included"`
}

func rawAssign(ctx context.Context, hc *http.Client, base, token, incident string, req rootly.AssignRoleRequest) (*rawIncidentDoc, error) {
	body, err := json.Marshal(map[string]any{"data": map[string]any{"type": "incidents", "attributes": map[string]string{"user_id": req.UserID, "incident_role_id": req.IncidentRoleID}}})
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
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var doc rawIncidentDoc
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return &doc, nil
}

// BenchmarkAssign runs the documented assign (the seeded incident, user 315,
// the seeded role: the answer is the documented response) through the SDK
// and through a hand-written net/http + encoding/json client, against the
// same loopback server.
func BenchmarkAssign(b *testing.B) {
	srv := rootlytest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	srv.SetRateLimit(0, 0)
	ctx := context.Background()
	req := rootly.AssignRoleRequest{UserID: rootlytest.SeedUser, IncidentRoleID: rootlytest.SeedRole}
	b.Run("sdk", func(b *testing.B) {
		c, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		defer c.CloseIdleConnections()
		b.ReportAllocs()
		for b.Loop() {
			inc, err := c.AssignRoleToUser(ctx, rootlytest.SeedIncident, req)
			if err != nil || len(inc.Roles) != 1 {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr}
		b.ReportAllocs()
		for b.Loop() {
			doc, err := rawAssign(ctx, hc, srv.URL, srv.Token, rootlytest.SeedIncident, req)
			if err != nil || len(doc.Included) != 1 {
				b.Fatal(err)
			}
		}
	})
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
// SDK's decoder, plain encoding/json into equivalent structs, and
// google/jsonapi's UnmarshalPayload.
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

// BenchmarkEncode compares building the request document with google/jsonapi
// (what the SDK does) and with encoding/json.
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
			if _, err := json.Marshal(map[string]any{"data": map[string]any{"type": "incidents", "attributes": map[string]string{"user_id": req.UserID, "incident_role_id": req.IncidentRoleID}}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package coralogix_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
)

// rawCase is what a hand-written client would decode a case into: the same
// typed fields, plain encoding/json, no unknown-member capture.
type rawCase struct {
	ID                string                       `json:"id"`
	ReadableID        string                       `json:"readableId"`
	Title             string                       `json:"title"`
	Status            string                       `json:"status"`
	Priority          string                       `json:"priority"`
	Category          string                       `json:"category"`
	Assignee          *coralogix.UserDetails       `json:"assignee"`
	CreateTime        time.Time                    `json:"createTime"`
	UpdateTime        time.Time                    `json:"updateTime"`
	AcknowledgeTime   time.Time                    `json:"acknowledgeTime"`
	AISummary         string                       `json:"aiSummary"`
	Duration          *string                      `json:"duration"`
	Labels            []coralogix.KeyValue         `json:"labels"`
	Groupings         []coralogix.KeyValue         `json:"groupings"`
	ImpactedEntities  []coralogix.ImpactedEntity   `json:"impactedEntities"`
	CaseIndicators    *coralogix.CaseIndicators    `json:"caseIndicators"`
	KPIBreaches       *coralogix.KPIBreaches       `json:"kpiBreaches"`
	OllyAnalysis      *coralogix.OllyAnalysis      `json:"ollyAnalysis"`
	PriorityDetails   *coralogix.PriorityDetails   `json:"priorityDetails"`
	ResolutionDetails *coralogix.ResolutionDetails `json:"resolutionDetails"`
}

// rawAssign is the hand-written net/http + encoding/json baseline.
func rawAssign(ctx context.Context, hc *http.Client, base, key string, req any) ([]rawCase, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/mgmt/openapi/5/cases/assigned/v1", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+key)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	resp, err := hc.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out struct {
		Cases []rawCase `json:"cases"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return out.Cases, nil
}

// BenchmarkAssign runs the same AssignCases call (two ids, the documented
// seed response) through the SDK and through the hand-written baseline,
// against the same loopback server.
func BenchmarkAssign(b *testing.B) {
	srv := coralogixtest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	req := coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: coralogixtest.SeedAssigneeID},
		IDs:      []string{coralogixtest.SeedCaseID, coralogixtest.SeedReadableID},
	}
	ctx := context.Background()

	b.Run("sdk", func(b *testing.B) {
		c, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL))
		if err != nil {
			b.Fatal(err)
		}
		defer c.CloseIdleConnections()
		b.ReportAllocs()
		for b.Loop() {
			cases, err := c.AssignCases(ctx, req)
			if err != nil || len(cases) != 1 {
				b.Fatal(err, len(cases))
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr}
		b.ReportAllocs()
		for b.Loop() {
			cases, err := rawAssign(ctx, hc, srv.URL, srv.APIKey, req)
			if err != nil || len(cases) != 1 {
				b.Fatal(err, len(cases))
			}
		}
	})
}

// BenchmarkDecode compares decoding the seed response into the SDK's Case
// with plain encoding/json into equivalent structs, without the network.
func BenchmarkDecode(b *testing.B) {
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := coralogix.DecodeCases(coralogixtest.SeedAssignResponse); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				Cases []rawCase `json:"cases"`
			}
			if err := json.Unmarshal(coralogixtest.SeedAssignResponse, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package coralogix_test

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

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/caseassign/caseassign/internal/benchx"
	jsonv2 "github.com/go-json-experiment/json"
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

// rawAssign is the hand-written baseline a careful engineer would write:
// one reused http.Client, the typed request marshalled once, the answer read
// whole and decoded with json.Unmarshal into the same typed fields.
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
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out struct {
		Cases []rawCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out.Cases, nil
}

// BenchmarkAssign runs the same AssignCases call (two ids naming the
// seeded case) through the SDK and through the hand-written baseline,
// against the same loopback server.
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
	srv := coralogixtest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	sdk, raw := assignOps(b, srv, transport)
	benchx.Bench(b, map[string]benchx.Op{"sdk": sdk, "raw": raw})
}

// TestMeasureInterleaved measures both benchmarks interleaved in one
// process (see internal/benchx); .ci/bench runs it, ordinary runs skip it.
func TestMeasureInterleaved(t *testing.T) {
	srv := coralogixtest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	benchx.MeasureModes(t, "coralogix", func(tr func() http.RoundTripper, _ bool) (benchx.Op, benchx.Op) {
		return assignOps(t, srv, tr)
	})
}

// assignOps returns one AssignCases (two ids naming the seeded case)
// through the SDK and through the hand-written client, each with its own
// transport.
func assignOps(tb testing.TB, srv *coralogixtest.Server, transport func() http.RoundTripper) (sdk, raw benchx.Op) {
	req := coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: coralogixtest.SeedAssigneeID},
		IDs:      []string{coralogixtest.SeedCaseID, coralogixtest.SeedReadableID},
	}
	ctx := context.Background()
	c, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL), coralogix.WithHTTPClient(&http.Client{Transport: transport()}))
	if err != nil {
		tb.Fatal(err)
	}
	hc := &http.Client{Transport: transport()}
	sdk = func() error {
		cases, err := c.AssignCases(ctx, req)
		if err == nil && len(cases) != 1 {
			err = fmt.Errorf("%d cases", len(cases))
		}
		return err
	}
	raw = func() error {
		cases, err := rawAssign(ctx, hc, srv.URL, srv.APIKey, req)
		if err == nil && len(cases) != 1 {
			err = fmt.Errorf("%d cases", len(cases))
		}
		return err
	}
	return sdk, raw
}

// BenchmarkDecode compares decoding the seed response into the SDK's Case
// with plain encoding/json into equivalent structs ("raw") and with the
// same structs decoded by the JSON engine's defaults ("raw-v2"), without
// the network.
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
	b.Run("raw-v2", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				Cases []rawCase `json:"cases"`
			}
			if err := jsonv2.Unmarshal(coralogixtest.SeedAssignResponse, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// pageOf returns the raw answer of a listing of n spec-valid cases, as
// coralogixtest sends it (with a token for the next page).
func pageOf(tb testing.TB, n int) []byte {
	tb.Helper()
	srv := coralogixtest.NewServer()
	defer srv.Close()
	srv.AddCases("PAGE", n+10)
	body, err := json.Marshal(coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{PageSize: int64(min(n, 1000))}})
	if err != nil {
		tb.Fatal(err)
	}
	var out []byte
	var token string
	for len(out) == 0 || n > 1000 {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/mgmt/openapi/5/cases/cases/v1", bytes.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		resp, err := srv.Client().Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			tb.Fatal(err)
		}
		var doc struct {
			Cases      []json.RawMessage `json:"cases"`
			Pagination struct {
				NextPageToken string `json:"nextPageToken"`
			} `json:"pagination"`
		}
		if err := json.Unmarshal(page, &doc); err != nil {
			tb.Fatal(err)
		}
		if out == nil {
			out = page
		} else { // a page of more than 1000 cases: join the pages' cases
			var all struct {
				Cases      []json.RawMessage `json:"cases"`
				Pagination json.RawMessage   `json:"pagination"`
			}
			_ = json.Unmarshal(out, &all)
			all.Cases = append(all.Cases, doc.Cases...)
			if out, err = json.Marshal(all); err != nil {
				tb.Fatal(err)
			}
		}
		token = doc.Pagination.NextPageToken
		var probe struct{ Cases []json.RawMessage }
		_ = json.Unmarshal(out, &probe)
		if len(probe.Cases) >= n {
			break
		}
		body, _ = json.Marshal(coralogix.ListCasesRequest{Pagination: &coralogix.PaginationRequest{PageSize: 1000, PageToken: token}})
	}
	return out
}

// BenchmarkDecodePage decodes pages of 1,000, 2,000 and 4,000 spec-valid
// cases, losslessly, against json.Unmarshal into the same typed fields
// (what a careful engineer writes, and keeps nothing unknown). The time
// per case stays flat: decoding is linear in the page size.
func BenchmarkDecodePage(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000} {
		page := pageOf(b, n)
		b.Run(strconv.Itoa(n)+"/sdk", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				p, err := coralogix.DecodeList(page)
				if err != nil || len(p.Cases) != n {
					b.Fatal(err)
				}
			}
		})
		b.Run(strconv.Itoa(n)+"/raw", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				var out struct {
					Cases      []rawCase `json:"cases"`
					Pagination struct {
						NextPageToken string `json:"nextPageToken"`
					} `json:"pagination"`
				}
				if err := json.Unmarshal(page, &out); err != nil || len(out.Cases) != n {
					b.Fatal(err)
				}
			}
		})
	}
}

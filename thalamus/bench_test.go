package thalamus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"

	"github.com/caseassign/caseassign/internal/benchx"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
)

// rawComment is a comment as a hand-written client would type it.
type rawComment struct {
	ID          json.RawMessage `json:"id"` // a number or a string
	Description string          `json:"description"`
}

// rawResult is what a hand-written client would decode the answer into:
// the same fields the SDK types.
type rawResult struct {
	Context json.RawMessage `json:"context"`
	Case    struct {
		ID           int64           `json:"id"`
		CategoryCode string          `json:"categoryCode"`
		TypeCode     string          `json:"typeCode"`
		Status       string          `json:"status"`
		Resolution   string          `json:"resolution"`
		Comments     []rawComment    `json:"comments"`
		CaseData     json.RawMessage `json:"caseData"`
	} `json:"case"`
}

// rawAssignBody is the request body, typed.
type rawAssignBody struct {
	Email string `json:"email"`
}

// rawAssign is what a careful engineer writes by hand: one reused
// http.Client, a typed body marshalled once, the answer read whole and
// decoded with json.Unmarshal into the fields the SDK returns.
func rawAssign(ctx context.Context, hc *http.Client, base string, id int64, email string) (*rawResult, error) {
	body, err := json.Marshal(rawAssignBody{Email: email})
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPut, fmt.Sprintf("%s/api/v4/cases/%d/assignment", base, id), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Thalamus-Touchpoint", thalamustest.Touchpoint)
	r.Header.Set("Thalamus-Token", thalamustest.Token)
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
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out rawResult
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BenchmarkAssign runs one AssignCase to an operator through the SDK and
// through the hand-written client, against the same loopback server.
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
	srv := thalamustest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	sdk, raw := assignOps(b, srv, transport)
	benchx.Bench(b, map[string]benchx.Op{"sdk": sdk, "raw": raw})
}

// assignOps returns one AssignCase through the SDK and through the
// hand-written client, each with its own transport.
func assignOps(tb testing.TB, srv *thalamustest.Server, transport func() http.RoundTripper) (sdk, raw benchx.Op) {
	ctx := context.Background()
	c, err := thalamus.NewClient(srv.URL, creds, thalamus.WithHTTPClient(&http.Client{Transport: transport()}))
	if err != nil {
		tb.Fatal(err)
	}
	jar, _ := cookiejar.New(nil) // Thalamus sessions live in cookies: a careful client keeps them too
	hc := &http.Client{Transport: transport(), Jar: jar}
	sdk = func() error {
		res, err := c.AssignCase(ctx, thalamustest.ComplaintCase, thalamus.ToOperator(thalamustest.ActiveOperator))
		if err == nil && res.Case.ID != thalamustest.ComplaintCase {
			err = fmt.Errorf("case %d", res.Case.ID)
		}
		return err
	}
	raw = func() error {
		res, err := rawAssign(ctx, hc, srv.URL, thalamustest.ComplaintCase, thalamustest.ActiveOperator)
		if err == nil && res.Case.ID != thalamustest.ComplaintCase {
			err = fmt.Errorf("case %d", res.Case.ID)
		}
		return err
	}
	return sdk, raw
}

// TestMeasureInterleaved measures both benchmarks interleaved in one
// process (see internal/benchx); .ci/bench runs it, ordinary runs skip it.
func TestMeasureInterleaved(t *testing.T) {
	srv := thalamustest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	benchx.MeasureModes(t, "thalamus", func(tr func() http.RoundTripper, _ bool) (benchx.Op, benchx.Op) {
		return assignOps(t, srv, tr)
	})
}

// assignAnswer is the test server's answer to an assignment, the shape the
// documentation describes (session context and case).
var assignAnswer = []byte(`{"case":{"assignedTo":"ana.lima@example.com","caseData":{"channel":"phone","orderId":7007},"categoryCode":"CUSTOMER_CARE","comments":[{"description":"Customer called about order #7007","id":10010}],"id":1001,"priority":2,"resolution":"","status":"OPEN","typeCode":"COMPLAINT"},"context":{"channel":"REST","language":"en","operator":"api","touchpoint":"web-touchpoint"}}`)

// BenchmarkDecode compares decoding an assignment answer with the SDK
// (typed, unknown members kept) and with plain encoding/json.
func BenchmarkDecode(b *testing.B) {
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if res, err := thalamus.DecodeResult(assignAnswer); err != nil || res.Case.ID != 1001 {
				b.Fatal("not decoded")
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out rawResult
			if err := json.Unmarshal(assignAnswer, &out); err != nil || out.Case.ID != 1001 {
				b.Fatal(err)
			}
		}
	})
}

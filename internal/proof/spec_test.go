package proof

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"
)

// The vendors' published specs, copied from the project's shared specs
// (testdata/): the Coralogix Cases OpenAPI document and Rootly's whole
// swagger of July 2026.
const (
	coralogixSpec = "testdata/coralogix-cases-openapi.yaml"
	rootlySpec    = "testdata/rootly-openapi.json"
)

func init() {
	openapi3.SchemaErrorDetailsDisabled = true // the reason and the path, not the whole schema
	// Rootly answers JSON:API documents; their schemas are JSON Schema.
	openapi3filter.RegisterBodyDecoder("application/vnd.api+json", openapi3filter.JSONBodyDecoder)
}

var (
	specMu    sync.Mutex
	specCache = map[string]*openapi3.T{}
)

// loadSpec parses a spec once per test binary.
func loadSpec(tb testing.TB, file string) *openapi3.T {
	tb.Helper()
	specMu.Lock()
	defer specMu.Unlock()
	if doc, ok := specCache[file]; ok {
		return doc
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(file)
	require.NoError(tb, err)
	if doc.Info != nil && doc.Info.Title == "" {
		doc.Info.Title = file // the Coralogix document's title is empty
	}
	seen := map[*openapi3.Schema]bool{}
	for _, ref := range doc.Components.Schemas {
		dropEmptyExternalDocs(ref, seen)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.ExternalDocs != nil && op.ExternalDocs.URL == "" {
				op.ExternalDocs = nil
			}
		}
	}
	if doc.ExternalDocs != nil && doc.ExternalDocs.URL == "" {
		doc.ExternalDocs = nil
	}
	specCache[file] = doc
	return doc
}

// dropEmptyExternalDocs removes the "externalDocs" without a URL that the
// Coralogix document carries on its schemas: a documentation nit that
// kin-openapi refuses as an invalid document, unrelated to what a valid
// answer is.
func dropEmptyExternalDocs(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	sc := ref.Value
	seen[sc] = true
	if sc.ExternalDocs != nil && sc.ExternalDocs.URL == "" {
		sc.ExternalDocs = nil
	}
	for _, p := range sc.Properties {
		dropEmptyExternalDocs(p, seen)
	}
	for _, list := range []openapi3.SchemaRefs{sc.AllOf, sc.AnyOf, sc.OneOf} {
		for _, r := range list {
			dropEmptyExternalDocs(r, seen)
		}
	}
	dropEmptyExternalDocs(sc.Items, seen)
	dropEmptyExternalDocs(sc.Not, seen)
	if sc.AdditionalProperties.Schema != nil {
		dropEmptyExternalDocs(sc.AdditionalProperties.Schema, seen)
	}
}

// specCheck is an http.RoundTripper that validates every answer against a
// vendor spec: the route must exist, and the status, content type and body
// must be what the spec describes. It records each finding.
type specCheck struct {
	next   http.RoundTripper
	router routers.Router

	mu       sync.Mutex
	checked  int
	findings []string
}

// newSpecCheck builds a checker for a server at baseURL, whose spec paths
// start after prefix.
func newSpecCheck(tb testing.TB, file, baseURL, prefix string) *specCheck {
	tb.Helper()
	doc := loadSpec(tb, file)
	cp := *doc // the servers list is the one thing changed, on a copy
	cp.Servers = openapi3.Servers{{URL: baseURL + prefix}}
	router, err := legacy.NewRouter(&cp, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation())
	require.NoError(tb, err)
	return &specCheck{next: http.DefaultTransport, router: router}
}

func (s *specCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := s.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	s.check(req, reqBody, resp, body)
	return resp, nil
}

func (s *specCheck) check(req *http.Request, reqBody []byte, resp *http.Response, body []byte) {
	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := s.router.FindRoute(probe)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked++
	where := req.Method + " " + req.URL.Path + " → " + fmt.Sprint(resp.StatusCode)
	if err != nil {
		s.findings = append(s.findings, where+": no such operation in the spec: "+err.Error())
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: probe, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: resp.StatusCode,
		Header: resp.Header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: false, // the spec documents no error answers: their bodies are checked where it does
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		msg := err.Error()
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		s.findings = append(s.findings, where+": "+msg)
	}
}

// report fails the test with every finding, and when nothing was checked.
func (s *specCheck) report(tb testing.TB, minChecked int) {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.GreaterOrEqual(tb, s.checked, minChecked, "answers validated")
	if len(s.findings) > 0 {
		tb.Errorf("%d of %d answers break the vendor spec:\n%s", len(s.findings), s.checked, strings.Join(s.findings, "\n"))
	}
}

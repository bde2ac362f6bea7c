package proof

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/caseassign/caseassign/rootly"
	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specQueryParams returns the query parameter names of GET path in
// Rootly's swagger.
func specQueryParams(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "rootly-openapi.json"))
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	var get struct {
		Parameters []struct {
			Name string `json:"name"`
			In   string `json:"in"`
		} `json:"parameters"`
	}
	require.NoError(t, json.Unmarshal(doc.Paths[path]["get"], &get))
	var out []string
	for _, p := range get.Parameters {
		if p.In == "query" {
			out = append(out, p.Name)
		}
	}
	sort.Strings(out)
	return out
}

// fillAll sets every field of the struct v points to (at any depth) to a
// value that is not empty, so that every parameter it can express is sent.
func fillAll(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fillAll(v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillAll(v.Field(i))
			}
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Int:
		v.SetInt(2)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), reflect.ValueOf("x")))
	}
}

// TestListOptionsExpressEveryQueryParameterOfTheSpec walks the query
// parameters of Rootly's swagger for each list the SDK offers: every one
// must be expressible through the options type (set every field, and the
// encoded query holds it), and nothing the spec does not have is sent.
func TestListOptionsExpressEveryQueryParameterOfTheSpec(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		path string
		opts any
	}{
		{"/v1/incidents", &rootly.ListIncidentsOptions{}},
		{"/v1/users", &rootly.ListUsersOptions{}},
		{"/v1/incident_roles", &rootly.ListIncidentRolesOptions{}},
	} {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			spec := specQueryParams(t, tt.path)
			require.NotEmpty(t, spec)
			fillAll(reflect.ValueOf(tt.opts))
			v, err := query.Values(tt.opts)
			require.NoError(t, err)
			var sent []string
			for k := range v {
				sent = append(sent, k)
			}
			sort.Strings(sent)
			assert.ElementsMatch(t, spec, sent, "every parameter of the spec, and none other")
			for _, p := range spec {
				assert.Contains(t, v, p, "not expressible: %s", p)
			}
			empty := reflect.New(reflect.TypeOf(tt.opts).Elem()).Interface()
			v, err = query.Values(empty)
			require.NoError(t, err)
			assert.Equal(t, url.Values{}, v, "empty options send nothing")
		})
	}
	// The spec's 163 parameters of GET /v1/incidents.
	assert.Len(t, specQueryParams(t, "/v1/incidents"), 163)
}

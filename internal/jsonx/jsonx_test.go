package jsonx

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	Z string `json:"z"`
}

type sample struct {
	inner
	ID    int64  `json:"id"`
	Name  string `json:"name,omitempty"`
	Skip  string `json:"-"`
	Plain string
	//lint:ignore U1000 an unexported field, to check that Known skips it
	hidden string
}

func TestKnown(t *testing.T) {
	t.Parallel()
	assert.Equal(t, map[string]struct{}{"z": {}, "id": {}, "name": {}, "Plain": {}}, Known[sample]())
	assert.Equal(t, Known[sample](), Known[*sample](), "pointer types resolve to the struct")
}

func TestUnknownAndMerge(t *testing.T) {
	t.Parallel()
	data := []byte(` {"id": 7, "NAME": "x", "new\u0041": {"a": [1, "}", {"b": null}]}, "z": "", "flag": true, "n": -1.5e3} `)
	extra, err := Unknown(data, Known[sample]())
	require.NoError(t, err)
	assert.Equal(t, map[string]json.RawMessage{
		"newA": json.RawMessage(`{"a": [1, "}", {"b": null}]}`),
		"flag": json.RawMessage(`true`),
		"n":    json.RawMessage(`-1.5e3`),
	}, extra)

	out, err := Merge([]byte(`{"id":7,"flag":false}`), extra)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":7,"flag":false,"newA":{"a":[1,"}",{"b":null}]},"n":-1.5e3}`, string(out), "names the object has win")

	out, err = Merge([]byte(`{}`), map[string]json.RawMessage{"a": json.RawMessage(`1`), "bad": json.RawMessage(`{`)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":1}`, string(out), "invalid raw members are dropped")

	none, err := Unknown([]byte(`{"id":1}`), Known[sample]())
	require.NoError(t, err)
	assert.Nil(t, none)
}

func TestMembersSyntax(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{``, `[]`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1}x`, `{"a":[1,}`, `{"a":"x}`, `{a:1}`, `{"a":{"b"}}`, `"x"`} {
		assert.ErrorIs(t, Members([]byte(bad), func(_, _ []byte) {}), ErrSyntax, bad)
	}
	for _, good := range []string{`{}`, ` { } `, `{"a":[]}`, `{"a":{}}`, `{"a":"\"}"}`} {
		assert.NoError(t, Members([]byte(good), func(_, _ []byte) {}), good)
	}
}

func TestMemberAndElements(t *testing.T) {
	t.Parallel()
	raw, ok, err := Member([]byte(`{"a":1,"cases":[{"id":"x"}, {"id":"y","n":[1]}],"z":null}`), "cases")
	require.NoError(t, err)
	require.True(t, ok)
	var got []string
	require.NoError(t, Elements(raw, func(i int, el []byte) { got = append(got, string(el)) }))
	assert.Equal(t, []string{`{"id":"x"}`, `{"id":"y","n":[1]}`}, got)

	_, ok, err = Member([]byte(`{"a":1}`), "cases")
	require.NoError(t, err)
	assert.False(t, ok)
	n := 0
	require.NoError(t, Elements([]byte(` null `), func(int, []byte) { n++ }))
	require.NoError(t, Elements([]byte(`[]`), func(int, []byte) { n++ }))
	assert.Equal(t, 0, n)
	for _, bad := range []string{``, `{}`, `[1,]`, `[1 2]`, `[1]x`, `nul`} {
		assert.ErrorIs(t, Elements([]byte(bad), func(int, []byte) {}), ErrSyntax, bad)
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{`"abc"`: "abc", `""`: "", `"a\"b"`: `a"b`, `"\u00e9t\u00e9"`: "été", `"été"`: "été"} {
		got, ok := String([]byte(raw))
		assert.True(t, ok, raw)
		assert.Equal(t, want, got, raw)
	}
	for _, raw := range []string{``, `"`, `abc`, `1`, `"a"b"`, "\"a\x01\"", `null`} {
		_, ok := String([]byte(raw))
		assert.False(t, ok, raw)
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b"`, `"\u00e9"`, `"`, `"a"b"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := String(raw)
		var want string
		trimmed := trimWS(raw)
		// encoding/json also accepts null into a string; String does not.
		wantOK := json.Unmarshal(raw, &want) == nil && len(trimmed) > 0 && trimmed[0] == '"'
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("String(%q) = %q, %v; encoding/json says %q, %v", raw, got, ok, want, wantOK)
		}
	})
}

func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":[1,{"b":"c"}],"d":null}`, `{"a":"\\\""}`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var keys int
		err := Members(data, func(key, raw []byte) {
			keys++
			if len(key) < 2 || key[0] != '"' || key[len(key)-1] != '"' {
				t.Fatalf("bad key span %q", key)
			}
			if len(raw) == 0 {
				t.Fatalf("empty value span")
			}
		})
		if err == nil && json.Valid(data) {
			var m map[string]json.RawMessage
			if json.Unmarshal(data, &m) == nil && len(m) > keys {
				t.Fatalf("scanner saw %d members, encoding/json %d", keys, len(m))
			}
		}
		if json.Valid(data) {
			var m map[string]json.RawMessage
			if json.Unmarshal(data, &m) == nil && m != nil && err != nil {
				t.Fatalf("valid object refused: %v", err)
			}
		}
	})
}

func TestOverlayKeepsZeroValuedKnownMembers(t *testing.T) {
	t.Parallel()
	type nested struct {
		When time.Time `json:"when,omitzero"`
		N    int       `json:"n,omitzero"`
	}
	type oneOf struct {
		A *struct {
			X int `json:"x"`
		} `json:"a,omitzero"`
	}
	type model struct {
		At    time.Time `json:"at,omitzero"`
		Inner *nested   `json:"inner,omitzero"`
		Deep  []struct {
			Status oneOf `json:"status,omitzero"`
		} `json:"deep,omitzero"`
	}
	tests := []struct{ name, raw, typed, want string }{
		{"a one-of holding only an unknown variant, nested", `{"deep":[{"status":{"paused":{}}}]}`, `{"deep":[{}]}`, `{"deep":[{"status":{"paused":{}}}]}`},
		{"a one-of variant the caller cleared stays cleared", `{"deep":[{"status":{"a":{"x":1}}}]}`, `{"deep":[{}]}`, `{"deep":[{}]}`},
		{"zero time at the top", `{"at":"0001-01-01T00:00:00Z"}`, `{}`, `{"at":"0001-01-01T00:00:00Z"}`},
		{"zero time nested, unknown kept", `{"inner":{"when":"0001-01-01T00:00:00Z","x":1}}`, `{"inner":{}}`, `{"inner":{"when":"0001-01-01T00:00:00Z","x":1}}`},
		{"zero number", `{"inner":{"n":0}}`, `{"inner":{}}`, `{"inner":{"n":0}}`},
		{"a real time the caller cleared stays cleared", `{"at":"2025-01-01T00:00:00Z"}`, `{}`, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Overlay([]byte(tt.typed), []byte(tt.raw), reflect.TypeFor[model]())
			assert.JSONEq(t, tt.want, string(got))
		})
	}
}

func TestDuplicateKeysEndsOnAnyInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{`{"a":[aaaa:4}]}`, false}, {`{"a":1,"A":2}`, true}, {`{"a":{"b":1,"b":2}}`, true}, {`[{"a":1},{"a":1}]`, false}, {`{`, false},
	} {
		assert.Equal(t, tc.want, DuplicateKeys([]byte(tc.doc)), tc.doc)
	}
}

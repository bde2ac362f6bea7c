package jsonx

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type keepFields struct {
	ID     int64           `json:"id"`
	Name   string          `json:"name"`
	Active bool            `json:"isActive"`
	Cost   float64         `json:"cost"`
	Tags   []string        `json:"tags"`
	When   time.Time       `json:"when"`
	Links  json.RawMessage `json:"links"`
}

type keepModel struct {
	keepFields
	Extra map[string]json.RawMessage
	kept  uint64
}

func (m *keepModel) decode(data []byte) error {
	if err := json.Unmarshal(data, &m.keepFields); err != nil {
		return err
	}
	k, err := KeptOf[keepFields](data, nil)
	m.Extra, m.kept = k.Extra, k.Present
	return err
}

func (m *keepModel) encode() ([]byte, error) {
	o := NewObject[keepFields](nil, m.kept)
	o.Int(0, m.ID)
	o.String(1, m.Name)
	o.Bool(2, m.Active)
	o.Float(3, m.Cost)
	if o.Begin(4, m.Tags == nil) {
		b, err := json.Marshal(m.Tags)
		o.SetErr(err)
		o.Buf = append(o.Buf, b...)
	}
	o.Time(5, m.When)
	o.Raw(6, m.Links)
	return o.End(m.Extra)
}

func TestKeptOfAndObjectKeepPresenceAndUnknown(t *testing.T) {
	t.Parallel()
	in := `{"id":7,"isActive":false,"cost":0,"name":"","future":{"x":[1,null]},"also":null,"tags":null,"links":{"a":1,"a":2}}`
	var m keepModel
	require.NoError(t, m.decode([]byte(in)))
	assert.Equal(t, int64(7), m.ID)
	assert.Len(t, m.Extra, 3, "unknown members and a null known member")
	out, err := m.encode()
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out), "present zero values survive, absent ones are not invented")
	assert.Contains(t, string(out), `"links":{"a":1,"a":2}`, "raw members are written verbatim")

	m.Tags = []string{"new"}
	m.When = time.Date(2021, 10, 1, 0, 0, 0, 500, time.FixedZone("", -7*3600))
	out, err = m.encode()
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":7,"isActive":false,"cost":0,"name":"","tags":["new"],"when":"2021-10-01T00:00:00.0000005-07:00","future":{"x":[1,null]},"also":null,"links":{"a":1,"a":2}}`,
		string(out), "values the caller set are written, and win over a kept null")

	fresh := keepModel{keepFields: keepFields{Name: "n"}}
	out, err = fresh.encode()
	require.NoError(t, err)
	assert.Equal(t, `{"name":"n"}`, string(out))

	empty := keepModel{Extra: map[string]json.RawMessage{"a": json.RawMessage(`1`), "b": json.RawMessage(`{`)}}
	out, err = empty.encode()
	require.NoError(t, err)
	assert.Equal(t, `{"a":1}`, string(out), "invalid kept members are dropped")

	bad := keepModel{keepFields: keepFields{Cost: math.Inf(1)}}
	_, err = bad.encode()
	assert.Error(t, err)
	bad = keepModel{keepFields: keepFields{When: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}
	_, err = bad.encode()
	assert.Error(t, err)
	bad = keepModel{keepFields: keepFields{Links: json.RawMessage(`{`)}}
	_, err = bad.encode()
	assert.Error(t, err)
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"plain", "quote\"back\\slash", "<a>&", "\u2028\u2029", "\x00\x1f\b\f\n\r\t", "\xff\xfe", "é日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, encoding/json gives %s", s, got, want)
		}
	})
}

func FuzzAppendFloat(f *testing.F) {
	for _, v := range []float64{0, 1, -1.5, 1e-7, 1e21, 123456789.125, 5e-324, math.MaxFloat64} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		want, wantErr := json.Marshal(v)
		got, err := AppendFloat(nil, v, nil)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("AppendFloat(%v) error %v, encoding/json %v", v, err, wantErr)
		}
		if err == nil && string(got) != string(want) {
			t.Fatalf("AppendFloat(%v) = %s, encoding/json gives %s", v, got, want)
		}
	})
}

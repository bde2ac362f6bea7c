package jsonx

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type lenientModel struct {
	ID    string    `json:"id"`
	When  time.Time `json:"when"`
	Count int       `json:"count,omitzero"`
	Inner *struct {
		At time.Time `json:"at"`
	} `json:"inner"`
}

func TestLenientKeepsWhatDoesNotFit(t *testing.T) {
	t.Parallel()
	in := `{"id":"a","when":"not a time","COUNT":3,"inner":{"at":"2025-13-45"},"zz":1}`
	var m lenientModel
	require.Error(t, json.Unmarshal([]byte(in), &m), "encoding/json refuses the whole document")
	bad, err := Lenient([]byte(in), &m)
	require.NoError(t, err)
	assert.Equal(t, "a", m.ID)
	assert.Equal(t, 3, m.Count, "names match without regard to case")
	assert.True(t, m.When.IsZero())
	assert.Nil(t, m.Inner)
	assert.Equal(t, map[string]json.RawMessage{"when": json.RawMessage(`"not a time"`), "inner": json.RawMessage(`{"at":"2025-13-45"}`)}, bad)

	for _, broken := range []string{`{"id":"a"`, `[]`, ``, strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat(`}`, 20000)} {
		_, err := Lenient([]byte(broken), &m)
		assert.Error(t, err)
	}
	assert.False(t, Refusal(json.Unmarshal([]byte(`{"id":`), &m)))
	assert.True(t, Refusal(json.Unmarshal([]byte(`{"when":"x"}`), &m)))
}

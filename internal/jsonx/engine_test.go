package jsonx

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a server sends is tolerated as encoding/json tolerates it: a
// repeated member (the last wins), invalid UTF-8, any case of a member
// name. A document cut short or nested too deep is an error, and never a
// Refusal that Lenient could route around.
func TestUnmarshalIsTolerant(t *testing.T) {
	t.Parallel()
	var v struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	require.NoError(t, Unmarshal([]byte(`{"name":"a","name":"b","COUNT":3}`), &v))
	assert.Equal(t, "b", v.Name, "the last of a repeated member wins")
	assert.Equal(t, 3, v.Count, "names match without regard to case")
	require.NoError(t, Unmarshal([]byte("{\"name\":\"bad \xff byte\"}"), &v))
	assert.Equal(t, "bad \uFFFD byte", v.Name)

	for _, bad := range []string{`{"name":"a"`, `{"name":`, "", strings.Repeat("[", 20000) + strings.Repeat("]", 20000)} {
		var x any
		err := Unmarshal([]byte(bad), &x)
		require.Error(t, err, bad[:min(len(bad), 20)])
		assert.False(t, Refusal(err), "a syntax error is not a refusal: %v", err)
	}
	err := Unmarshal([]byte(`{"count":"x"}`), &v)
	require.Error(t, err)
	assert.True(t, Refusal(err), "a value that does not fit is")
}

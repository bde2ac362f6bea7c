package jsonx

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

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

// Names match as strings.EqualFold matches them, as encoding/json does:
// "_id", "i_d" and "workflow_id" are other members than "id" and
// "workflowId" (the engine's own case-insensitive matching ignores '_'
// and '-'), so a server cannot pass one case off as another.
func TestUnmarshalMatchesNamesAsEncodingJSON(t *testing.T) {
	t.Parallel()
	type model struct {
		ID         int64 `json:"id"`
		WorkflowID int64 `json:"workflowId"`
	}
	for _, tc := range []struct {
		doc  string
		want model
	}{
		{`{"id":9,"_id":7}`, model{ID: 9}},
		{`{"id":9,"i_d":7,"I-D":8}`, model{ID: 9}},
		{`{"ID":9}`, model{ID: 9}},
		{`{"workflowId":1,"workflow_id":2}`, model{WorkflowID: 1}},
		{`{"WORKFLOWID":3}`, model{WorkflowID: 3}},
	} {
		var got model
		require.NoError(t, Unmarshal([]byte(tc.doc), &got), tc.doc)
		assert.Equal(t, tc.want, got, tc.doc)
		var std model
		require.NoError(t, json.Unmarshal([]byte(tc.doc), &std))
		assert.Equal(t, std, got, "encoding/json reads %s the same way", tc.doc)
	}
}

// A decoding error names neither a member nor a value of the document: a
// server can echo a secret in either, and the engine's own errors cut a
// long member name where no redaction would find it.
func TestDecodeErrorHoldsNothingOfTheDocument(t *testing.T) {
	t.Parallel()
	secret := "tok_" + strings.Repeat("s3cr3t", 25)
	var v struct {
		ID    int64          `json:"id"`
		Attrs map[string]int `json:"attributes"`
		When  time.Time      `json:"when"`
	}
	for _, doc := range []string{
		`{"id":7,"` + secret + `": tru}`,
		`{"id":"` + secret + `"}`,
		`{"attributes":{"` + secret + `":"x"}}`,
		`{"when":"` + secret + `"}`,
		`{"id":7,"` + secret + `":`,
	} {
		err := Unmarshal([]byte(doc), &v)
		require.Error(t, err)
		var de *DecodeError
		require.ErrorAs(t, err, &de)
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			for i := 0; i+8 <= len(secret); i += 4 {
				require.NotContains(t, s, secret[i:i+8], "a piece of the secret in %q", s)
			}
		}
	}
	err := Unmarshal([]byte(`{"id":"x"}`), &v)
	assert.EqualError(t, err, "JSON: cannot decode string value into Go int64 at byte offset 6")
	assert.True(t, Refusal(err))
	err = Unmarshal([]byte(`{"id":7`), &v)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.False(t, Refusal(err))
}

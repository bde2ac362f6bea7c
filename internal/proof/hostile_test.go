package proof

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// hostileDoc is a valid answer for one read call, with a place ("%s")
// where a hostile member goes.
type hostileDoc struct {
	name string
	doc  string
	call func(ctx context.Context, url string) error
}

func hostileDocs(t *testing.T) []hostileDoc {
	const uuid = "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"
	return []hostileDoc{
		{"coralogix GetCase", `{"case":{"id":"` + uuid + `","title":"t"%s}}`, func(ctx context.Context, url string) error {
			c, err := coralogix.NewClient("cx-key-0123456789", coralogix.WithBaseURL(url), coralogix.WithRetryMax(0))
			require.NoError(t, err)
			_, err = c.GetCase(ctx, "CASE-1")
			return err
		}},
		{"thalamus GetCase", `{"context":{},"case":{"id":1,"status":"OPEN"%s}}`, func(ctx context.Context, url string) error {
			c, err := thalamus.NewClient(url, thalamus.Credentials{Touchpoint: "tp", Token: "thalamus-token-0123"}, thalamus.WithRetryMax(0))
			require.NoError(t, err)
			_, err = c.GetCase(ctx, 1)
			return err
		}},
		{"actionmgmt GetCase", `{"id":1,"name":"n","roles":[]%s}`, func(ctx context.Context, url string) error {
			c, err := actionmgmt.NewClient(url, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "forsta-token-0123"}), actionmgmt.WithRetryMax(0))
			require.NoError(t, err)
			_, err = c.GetCase(ctx, 1, 1)
			return err
		}},
		{"rootly GetIncident", `{"data":{"id":"` + uuid + `","type":"incidents","attributes":{"title":"t","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z"%s}}}`, func(ctx context.Context, url string) error {
			c, err := rootly.NewClient("rootly-token-0123456", rootly.WithBaseURL(url), rootly.WithRetryMax(0))
			require.NoError(t, err)
			_, err = c.GetIncident(ctx, uuid)
			return err
		}},
	}
}

func serveBody(t *testing.T, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestHostileDocumentsAreErrorsNotPartialModels: a valid answer with a
// member nested deeper than any decoder allows, or the same answer cut
// short anywhere, is an error matching ErrUnexpectedResponse; never a
// partly filled model with a nil error. The plain answer decodes.
func TestHostileDocumentsAreErrorsNotPartialModels(t *testing.T) {
	t.Parallel()
	deep := `,"deep":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	deepObj := `,"deep":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	for _, d := range hostileDocs(t) {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			require.NoError(t, d.call(ctx, serveBody(t, fmt.Sprintf(d.doc, ""))), "the plain answer")
			for _, member := range []string{deep, deepObj} {
				err := d.call(ctx, serveBody(t, fmt.Sprintf(d.doc, member)))
				assert.ErrorIs(t, err, core.ErrUnexpectedResponse, "nested 20,000 deep")
			}
			full := fmt.Sprintf(d.doc, `,"x":"y"`)
			for cut := 1; cut < len(full); cut++ {
				err := d.call(ctx, serveBody(t, full[:cut]))
				if !assert.ErrorIs(t, err, core.ErrUnexpectedResponse, "cut at %d: %q", cut, full[:cut]) {
					return
				}
			}
		})
	}
}

// TestDecodingErrorsNeverQuoteASecret: a 2xx answer that echoes the
// client's credential into a member the SDK types (a timestamp, an id)
// gives an error (or a success) that never shows the credential, in any
// fmt verb, in any form the server may have echoed it.
func TestDecodingErrorsNeverQuoteASecret(t *testing.T) {
	t.Parallel()
	const key = "cx-key-0123456789/+="
	for _, form := range []string{key, strings.ReplaceAll(key, "/", `\/`), `\u0063x-key-0123456789/+=`} {
		for _, body := range []string{
			`{"case":{"id":"x","title":"t","createTime":"` + form + `"}}`,
			`{"case":{"id":"x","title":"t","createTime":1,"x":"` + form + `"`,
			`{"cases":[{"id":"x","createTime":"` + form + `"}]}`,
		} {
			url := serveBody(t, body)
			c, err := coralogix.NewClient(key, coralogix.WithBaseURL(url), coralogix.WithRetryMax(0))
			require.NoError(t, err)
			_, err = c.GetCase(context.Background(), "CASE-1")
			_, err2 := c.AssignCases(context.Background(), coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: cxUser}, IDs: []string{"CASE-1"}})
			for _, e := range []error{err, err2} {
				if e == nil {
					continue
				}
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
					assert.NotContains(t, fmt.Sprintf(verb, e), "0123456789", "%s %s", verb, body)
				}
			}
			c.CloseIdleConnections()
		}
	}
	const token = "rootly/token-0123456789"
	for _, form := range []string{token, strings.ReplaceAll(token, "/", `\/`), `\u0072ootly/token-0123456789`} {
		url := serveBody(t, `{"data":{"id":"x","type":"incidents","attributes":{"title":"t","created_at":"`+form+`"}}}`)
		c, err := rootly.NewClient(token, rootly.WithBaseURL(url), rootly.WithRetryMax(0))
		require.NoError(t, err)
		_, err = c.GetIncident(context.Background(), "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0")
		require.Error(t, err)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			assert.NotContains(t, fmt.Sprintf(verb, err), "0123456789", "%s %s", verb, form)
		}
		c.CloseIdleConnections()
	}
}

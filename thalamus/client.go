package thalamus

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/caseassign/caseassign/internal/core"
)

// The shared surface of the package (error types, bulk options, common
// options and Client methods) is generated from internal/gen.
//go:generate go run ../internal/gen -pkg thalamus -kind public -o public.go

const pkg = "thalamus"

// Credentials are a touchpoint's code and its generated token, the
// credential of the Thalamus REST API. Formatting them with any fmt verb
// prints "[REDACTED]" in place of the token.
type Credentials struct {
	Touchpoint string // the touchpoint's code
	Token      string // the touchpoint's generated token: a secret
}

// String prints the credentials with the token redacted.
func (c Credentials) String() string {
	tok := ""
	if c.Token != "" {
		tok = core.Redacted
	}
	return "{Touchpoint:" + c.Touchpoint + " Token:" + tok + "}"
}

// GoString prints the credentials with the token redacted.
func (c Credentials) GoString() string { return "thalamus.Credentials" + c.String() }

// Format makes every verb (%v, %+v, %#v, %s, %q) print the redacted form.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(c.GoString()))
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// The header names of the credentials (the default mode).
const (
	HeaderTouchpoint = "Thalamus-Touchpoint"
	HeaderToken      = "Thalamus-Token"
)

// Client calls one Thalamus instance. It is safe for concurrent use.
type Client struct {
	core    *core.Client
	session *session // nil without WithOperatorLogin
}

// Option configures a Client.
type Option func(*options)

type options struct {
	core    core.Options
	inQuery bool

	login               bool
	principal, password string
	loginPath           string
}

// WithCredentialsInQuery sends the credentials as the touchpoint and token
// query parameters instead of the Thalamus-Touchpoint and Thalamus-Token
// headers, for instances that need them. Query strings end up in proxy and
// server logs, so use it only when you must; the SDK itself still never puts
// them in a log line, an error or a request to another host.
func WithCredentialsInQuery() Option { return func(o *options) { o.inQuery = true } }

// NewClient returns a client for the Thalamus instance at serverURL (each
// customer runs its own: there is no default host). It keeps cookies across
// calls, as Thalamus sessions need: in the Jar of the http.Client given with
// WithHTTPClient, or in its own. It makes no network call.
func NewClient(serverURL string, creds Credentials, opts ...Option) (*Client, error) {
	if err := core.CheckCredential(pkg, "creds.Touchpoint", creds.Touchpoint); err != nil {
		return nil, public(err)
	}
	if err := core.CheckCredential(pkg, "creds.Token", creds.Token); err != nil {
		return nil, public(err)
	}
	creds.Touchpoint = strings.TrimSpace(creds.Touchpoint)
	creds.Token = strings.TrimSpace(creds.Token)
	var o options
	o.core.SetBaseURL(serverURL)
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	secrets := []string{creds.Token}
	if o.password != "" {
		secrets = append(secrets, o.password)
	}
	if o.loginPath != "" {
		if msg := checkLoginPath(o.loginPath); msg != "" {
			return nil, invalid("login path", msg)
		}
	}
	spec := core.Spec{
		Package:           pkg,
		APIPrefixes:       []string{"/api/v4", "/api/v3"},
		CredentialHeaders: []string{HeaderTouchpoint, HeaderToken},
		CredentialQuery:   []string{"touchpoint", "token"},
		Secrets:           secrets,
		DecodeError:       decodeError,
		Public:            public,
		Jar:               newSessionJar(),
		WrapJar:           func(j http.CookieJar) http.CookieJar { return &recordingJar{next: j} },
	}
	if o.inQuery {
		spec.AuthSetsURL = true
		spec.Auth = func(r *http.Request) error {
			q := r.URL.Query()
			q.Set("touchpoint", creds.Touchpoint)
			q.Set("token", creds.Token)
			r.URL.RawQuery = q.Encode()
			return nil
		}
	} else {
		tp, tok := []string{creds.Touchpoint}, []string{creds.Token}
		spec.Auth = func(r *http.Request) error {
			r.Header[HeaderTouchpoint] = tp
			r.Header[HeaderToken] = tok
			return nil
		}
	}
	c, err := core.New(spec, o.core)
	if err != nil {
		return nil, err
	}
	client := &Client{core: c}
	if o.login {
		if client.session, err = newSession(&o, c.BaseURL()); err != nil {
			return nil, err
		}
		client.session.secretFree = func(t string) bool { return c.Redact(t) == t }
	}
	return client, nil
}

// AssignCase assigns a case to an operator (ToOperator) or to an operator
// group (ToGroup): PUT {serverURL}/api/v4/cases/{caseInstanceID}/assignment.
// Thalamus answers 201 with the session context and the case. Any 2xx
// answer holding that case (in "case", in the common envelope's
// data.entity, or bare) is a success; a 2xx answer that is not such a JSON
// document (an HTML page, an empty or truncated body, another case) is an
// error matching ErrUnexpectedResponse, since nothing in it says the case
// was assigned. A write answered with a redirect is never followed (it
// would become a GET): with WithOperatorLogin it is taken as a sign the
// session is gone (see the package docs), otherwise it is an error
// matching ErrUnexpectedResponse.
func (c *Client) AssignCase(ctx context.Context, caseInstanceID int64, to Assignee) (*AssignmentResult, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := validateCaseID("caseInstanceID", caseInstanceID); err != nil {
		return nil, err
	}
	if err := to.validate(); err != nil {
		return nil, err
	}
	return c.assign(ctx, caseInstanceID, to)
}

func (c *Client) assign(ctx context.Context, id int64, to Assignee) (*AssignmentResult, error) {
	body, err := json.Marshal(to)
	if err != nil {
		return nil, invalid("to", err.Error())
	}
	resp, err := c.send(ctx, &core.Request{
		Method: http.MethodPut,
		Path:   "/api/v4/cases/" + strconv.FormatInt(id, 10) + "/assignment",
		Body:   body,
	})
	if err != nil {
		return nil, err
	}
	return decodeCase(ctx, resp, id)
}

// decodeCase reads the answer of a call on case id: a JSON document
// holding that case, or an error matching ErrUnexpectedResponse.
func decodeCase(ctx context.Context, resp core.Response, id int64) (*AssignmentResult, error) {
	return core.Decode(ctx, resp, func(body []byte) (*AssignmentResult, error) {
		res, err := decodeResult(body)
		if err == nil && res.Case.ID != id {
			return nil, fmt.Errorf("the answer holds case %d, not case %d", res.Case.ID, id)
		}
		return res, err
	})
}

// Outcome is the result of one case of AssignCases.
type Outcome struct {
	CaseInstanceID int64             // the case, as given
	Result         *AssignmentResult // the answer; nil when Err is set
	Err            error             // why this case failed, nil on success
}

// AssignCases assigns many cases to one assignee through the shared bulk
// runner, with opts.Concurrency requests in flight (default 8), and returns
// one Outcome per case in input order. Every id and the assignee are checked
// before anything is sent (an invalid one is a *ValidationError and no
// outcomes). Otherwise every outcome is returned, and the error is non-nil
// exactly when at least one case failed: a *BulkError that errors.Is and
// errors.As see through to each failure. When the context ends, the cases
// not started fail with the context's error.
func (c *Client) AssignCases(ctx context.Context, caseInstanceIDs []int64, to Assignee, opts BulkOptions) ([]Outcome, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	for i, id := range caseInstanceIDs {
		if err := validateCaseID("caseInstanceIDs["+strconv.Itoa(i)+"]", id); err != nil {
			return nil, err
		}
	}
	if err := to.validate(); err != nil {
		return nil, err
	}
	out := make([]Outcome, len(caseInstanceIDs))
	errs := core.RunBulk(ctx, len(caseInstanceIDs), nil, opts.core(), func(ctx context.Context, i int) error {
		out[i].CaseInstanceID = caseInstanceIDs[i]
		res, err := c.assign(ctx, caseInstanceIDs[i], to)
		out[i].Result = res
		return err
	})
	for i, err := range errs {
		out[i].CaseInstanceID = caseInstanceIDs[i]
		out[i].Err = err
	}
	return out, bulkError(errs, nil, len(errs))
}

// GetCase reads one case: GET {serverURL}/api/v4/cases/{caseInstanceID}.
// The case is read from whichever form the server answers in: the bare
// case object the documentation shows, {"context", "case"}, or the common
// envelope's data.entity. A 2xx answer holding no case object is an error
// matching ErrUnexpectedResponse; one holding another case than the one
// asked for is too.
func (c *Client) GetCase(ctx context.Context, caseInstanceID int64) (*Case, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if err := validateCaseID("caseInstanceID", caseInstanceID); err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, &core.Request{
		Method: http.MethodGet,
		Path:   "/api/v4/cases/" + strconv.FormatInt(caseInstanceID, 10),
	})
	if err != nil {
		return nil, err
	}
	res, err := decodeCase(ctx, resp, caseInstanceID)
	if err != nil {
		return nil, err
	}
	return &res.Case, nil
}

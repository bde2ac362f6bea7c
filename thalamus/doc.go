// Package thalamus assigns Thalamus cases to operators and operator groups.
//
// # Getting started
//
// Each Thalamus customer runs its own instance, so there is no default host:
// give the instance URL and a touchpoint's credentials (its code and
// generated token).
//
//	client, err := thalamus.NewClient("https://crm.example.com", thalamus.Credentials{
//		Touchpoint: os.Getenv("THALAMUS_TOUCHPOINT"),
//		Token:      os.Getenv("THALAMUS_TOKEN"),
//	})
//	res, err := client.AssignCase(ctx, 1001, thalamus.ToOperator("ana.lima@example.com"))
//	res, err = client.AssignCase(ctx, 1002, thalamus.ToGroup("Tier 2 Support"))
//
// The credentials travel in the Thalamus-Touchpoint and Thalamus-Token
// headers. Instances that need them in the query string can use
// WithCredentialsInQuery; query strings end up in proxy logs, so prefer the
// headers. Either way the token never appears in a log line or an error (it
// is redacted even when a server echoes it) and never follows a redirect to
// another host.
//
// # Operator sessions
//
// Operations on cases need a logged-in operator: without a session Thalamus
// answers 401 (ErrUnauthorized). WithOperatorLogin gives the client an
// operator's principal and password, and the client then manages the
// session itself:
//
//	client, err := thalamus.NewClient("https://crm.example.com", creds,
//		thalamus.WithOperatorLogin("routing-bot@example.com", os.Getenv("THALAMUS_PASSWORD")))
//
// With it, the client:
//
//   - logs in (POST {"principal", "password"} with the touchpoint
//     credentials) before its first call, or when you call Login;
//   - logs in again once, and retries the call once, when an answer shows
//     the session is gone, in whatever form the deployment gives it: a 401,
//     a write answered with a 301, 302 or 303 (a redirect towards the login
//     page, never followed), or a 2xx answer that is not JSON (the login
//     page itself, where a read's redirect led); a second sign of it is
//     returned as an error (ErrUnauthorized, or ErrUnexpectedResponse),
//     never as a success;
//   - makes concurrent calls wait for one shared login (each gives up
//     waiting when its context ends), so an expiry never causes a login
//     storm, and share its failure;
//   - returns a failed login as an error matching ErrLoginFailed and the
//     answer's sentinels (ErrUnauthorized for wrong credentials), and sends
//     nothing else; a login answered 400 PartyAlreadyLoggedin counts as
//     logged in; a login answered with a page rather than JSON failed;
//   - does not repeat a login the server refused (400, 401, 403): later
//     calls fail at once with the same error until you call Login, so a bulk
//     job with a wrong password makes one attempt, not one per item, and
//     never locks the operator account; a login that failed for another
//     reason (5xx, a lost connection) is tried again by the next call;
//   - on Logout, calls GET /api/v3/logout and drops the session cookies; the
//     next call logs in again.
//
// The login URL: the documentation does not print it. An unauthenticated
// session context (a 401's body, the logout answer) lists it as the link
// with "ref": "login", and the client uses that link once it has seen one,
// provided it points into the same instance: the link is decoded once,
// resolved against the instance URL, and taken only when it is on the same
// origin (scheme, host and port) and under the instance's path, with no
// dot segment in any encoding, no query, user info or fragment, and no
// credential of the client's in it; a link anywhere else is ignored. Before that it uses the path
// given with WithLoginPath, or DefaultLoginPath
// (/api/v3/thalamus_security_check, the link the documentation's contexts
// show). When the first login is refused and its answer links elsewhere in
// the instance, the client tries that link once.
//
// The password is a secret like the token: it is checked for control
// characters, redacted from every error, body excerpt and log line (even
// when a server echoes it), and travels only in the login body, to the
// instance's own origin: a redirect that would carry a request body to
// another origin is refused. An empty password is for touchpoints
// configured for passwordless login; otherwise the documentation's bounds
// (4 to 100 characters) are checked before anything is sent.
//
// Cookies are kept across calls in an http.CookieJar: yours, if the
// http.Client given with WithHTTPClient has one (Logout then expires the
// instance's cookies in it at every path the client calls; see Logout for
// what stays), or the client's own (which Logout empties).
//
// # Validation
//
// Before anything is sent: the case instance id must be positive, and the
// Assignee must name exactly one target: both is ErrBothTargets, neither is
// ErrNoTarget (each also matches ErrInvalidInput). The e-mail must be a
// single plain address (no display name, no control characters); a group
// name must not be blank.
//
// # Results
//
// AssignCase answers 201 with the session context and the case; GetCase
// (GET /api/v4/cases/{id}) answers the case. Every answer is read from each
// form Thalamus uses: the bare case object (as the get-case documentation
// shows), {"context", "case"} (as the assign-case documentation shows), and the API's common envelope
// {"links", "data": {"activities", "entity"}, "errors"}. The context,
// links, activities and errors are kept as raw JSON in AssignmentResult.
// When none of these holds the case, the first member holding an object is
// read. AssignCase and GetCase refuse a 2xx answer that is not such a
// document (an HTML page, an empty or truncated body, no case object, a
// case without an id) or that holds another case than the one asked for:
// the error matches ErrUnexpectedResponse, since nothing in it says the
// work was done.
//
// The case is typed (id, categoryCode, typeCode, status, resolution,
// comments, caseData). Comments are the documentation's comment objects
// ([]Comment: id, description, other members kept); a plain string from an
// older server is read as one Comment and written back as that string while
// it is unchanged. Every other member, and any known member whose value
// does not fit its type, is kept in Case.Extra, and json.Marshal writes
// everything back, and AssignmentResult.Raw keeps the whole body.
//
// # Errors
//
// A 400 answer carries {"errors": {"<field>": "<code>", ...}}, where the same
// field can appear twice. Every pair is kept, in order, as FieldErrors
// (reachable with errors.As), and each code is matched by its sentinel with
// errors.Is, whatever its casing: invalidId (ErrInvalidID), operatorNotValid
// (ErrOperatorNotValid), invalidName (ErrInvalidGroupName), isNotAuthorized
// (ErrNotAuthorized), blocked (ErrOperatorBlocked), invalid (ErrBothTargets)
// and missing (ErrNoTarget). APIError.Code holds the first code.
//
// # Bulk, retries and limits
//
// AssignCases assigns many cases to one assignee with BulkOptions.Concurrency
// requests in flight (default 8) and returns one Outcome per case, in input
// order, with a *BulkError exactly when some case failed. Defaults: 4 retries on 429, 502, 503, 504 and connection errors,
// jittered exponential backoff from 250ms to 30s, Retry-After honoured (one
// longer than the maximum wait ends the call with ErrRateLimited), a 32 MiB
// body cap. Assigning a case is idempotent, so retrying the PUT is safe.
// Thalamus publishes no rate limits; WithRateLimit adds a client-side one.
// After a throttle the whole client waits out the server's pause and paces
// itself (WithoutAdaptivePace turns that off); retries after failures
// draw on a budget of 100 that successes refill (WithRetryBudget), so an
// outage makes calls fail fast (ErrRetryBudget). WithLimiter shares one
// rate budget among processes; WithTryHook sees every try.
//
// # Testing
//
// Package thalamustest is an in-memory instance with operators, groups and
// cases that answers with the same codes, for your own tests.
package thalamus

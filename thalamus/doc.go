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
// The client keeps cookies across calls in an http.CookieJar (yours, if the
// http.Client given with WithHTTPClient has one), since Thalamus manages
// sessions with cookies. A request without a valid session gets 401,
// ErrUnauthorized.
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
// Thalamus answers 201 with the session context and the case. The context is
// kept as raw JSON. The case is typed (id, categoryCode, typeCode, status,
// resolution, comments, caseData); every other member, and any known member
// whose value does not fit its type, is kept in Case.Extra, and json.Marshal
// writes everything back. The key holding the case in the answer is not
// documented: the package reads "case", or else the first other member that
// holds an object. Any 2xx counts as success, and AssignmentResult.Raw keeps
// the whole body, typed or not.
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

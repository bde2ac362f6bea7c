// Package actionmgmt assigns and unassigns users in the roles of Forsta
// Plus (formerly Confirmit) Action Management cases.
//
// # Getting started
//
// API users get bearer tokens from the Forsta identity server with
// grant_type=api-user. APIUserTokenSource fetches them, caches them and
// replaces them RefreshBefore (a minute) before they expire, or a quarter
// of their life before it when they live less than four minutes; the
// client takes a token from the source on every try. A token the API
// refuses before its expiry (401: revoked, rotated) is dropped, a new one
// fetched once for all the calls it failed, and each call sent once more:
//
//	tokens := actionmgmt.APIUserTokenSource(ctx, actionmgmt.TokenConfig{
//		TokenURL:     actionmgmt.EuroTokenURL,
//		ClientID:     os.Getenv("FORSTA_CLIENT_ID"),
//		ClientSecret: os.Getenv("FORSTA_CLIENT_SECRET"),
//		Scopes:       []string{"pub.hubs"},
//	})
//	client, err := actionmgmt.NewClient(actionmgmt.EuroURL, tokens)
//	cs, err := client.AssignUser(ctx, hubID, caseID, actionmgmt.RoleMember{RoleID: roleID, UserID: userID})
//
// Any oauth2.TokenSource works; an error from it is returned as is. With a
// source of your own, a 401 is returned (ErrUnauthorized): the client
// cannot make your source forget the refused token.
//
// # Assigning
//
// Action Management has no assignment endpoint: a user is put in a role by
// reading the case, changing the role's users and writing the whole case
// back. AssignUser and UnassignUser do that in one step and are idempotent:
// when the user is already in the role (or already gone) no PUT is sent. A
// role the case does not have is an error matching ErrNotFound, and nothing
// is written. Only active users of the program's End User List can be put
// in a role; the server refuses others with a 400. ListRoles and
// QueryEndUsers / AllEndUsers find the ids. MoveUser moves a user from one
// role to another in one GET and one PUT (and writes nothing when the move
// already happened); a user in neither role is an error matching
// ErrNotFound, and nothing is written. ModifyCase is the general form: one
// read-modify-write under the per-case lock, with a PUT only when your
// change changed something, and none when it returns an error; a call on
// the same case from inside your change function is refused with
// ErrReentrant (it would wait for the lock its caller holds). A GET or a
// PUT that answers another case than the one asked for is an error
// (ErrUnexpectedResponse), and after such a GET no PUT follows.
//
// # Finding cases
//
// QueryCases posts the case list query (POST .../hubs/{hubId}/cases/query):
// CaseQuery carries top (1 to 100; 0 for the API's default of 20), skip,
// filters, include, orderBy and orderByAscending, and is checked before
// sending. The filter objects are passed through as given (json.RawMessage):
// the how-to documents them and the SDK does not restate their grammar.
// AllCases pages through every selected case with skip.
//
// # Dates
//
// Forsta writes case dates in RFC 3339 and role and user dates as
// "2021-06-04 13:51:04.967-00:00", and a date may be empty or null (no due
// date). Date decodes all of them without ever failing, writes back the
// exact text it read, and gives the instant with Time where the text
// parses.
//
// # Nothing is lost
//
// Case, CaseRole, RoleUser, ListValue and Source type the fields the API
// documents and keep every other member the server sent, at every level, so
// UpdateCase writes back exactly what GetCase read plus your change. Members
// that were present are written back even when zero (isClosed: false,
// cost: 0) or null; members that were absent are not invented.
//
// # Concurrent writers
//
// The server keeps the last write: it offers no ETag, If-Match or version
// check. Calls on the same case through one Client are serialized by a
// per-case lock (held only for that case, released and dropped when done),
// so 25 concurrent AssignUser calls on one case end with all 25 users there,
// while calls on different cases run in parallel. Writers outside this
// Client (another process, the web UI) can still interleave with it, and
// then one change is lost: use a single Client per process, and avoid
// editing a case elsewhere while a bulk job runs on it.
//
// # Retries, limits and errors
//
// Defaults: 4 retries on 429, 502, 503, 504 and connection errors, jittered
// exponential backoff from 250ms to 30s, Retry-After honoured (one longer
// than the maximum wait ends the call with ErrRateLimited), a 32 MiB body
// cap. A replayed PUT writes the same whole case, so retrying it is safe.
// A 408 (the server timed the request out) is not retried. Forsta
// publishes no rate limits; WithRateLimit adds a client-side one. The shape
// of 400 bodies is not documented: the message is read from the usual
// members and the whole body is in APIError.Body.
// After a throttle the whole client waits out the server's pause and paces
// itself (WithoutAdaptivePace turns that off); retries after failures
// draw on a budget of 100 that successes refill (WithRetryBudget), so an
// outage makes calls fail fast (ErrRetryBudget). WithLimiter shares one
// rate budget among processes; WithTryHook sees every try.
//
// # Testing
//
// Package actionmgmttest is an in-memory hub with roles, end-user lists,
// cases and a token endpoint, for your own tests.
package actionmgmt

// Package coralogix assigns and unassigns Coralogix cases.
//
// # Getting started
//
// Create a client with an API key that has the case:Assign permission, in
// the region your account lives in (EU1 by default):
//
//	client, err := coralogix.NewClient(os.Getenv("CORALOGIX_API_KEY"),
//		coralogix.WithRegion(coralogix.EU2))
//
// The key is sent as "Authorization: Bearer <key>". A call to the wrong
// region fails even with a valid key: Coralogix then answers the exact body
// "Not Found: Not Found", which this package reports as ErrUnknownRoute (it
// also matches ErrNotFound) rather than as a missing case. Every error names
// the region and the URL it called.
//
// # Assigning
//
// AssignCases assigns up to 1000 cases to one user in one PUT. Case ids are
// case UUIDs or readable ids such as "CASE-123"; user ids are UUIDs (the
// SDK sends UUIDs in lower case, as the API wants them). Both are checked before anything is sent, and a bad one is reported
// as a *ValidationError naming the field, e.g. "ids[3]":
//
//	cases, err := client.AssignCases(ctx, coralogix.AssignCasesRequest{
//		Assignee: coralogix.UserDetails{UserID: userID},
//		IDs:      []string{"CASE-123", "CASE-124"},
//	})
//
// AssignCase (POST, one case), UnassignCases (DELETE with repeated ids
// parameters), UnassignCase and GetCase complete the family. ListCases reads
// one page and AllCases iterates over every page, until a page announces no
// nextPageToken: a page with no case that still carries one (the key's
// permissions hid its cases, PBACTruncated) does not end the list.
//
//	for c, err := range client.AllCases(ctx, &coralogix.ListCasesRequest{}) { ... }
//
// ListCaseEvents reads a case's Activity timeline, its assignment history
// included: each CaseEvent names its actor and its EventData; an
// assignment and an unassignment are typed (EventData.Assigned,
// EventData.Unassigned), and every other kind of event is named by
// EventData.Kind and kept verbatim in EventData.Variant.
//
// A 2xx answer that is not the call's document (an HTML page, an empty or
// truncated body, a case list without "cases", a page without
// "pagination") is an error matching ErrUnexpectedResponse, never an empty
// success; a write answered with a 301, 302 or 303 is one too (it is never
// followed as a GET).
//
// # Bulk
//
// AssignCasesInBatches and UnassignCasesInBatches take any number of ids,
// remove duplicates, and send requests of at most 1000 ids with
// BulkOptions.Concurrency in flight (default 8). Results are per id:
// BatchResult.SucceededIDs holds the ids the server confirmed (its answer
// holds the case, changed as asked), in input order, and Failures one entry
// per refused id (or per group of ids that failed together, for a 5xx or a
// lost connection). A batch refused for its content (400, 404, 409, 422: an
// unknown or closed case) is split and sent again until the refused ids are
// isolated, within MaxSplitRequests (1000) extra requests a batch; an id the
// answer leaves out fails with ErrNotConfirmed. BulkOptions.DiscardCases
// keeps no case in the result (memory flat in the number of ids), and
// BulkOptions.OnOutcome counts successes and failures as the job runs.
//
// # Cases
//
// Case has every field of the Cases API's schema, typed: timestamps are
// time.Time, enums are named string types, and the one-of objects (impacted
// entities, suppression, Prometheus alert status, resolved-by actor) are
// structs with one pointer per variant. Responses are not validated: unknown
// enum values and odd values (the documentation's own sample carries a
// non-hex alert version and an empty duration) decode as they are, and
// members the package does not model are kept in Case.Extra and written back
// by json.Marshal. A known member whose value does not fit its field (a
// timestamp that does not parse) leaves the field empty and is kept in
// Extra too, so one odd member never fails a case, a page or a timeline;
// a one-of object holding two variants types neither and is kept whole.
// Re-encoding a decoded case adds no member the server did not send.
//
// # Retries, limits and errors
//
// Defaults: 4 retries on 429, 502, 503, 504 and connection errors, with
// jittered exponential backoff from 250ms to 30s; Retry-After (seconds or
// HTTP date) is honoured, and one longer than the maximum wait ends the call
// at once with ErrRateLimited and APIError.RetryAfter. Every call here sets
// or clears an assignment, so retrying it, POST and DELETE included, is
// safe. Response bodies are capped at 32 MiB. No client-side rate limit is
// set by default, and Coralogix publishes no numbers; WithRateLimit adds one.
// After a throttle the whole client waits out the server's pause and paces
// itself (WithoutAdaptivePace turns that off); retries after failures
// draw on a budget of 100 that successes refill (WithRetryBudget), so an
// outage makes calls fail fast (ErrRetryBudget). WithLimiter shares one
// rate budget among processes; WithTryHook sees every try.
//
// Errors: every non-2xx answer is an *APIError; errors.Is maps it onto
// ErrRejected (400, 422: a closed case, for one), ErrUnauthorized,
// ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited and ErrServer. Coralogix's JSON errors {"code", "message"} and its legacy
// plain-text errors ("Not Found: <message>") both land in APIError.Message.
//
// # Testing
//
// Package coralogixtest is an in-memory Cases server with the same routes,
// rules and error bodies, for your own tests.
package coralogix

// Package rootly assigns and unassigns people in Rootly incident roles.
//
// # Getting started
//
//	client, err := rootly.NewClient(os.Getenv("ROOTLY_API_TOKEN"))
//	inc, err := client.AssignRoleToUser(ctx, incidentID, rootly.AssignRoleRequest{
//		UserID:         "317",                                  // a numeric string
//		IncidentRoleID: "f8e941d9-1172-4544-afdc-b40f4eb20c77", // a UUID
//	})
//
// The token is sent as "Authorization: Bearer <token>" to
// https://api.rootly.com (WithBaseURL for another origin). Requests and
// answers are JSON:API documents (application/vnd.api+json).
//
// People know each other by e-mail and roles by slug, while the API wants
// ids: AssignRoleByEmail resolves both (filter[email], keeping only the
// user whose address matches exactly, ignoring case; filter[slug], exact),
// remembers them for five minutes
// (WithLookupCacheTTL), and returns ErrNotFound without assigning anything
// when either is unknown.
//
// # Incidents
//
// Assign, unassign and GetIncident return the incident typed: its
// attributes, the nested creator, status-change users and severity, and
// Roles, each role assignment with its role and user resolved from the
// document's included resources. Times keep their fractional seconds and
// offsets; attributes that are null or absent both stay zero (nil for
// optional times and users). The incident's services and teams (the
// "groups" attribute) are typed too. Nothing is lost: every model
// (Incident, RoleAssignment, IncidentRole, User, Severity, Service, Team)
// keeps its resource object exactly as the server sent it in Raw, so the
// spec's 135 incident attributes and every relationship are there even
// where the package types only a few. A resource of the wrong type is reported as a *TypeMismatchError
// (matching ErrUnexpectedResponse), naming what was expected and found.
//
// A role that does not allow several users replaces its holder when you
// assign someone else; unassigning someone who does not hold the role
// changes nothing. Both are idempotent, which makes retrying the POST and
// the DELETE safe.
//
// An incident id may be the incident's UUID or its slug
// ("1-checkout-errors"): every incident call accepts either.
// GetUser (GET /v1/users/{id}, "me" for the token's own user) and
// GetIncidentRole (GET /v1/incident_roles/{id}) read one resource.
//
// # Lists
//
// ListIncidents, ListIncidentRoles and ListUsers take go-querystring options
// (page[number], page[size], filter[...], sort) and keep the list's links and
// meta. ListIncidentsOptions expresses every one of the 163 query
// parameters of GET /v1/incidents in Rootly's swagger, and sends nothing
// else: a plain field is the filter itself (Status, TeamNames,
// ServiceIDs, ...), a ...Match field its operator forms (eq, not_eq, in,
// not_in: StatusMatch{In: []string{"started", "mitigated"}}), a TimeRange
// a time window's bounds (StartedAt{Since: yesterday}); Include and Sort
// too. ListUsersOptions and ListIncidentRolesOptions do the same for their
// operations. Incident and role ids are a UUID or a slug (^[a-z0-9_-]+$),
// user ids numeric or "me", checked before anything is sent; a sequential
// number (INC-123) is found with ListIncidentsOptions.SequentialID. AllIncidents,
// AllIncidentRoles and AllUsers iterate over every page; they read the next
// page number from meta (next_page, total_pages) or the next link (a string
// or a JSON:API link object) and request it from the client's own base URL,
// so a link naming another host is never followed. An empty page that
// announces more does not end them. AllIncidents also pages by cursor:
// from ListIncidentsOptions.PageAfter, or from the first page that offers
// only meta.next_cursor. A list answer without its "data" array is an
// error matching ErrUnexpectedResponse, never an empty page.
//
// # Bulk and rate limits
//
// AssignRoles makes many assignments with BulkOptions.Concurrency requests
// in flight (default 8) and one Outcome per item, in input order; its error
// is a *BulkError exactly when some item failed. Rootly allows about 3000
// requests a minute per API key for reads, and as many for writes (a
// sliding window). The client honours
// Retry-After and, when an answer says X-RateLimit-Remaining: 0, waits for
// X-RateLimit-Reset (a Unix time) before its next request; a reset beyond
// the maximum retry wait is not waited for, and calls fail at once with
// ErrRateLimited and APIError.RetryAfter. For bulk jobs, WithRateLimit(45,
// 10) stays under the limit with room for other clients of the same key.
//
// # Errors
//
// Error answers are JSON:API errors documents ({"errors": [{"title",
// "status", "code", "detail"}]}): APIError.Message is the first title,
// APIError.Code its code, and every error object is reachable with
// errors.As(err, &rootly.ErrorObjects{}). A 404 reads "Not found or
// unauthorized": Rootly does not say which. A few endpoints answer
// Rails-style {"field": ["message"]}; those become ErrorObjects with Field
// set. Defaults: 4 retries on 429, 502, 503, 504 and connection errors,
// jittered backoff from 250ms to 30s, a 32 MiB body cap.
// After a throttle the whole client waits out the server's pause and paces
// itself (WithoutAdaptivePace turns that off); retries after failures
// draw on a budget of 100 that successes refill (WithRetryBudget), so an
// outage makes calls fail fast (ErrRetryBudget). WithLimiter shares one
// rate budget among processes; WithTryHook sees every try.
//
// # Testing
//
// Package rootlytest is an in-memory Rootly API with incidents, roles, users,
// paging, rate-limit headers and the same error documents, for your own tests.
package rootly

package main

// Vendor is what differs between the packages in the files gen writes.
// Texts are comment text without the "// " prefix, lines as they are to be
// wrapped.
type Vendor struct {
	Pkg    string // the package name (set by gen)
	Vendor string // the vendor's product name, as the docs name it

	// public.go
	APIErrorNote  string // after the APIError summary: the vendor's error document
	BulkFor       string // the bulk methods BulkOptions and BulkError belong to
	BulkErrorFor  string // the methods returning BulkError, when more than BulkFor
	UnwrapDoc     string // APIError.Unwrap's doc: the details the package decodes
	FieldExample  string // ValidationError.Field's examples, quoted
	Concurrency   string // BulkOptions.Concurrency's doc
	OnProgress    string // the opening of BulkOptions.OnProgress's doc
	Unit          string // what a bulk call counts: "ids", "cases", ...
	BulkFields    string // fields BulkOptions has beyond the common ones (Go source)
	BulkFailed    string // BulkError.Failed's doc
	BulkErrs      string // BulkError.Errs's doc
	BulkErrorFunc bool   // the package's bulk runner needs bulkError
	RateLimitDoc  string // RateLimit.Limit's doc
	BaseURLDoc    string // WithBaseURL's doc
	RateLimitOpt  string // WithRateLimit's doc
	BaseURLWhat   string // what Client.BaseURL returns: "the API origin", ...

	// fake.go
	FakeRateLimit string // what SetRateLimit adds to answers, beyond the 429 ("" for nothing)
	NewClientDoc  string // the test server's NewClient doc
	NewClientBody string // its body (Go source)
	FakeImports   string // imports NewClient needs beyond the client package
}

// vendors is the table: one row per package.
var vendors = map[string]Vendor{
	"coralogix": {
		Vendor: "Coralogix",
		APIErrorNote: `The exact answer "Not Found: Not Found" (a route Coralogix does not
serve: check the region or base URL) also matches ErrUnknownRoute.`,
		BulkFor:      "AssignCasesInBatches and UnassignCasesInBatches",
		BulkErrorFor: "AssignCases and UnassignCases (ids the answer does not confirm), AssignCasesInBatches and UnassignCasesInBatches",
		UnwrapDoc: `Unwrap returns ErrUnknownRoute for the answer "Not Found: Not Found",
ErrNotFound for a 400 that says a case was not found, and nil otherwise.`,
		FieldExample: `"ids[3]", "assignee.userId"`,
		Concurrency:  "Concurrency is the number of requests in flight; 0 (or less) means 8.",
		OnProgress: `OnProgress, when set, is called after each batch with the number
of ids done and the total (ids, whatever their batch).`,
		Unit: "ids",
		BulkFields: `// DiscardCases keeps no case in BatchResult.Cases: a job of any size
// then holds only its ids (SucceededIDs and Failures are filled as
// always), so its memory stays flat in the number of ids.
DiscardCases bool`,
		BulkFailed: `Failed is how many ids failed; Total is how many there were. Errs has
one error per failure of BatchResult.Failures (an id, or ids that
failed together), so len(Errs) can be smaller than Failed.`,
		BulkErrs: "Errs holds each failure's error, in input order.",
		RateLimitDoc: `Limit, Remaining and Used are the headers' numbers (the first number
of X-RateLimit-Limit when it lists several); -1 when the answer did
not send that header. Coralogix documents no rate-limit headers, so
they are -1 unless a server or proxy in front of it sends them.`,
		BaseURLDoc: `WithBaseURL sets the API origin, with an optional path prefix: https only,
except for loopback hosts. The SDK appends /mgmt/openapi/5/... to it.`,
		BaseURLWhat: "the API origin",
		NewClientDoc: `NewClient returns a coralogix.Client for the server: its base URL and its
API key (APIKey) are set, then opts (which may override them). It is what
a test of your own code needs; every test server has it.`,
		NewClientBody: `return coralogix.NewClient(s.APIKey, append([]coralogix.Option{coralogix.WithBaseURL(s.URL)}, opts...)...)`,
	},
	"thalamus": {
		Vendor: "Thalamus",
		APIErrorNote: `Every (field, code) pair of a 400 is reachable with
errors.As(err, &thalamus.FieldErrors{}), and the codes the API documents
match their sentinels (ErrOperatorBlocked, ...).`,
		BulkFor:      "AssignCases",
		UnwrapDoc:    "Unwrap returns the FieldErrors of a 400 that lists them, or nil.",
		FieldExample: `"caseInstanceID", "to.email"`,
		Concurrency:  "Concurrency is the number of requests in flight; 0 (or less) means 8.",
		OnProgress: `OnProgress, when set, is called after each case with the number
of cases done and the total.`,
		Unit:          "cases",
		BulkFailed:    "Failed is how many cases failed; Total is how many there were.",
		BulkErrs:      "Errs holds each failure's error, in input order (one per failed case).",
		BulkErrorFunc: true,
		RateLimitDoc: `Limit, Remaining and Used are the headers' numbers (the first number
of X-RateLimit-Limit when it lists several); -1 when the answer did
not send that header. Thalamus documents no rate-limit headers, so
they are -1 unless a server or proxy in front of it sends them.`,
		BaseURLDoc: `WithBaseURL overrides serverURL: scheme, host and optional path prefix;
https only, except for loopback hosts.`,
		BaseURLWhat: "the instance URL",
		NewClientDoc: `NewClient returns a thalamus.Client for the server: its base URL and its
touchpoint and token (Touchpoint, Token) are set, then opts (which may
override them). It is what a test of your own code needs; every test
server has it.`,
		NewClientBody: `return thalamus.NewClient(s.URL, thalamus.Credentials{Touchpoint: s.Touchpoint, Token: s.Token}, opts...)`,
	},
	"actionmgmt": {
		Vendor: "Action Management",
		APIErrorNote: `Action Management's error bodies are not documented: Message holds
what could be read of them.`,
		BulkFor:      "AssignUsers and UnassignUsers",
		UnwrapDoc:    "Unwrap returns nil: Action Management's error bodies carry no documented details.",
		FieldExample: `"caseID", "hubID"`,
		Concurrency: `Concurrency is the number of cases worked on at once (each one GET
and at most one PUT at a time); 0 (or less) means 8.`,
		OnProgress: `OnProgress, when set, is called as each case's pairs are settled,
with the number of pairs done and the total.`,
		Unit:          "pairs",
		BulkFailed:    "Failed is how many pairs failed; Total is how many there were.",
		BulkErrs:      "Errs holds each failure's error, in input order (one per failed pair).",
		BulkErrorFunc: true,
		RateLimitDoc: `Limit, Remaining and Used are the headers' numbers (the first number
of X-RateLimit-Limit when it lists several); -1 when the answer did
not send that header. Action Management documents no rate-limit
headers, so they are -1 unless a server or proxy in front of it sends
them.`,
		BaseURLDoc: `WithBaseURL overrides baseURL: scheme, host and optional path prefix;
https only, except for loopback hosts.`,
		BaseURLWhat: "the site URL",
		NewClientDoc: `NewClient returns an actionmgmt.Client for the server: its base URL and an
APIUserTokenSource for its identity endpoint (TokenURL, ClientID,
ClientSecret) are set, then opts (which may override them). It is what a
test of your own code needs; every test server has it.`,
		NewClientBody: `tokens := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{TokenURL: s.TokenURL(), ClientID: s.ClientID, ClientSecret: s.ClientSecret})
return actionmgmt.NewClient(s.URL, tokens, opts...)`,
		FakeImports: `"context"`,
	},
	"rootly": {
		Vendor: "Rootly",
		APIErrorNote: `Message is the first error object's title and detail ("Validation
failed: User 9 does not exist") and Code its code; every error object
is reachable with errors.As(err, &rootly.ErrorObjects{}).`,
		BulkFor:      "AssignRoles",
		UnwrapDoc:    "Unwrap returns the answer's ErrorObjects, or nil when it held none.",
		FieldExample: `"incidentID", "UserID"`,
		Concurrency:  "Concurrency is the number of requests in flight; 0 (or less) means 8.",
		OnProgress: `OnProgress, when set, is called after each assignment with the
number of assignments done and the total.`,
		Unit:          "assignments",
		BulkFailed:    "Failed is how many assignments failed; Total is how many there were.",
		BulkErrs:      "Errs holds each failure's error, in input order (one per failed assignment).",
		BulkErrorFunc: true,
		RateLimitDoc: `Limit, Remaining and Used are the headers' numbers (the first number
of X-RateLimit-Limit, which Rootly sends as "<limit>, <limit>;window=<seconds>",
e.g. "1000, 1000;window=3600"); -1 when the answer did not send that
header.`,
		BaseURLDoc: `WithBaseURL sets the API origin (default https://api.rootly.com), with an
optional path prefix; https only, except for loopback hosts.`,
		RateLimitOpt: `WithRateLimit limits the client to perSecond requests with the given
burst; 0 disables (the default). Rootly allows about 3000 requests a
minute per API key for reads, and as many for writes: WithRateLimit(45,
10) keeps a bulk job under it with room for other clients of the key.`,
		BaseURLWhat: "the API origin",
		FakeRateLimit: `Every answer carries X-RateLimit-Limit ("<burst>, <burst>;window=<seconds
to fill the burst>"), -Remaining, -Used and -Reset (a Unix time), as
Rootly's do.`,
		NewClientDoc: `NewClient returns a rootly.Client for the server: its base URL and its API
token (Token) are set, then opts (which may override them). It is what a
test of your own code needs; every test server has it.`,
		NewClientBody: `return rootly.NewClient(s.Token, append([]rootly.Option{rootly.WithBaseURL(s.URL)}, opts...)...)`,
	},
}

package proof

// attackClasses is the section of RELIABILITY.md that lists the attack
// classes the SDK is tested against, and the tests that cover each.
// reliabilityReport appends it, so a regenerated file keeps it.
const attackClasses = `
## Attack classes covered

Each class below has a test that fails when its defence is removed (checked by
taking each defence out in turn and running the test). Every test runs under
` + "`-race`" + `, in packages whose TestMain runs goleak.

| class | defence | tests |
|---|---|---|
| A server echoes a secret back (literal, URL-escaped, JSON ` + "`\\u0074`" + ` or ` + "`\\/`" + ` escaped, HTML entities, mixed) | ` + "`core.RedactSecrets`" + ` matches every form; the error body is redacted before any field (message, code, Thalamus field errors, Rootly error objects) is decoded from it; request ids and header values are redacted | TestEchoedSecretsRedactedInEveryForm (4 packages and Thalamus query mode, 400/401/422), FuzzRedactSecrets, TestRedactSecretsEveryEchoForm |
| A caller's own token source | every credential value the client sends is remembered (last 8) and redacted, whatever source gave it | TestCallerTokenSourceIsRedacted |
| An identity server that echoes the client secret | token errors are redacted in their text and in the ` + "`*oauth2.RetrieveError`" + ` fields a caller can read | TestTokenFetchErrorsAreRedacted |
| A token request redirected to another origin (307/308 would re-post the secret) | the token client refuses any redirect off the token URL's origin; the token URL must be https (loopback excepted); the secret goes in the form, once | TestTokenRequestNeverLeavesItsOrigin, TestTokenRequestSendsFormOnceAndOutlivesItsContext |
| Credentials carried across origins by a redirect (headers, cookies, query, Referer) | CheckRedirect drops credential headers, cookies and Referer on a cross-origin hop and credential query parameters on every hop; https to http refused | TestQueryCredentialsNeverInReferer, TestNoCredentialFollowsARedirect |
| A base URL that smuggles credentials (user info, query, fragment) | refused; the error names at most scheme and host and never wraps a ` + "`*url.Error`" + ` quoting the input | TestParseBaseURLErrorsNeverRepeatSecrets |
| A server-chosen path (redirect Location) in debug logs | host and path are redacted before logging | TestRedirectPathInDebugLogIsRedacted, TestNoSecretInLogsErrorsOrURLs |
| Formatting clients, options, credentials and errors with any verb (` + "`%s %v %+v %#v %q`" + `) | Clients, Credentials, TokenConfig and the token source print redacted forms; secrets sit behind a pointer fmt never follows; errors' GoString prints only redacted text | TestFormattingNeverPrintsSecrets |
| nil context, nil ` + "`*Client`" + `, zero ` + "`Client{}`" + ` on every method (bulk and iterators included) | every method checks first and returns ` + "`ErrInvalidInput`" + ` with nothing sent | TestNoPanicOnNilZeroClientOrNilContext (all methods found by reflection) |
| A panic in the caller's OnProgress | recovered in the SDK's worker, no new item starts, and raised again in the caller's goroutine | TestOnProgressPanicReachesTheCaller, TestRunBulkOnProgressPanic |
| Control characters in credentials (header splitting) | ` + "`NewClient`" + ` and ` + "`APIUserTokenSource`" + ` refuse 0x00-0x1f and 0x7f | TestControlCharactersInCredentialsRefused |
| Retry-After or X-RateLimit-Reset too large for int64 | counts as the longest wait: ` + "`ErrRateLimited`" + ` at once, no retry | TestRetryAfterOverflowIsAVeryLongWait, TestRetryAfterParsing |
| A Content-Length near the cap with a short body | the first buffer is at most 256 KiB; buffers grow by what arrives | TestDeclaredLengthIsNotAllocatedUpFront |
| X-RateLimit-Remaining: 0 with a far reset | calls fail at once with ` + "`ErrRateLimited`" + ` and RetryAfter (StatusCode 0: not sent) instead of each waiting the max wait | TestRateLimitHeadersPauseTheNextTry |
| A client-side limiter wait longer than the deadline | the error matches ` + "`context.DeadlineExceeded`" + ` | TestLimiterWaitBeyondDeadlineIsDeadlineExceeded |
| A server that always announces another page, or repeats one | iterators stop with ` + "`ErrUnexpectedResponse`" + ` on a repeated token or page, or after MaxPages (10,000); Rootly look-ups after LookupMaxPages (20) | TestEndlessPagingIsBounded |
| A GET that answers another case (Action Management) | an error, and no PUT can overwrite the other case | TestCaseIDMismatchIsAnErrorAndNothingIsWritten |
| Plain http to ` + "`*.localhost`" + ` names | not loopback: resolvers may send them to DNS, so they need WithInsecureHTTP | TestParseBaseURL, TestIsLoopback, TestPlainHTTPRefusedForRemoteHosts |
`

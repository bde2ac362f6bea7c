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
| A write answered 301, 302 or 303 (net/http would follow it as a GET and report the page it lands on as the write's success) | the redirect is refused before it is followed: ` + "`*WriteRedirectError`" + ` matching ` + "`ErrUnexpectedResponse`" + `, naming the status and the redacted Location; not retried | TestWriteRedirectIsNotASuccess, TestNoCredentialFollowsARedirect, TestFaultMatrix (302 row) |
| A 2xx answer that is not the call's document (an HTML page, XML, an empty, blank, null or truncated body, ` + "`{}`" + `, a list without its array) | ` + "`Response.CheckJSON`" + ` and each decoder's required members: ` + "`ErrUnexpectedResponse`" + ` for every call of every package, never a success or an empty page | TestNoOddAnswerIsASuccess (every call of every package), TestCallRefusesAnswersThatAreNotTheDocument, TestOnly2xxWithTheCaseIsSuccess |
| A Thalamus session gone in any form (401, a redirect to the login page, the login page itself) | one login and one retry; a second sign of it is an error, never an assignment | TestEverySignOfALostSessionLogsInAgain, TestLostSessionAfterTheNewLoginIsNotASuccess |
| A wrong operator password under a bulk job (account lockout) | concurrent calls share one login attempt; a refused login is not repeated until Login is called | TestRefusedLoginIsTriedOnce, TestTransientLoginFailureIsSharedThenRetried |
| A login link from the server that leaves the instance (another origin, a path outside it, dot segments in any encoding, a credential in it) | resolved once against the instance URL, then refused unless on its origin and under its path | TestLoginLinkMustStayInTheInstance, TestLoginLinkToAnotherOriginIsIgnored |
| Session cookies left in a caller's jar after Logout | expired at every path the client calls, host-only and host-domain | TestLogoutDropsCookiesOfEveryPath |
| A Forsta token revoked or rotated before its expiry | the 401 drops the cached token; one shared fetch; the call is sent once more | TestRevokedTokenIsReplacedOnce, TestOwnTokenSource401IsReturned |
| A short-lived token fetched again for every call | the refresh lead is at most a quarter of the token's life | TestTokenCachingAndRefresh, TestTokenRefreshLeadIsAFractionOfItsLife |
| One 429 on the first request crippling the client (pace stuck at 1/s, calls failed unsent) | a throttle with nothing measured only arms the pace; waiting tries book their turn again when the pace rises and fail only when their context ends | TestOneThrottleThenHealthyKeepsTheFullRate, TestWaitersGoFasterWhenThePaceRises, TestMeasureOneThrottle |
| A decoding error quoting server-sent text (a secret echoed into a timestamp) | the cause of every ` + "`ErrUnexpectedResponse`" + ` is redacted like any other error, in every fmt verb | TestCallRefusesAnswersThatAreNotTheDocument, TestDecodingErrorsNeverQuoteASecret |
| A document nested deeper than the decoder's limit, or cut short anywhere | an error, never a partly filled model with a nil error | TestHostileDocumentsAreErrorsNotPartialModels |
| A one-of object holding two variants (Coralogix events and actors) | neither is typed; the whole object is kept and written back | TestOddEventsAreKeptNotFailed |
| One unparsable timestamp (or any member that does not fit its type) in a Coralogix page or timeline | that member is kept verbatim in Extra; the case, page and timeline decode | TestOddEventsAreKeptNotFailed, TestLenientKeepsWhatDoesNotFit |
| A quadratic decode (Rootly: 30,000 roles and 30,000 included) | included resources are looked up through an index; a big answer is decoded apart from the caller, whose context ends the call | TestManyRolesResolveThroughAnIndex, BenchmarkDecodeManyRoles, TestDeadlineIsHonouredWhileDecoding |
| A panic in a try hook during a bulk call | recovered in the worker, raised again in the caller's goroutine | TestRunBulkPanicInAnItemReachesTheCaller, TestTryHookPanicInABulkCallReachesTheCaller |
| ModifyCase called again on the same case from its own change function (a deadlock until the context ends) | refused at once with ` + "`ErrReentrant`" + ` | TestReentrantModifyCaseIsRefused |
| One refused id in a Coralogix batch (all-or-nothing or partial server) | the batch is split until the refused ids are isolated (at most MaxSplitRequests extra requests); ids the answer does not confirm fail with ` + "`ErrNotConfirmed`" + ` | TestOneRefusedIDNeverSinksItsBatch, TestSplittingIsBounded, TestAnswerMustShowTheChange |
| An empty page that is not the end (Coralogix token, Rootly next_page or cursor), a page shorter than top (Forsta) | iterators end only when the server says nothing more remains | TestIteratorGoesPastEmptyPages, TestIteratorsFollowOddButValidPaging, TestIteratorsGoOnPastPagesShorterThanTop |
| A member that only looks like a known one (` + "`_id`, `i_d`, `workflow_id`" + `: the JSON engine's case-insensitive matching ignores ` + "`_` and `-`" + `), passing one case off as another | names match as ` + "`strings.EqualFold`" + ` matches them, as with encoding/json; an answer about another object is ` + "`ErrUnexpectedResponse`, or `ErrNotConfirmed`" + ` in a bulk answer | TestUnmarshalMatchesNamesAsEncodingJSON, TestAnswersAboutAnotherObjectAreNotSuccesses |
| A UUID sent as a case's ` + "`readableId`" + `, confirming another case in a bulk answer | only a readable id of the documented form confirms | TestAnswersAboutAnotherObjectAreNotSuccesses |
| A secret echoed as a member name or value of a 2xx answer that does not decode (the engine's errors quote a JSON pointer cut to about 100 bytes) | decoding errors are ` + "`jsonx.DecodeError`" + `: offset, JSON kind and Go type, nothing of the document | TestDecodeErrorHoldsNothingOfTheDocument |
| Bulk results that share memory with the caller's slice of ids | failures hold copies; changing the slice after the call changes nothing in the result | TestBatchResultDoesNotShareTheCallersIDs |
| A nested one-of holding only a variant the SDK does not know, dropped on write-back | a known member the type cannot hold is written back verbatim; one the caller cleared stays out | TestOverlayKeepsZeroValuedKnownMembers, FuzzDecodeCase |

What the SDK does not bound, and says so: a limiter given with WithLimiter, a try hook, an
OnProgress or OnOutcome callback, or a ModifyCase change function that ignores its context and
blocks holds the call (and, for a change function, the case's lock) for as long as it blocks.
A JSON document that repeats a member name is read as encoding/json reads it: the last value
wins for typed fields (Thalamus field errors keep every pair, in order).
`

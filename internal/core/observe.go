package core

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Try describes one try of a call, as the try hook receives it.
type Try struct {
	Method    string        // the HTTP method
	Path      string        // the request path, without query (redacted like everything else)
	Status    int           // the answer's status; 0 when no answer came
	Attempt   int           // 1 for the first try of the call, 2 for the first retry, ...
	Duration  time.Duration // from sending the request to reading the whole body
	Err       error         // why no usable answer came (nil when one did); redacted
	RequestID string        // the answer's request id, where it sent one
	RateLimit RateLimit     // the answer's X-RateLimit-* headers
}

// RateLimit is what an answer's X-RateLimit-* headers said.
type RateLimit struct {
	// Limit, Remaining and Used are the headers' numbers (the first number
	// of X-RateLimit-Limit, which Rootly sends as "1000, 1000;window=3600");
	// -1 when the answer did not send that header.
	Limit, Remaining, Used int
	// Reset is when the window resets (zero when not sent).
	Reset time.Time
	// Seen is when the answer arrived; zero when no answer has carried
	// rate-limit headers yet.
	Seen time.Time
}

// RateLimit returns the rate-limit state of the last answer that carried
// X-RateLimit-* headers, with Seen zero before any did. Safe for
// concurrent use.
func (c *Client) RateLimit() RateLimit {
	if c == nil {
		return RateLimit{Limit: -1, Remaining: -1, Used: -1}
	}
	if p := c.rateLimit.Load(); p != nil {
		return *p
	}
	return RateLimit{Limit: -1, Remaining: -1, Used: -1}
}

// The rate-limit headers, in canonical form: Header.Get with a
// non-canonical key allocates the canonical one on every call.
const (
	headerRLLimit     = "X-Ratelimit-Limit"
	headerRLRemaining = "X-Ratelimit-Remaining"
	headerRLUsed      = "X-Ratelimit-Used"
	headerRLReset     = "X-Ratelimit-Reset"
)

// parseRateLimit reads the X-RateLimit-* headers; ok is false when there
// are none.
func parseRateLimit(h http.Header, now time.Time) (rl RateLimit, ok bool) {
	lim, rem, used, reset := h.Get(headerRLLimit), h.Get(headerRLRemaining), h.Get(headerRLUsed), h.Get(headerRLReset)
	if lim == "" && rem == "" && used == "" && reset == "" {
		return RateLimit{}, false
	}
	rl = RateLimit{Limit: firstInt(lim), Remaining: firstInt(rem), Used: firstInt(used), Seen: now}
	if d, ok := rateLimitReset(h, now); ok {
		rl.Reset = now.Add(d)
	}
	return rl, true
}

// firstInt reads the leading integer of v, -1 when there is none.
func firstInt(v string) int {
	v = strings.TrimSpace(v)
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(v[:end])
	if err != nil {
		return -1
	}
	return n
}

package thalamus

import (
	"context"
	"strings"
)

// DecodeResult exposes the SDK's answer decoding to the benchmarks.
var DecodeResult = decodeResult

// LoginLinkWithin exposes the login link check: the path a link gives
// below instance, or false.
func LoginLinkWithin(instance, href string, secrets ...string) (string, bool) {
	c, err := NewClient(instance, Credentials{Touchpoint: "tp", Token: "tok-0123456789"}, WithOperatorLogin("op", "pass-word"))
	if err != nil {
		panic(err)
	}
	free := func(t string) bool {
		for _, s := range secrets {
			if strings.Contains(t, s) {
				return false
			}
		}
		return c.core.Redact(t) == t
	}
	return c.session.within(href, free)
}

// SharedLoginFailure logs c in with ctx, as a call waiting for the login
// lock would, and returns the failure the next waiter would be handed.
func SharedLoginFailure(c *Client, ctx context.Context) (login, shared error) {
	s := c.session
	seen := s.tries.Load()
	login = c.login(ctx)
	return login, s.sharedFailure(seen)
}

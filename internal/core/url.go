package core

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseBaseURL checks a base URL: an http(s) origin with an optional path
// prefix, no query, fragment or user info. Plain http is accepted for loopback
// hosts, or for any host when insecure is true. The returned URL has no
// trailing slash in its path, so operation paths can be appended as they are.
func ParseBaseURL(raw string, insecure bool) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("base URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecure && !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("base URL %q: plain http is allowed only for loopback hosts (use WithInsecureHTTP to allow it on purpose)", u.Redacted())
		}
	default:
		return nil, fmt.Errorf("base URL %q: scheme must be https or http", u.Redacted())
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("base URL %q: no host", u.Redacted())
	}
	if u.User != nil {
		return nil, errors.New("base URL: credentials in the URL are not allowed")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, fmt.Errorf("base URL %q: must not have a query string", u.Redacted())
	}
	if u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q: must not have a fragment", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	if u.RawPath != "" && u.EscapedPath() != u.RawPath {
		u.RawPath = ""
	}
	for _, seg := range strings.Split(strings.TrimPrefix(u.Path, "/"), "/") {
		if seg == "." || seg == ".." {
			return nil, fmt.Errorf("base URL %q: path must not contain dot segments", u.Redacted())
		}
	}
	return u, nil
}

// IsLoopback reports whether host (without port) names the local machine:
// "localhost", a name under ".localhost", or a loopback IP address.
func IsLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// ErrBadSegment is wrapped by PathError for input that cannot be a path segment.
var ErrBadSegment = errors.New("not a valid path segment")

// Path joins an operation's documented path with escaped segments taken from
// caller input. A segment that is empty, "." or ".." is refused, and every
// other byte that is not unreserved in a path segment is percent-encoded, so
// no input can reach another path. The result starts with "/".
func Path(prefix string, segments ...string) (string, error) {
	n := len(prefix)
	for _, s := range segments {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("%q: %w", s, ErrBadSegment)
		}
		n += 1 + len(s)*3
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String(), nil
}

// sameOrigin reports whether u has the scheme and host of base.
func sameOrigin(u, base *url.URL) bool {
	return strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(u.Host, base.Host)
}

// cleanURL renders u without query, fragment or user info.
func cleanURL(u *url.URL) string {
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return c.String()
}

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
//
// An error never repeats the URL's user info, query or fragment (nor a parse
// error that would quote them): it names at most the scheme and host.
func ParseBaseURL(raw string, insecure bool) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("base URL is empty")
	}
	if HasControl(raw) {
		return nil, errors.New("base URL contains control characters")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// *url.Error quotes the whole input: never repeat it.
		return nil, errors.New("base URL cannot be parsed as a URL")
	}
	switch {
	case u.User != nil:
		return nil, errors.New("base URL must not hold user info (credentials)")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errors.New("base URL must not have a query string")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, errors.New("base URL must not have a fragment")
	case u.Opaque != "":
		return nil, errors.New("base URL must be scheme://host[/path]")
	}
	shown := u.Scheme + "://" + u.Host
	switch u.Scheme {
	case "https":
	case "http":
		if !insecure && !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("base URL %q: plain http is allowed only for loopback hosts (use WithInsecureHTTP to allow it on purpose)", shown)
		}
	default:
		return nil, errors.New("base URL: scheme must be https or http")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("base URL has no host")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	if u.RawPath != "" && u.EscapedPath() != u.RawPath {
		u.RawPath = ""
	}
	for _, seg := range strings.Split(strings.TrimPrefix(u.Path, "/"), "/") {
		if seg == "." || seg == ".." {
			return nil, fmt.Errorf("base URL %q: path must not contain dot segments", shown)
		}
	}
	return u, nil
}

// IsLoopback reports whether host (without port) names the local machine
// for sure: "localhost" or a loopback IP address (127.0.0.0/8, ::1).
//
// Names under ".localhost" do not count: RFC 6761 asks resolvers to map them
// to loopback, but Go's resolver (and many others) sends them to DNS, where
// anyone can answer, so plain http to them needs WithInsecureHTTP like any
// remote host.
func IsLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" {
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

package core

import (
	"fmt"
	"hash/fnv"
	"strconv"
)

// MaxPages is the most pages an iterator reads before it stops with an
// error: a server that always announces another page cannot keep a loop
// (and its requests) going forever.
const MaxPages = 10_000

// Pager guards one iteration over a paged list against a server that
// repeats a page or never stops announcing the next one.
type Pager struct {
	pkg  string
	max  int
	n    int
	seen map[uint64]struct{} // FNV-1a hashes of the keys: 8 bytes a page
}

// NewPager returns a guard for one iteration that reads at most max pages
// (MaxPages when max <= 0).
func NewPager(pkg string, max int) *Pager {
	if max <= 0 {
		max = MaxPages
	}
	return &Pager{pkg: pkg, max: max, seen: map[uint64]struct{}{}}
}

// Next is called before reading each page, the first included, with a key
// naming it where the list pages by token (empty otherwise): it returns an
// error matching ErrUnexpectedResponse when max pages have been read, or
// when that token was announced before.
func (p *Pager) Next(key string) error {
	p.n++
	if p.n > p.max {
		return fmt.Errorf("%s: paging stopped after %d pages: %w (the server keeps announcing more; the limit is %d)", p.pkg, p.max, ErrUnexpectedResponse, p.max)
	}
	return p.Seen(key)
}

// Seen records a key naming a page by its content (the ids it holds), or
// by its token: a key seen before is an error matching
// ErrUnexpectedResponse, since the server is sending the same page again.
// An empty key is never a repeat.
func (p *Pager) Seen(key string) error {
	if key == "" {
		return nil
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	sum := h.Sum64()
	if _, dup := p.seen[sum]; dup {
		return fmt.Errorf("%s: paging stopped at page %s: %w (the server sent a page it had sent already)", p.pkg, strconv.Itoa(p.n), ErrUnexpectedResponse)
	}
	p.seen[sum] = struct{}{}
	return nil
}

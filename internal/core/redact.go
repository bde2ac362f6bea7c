package core

import (
	"strings"
	"unicode/utf8"
)

// Redacted is what stands in for a secret in errors, logs and formatted values.
const Redacted = "[REDACTED]"

// RedactSecrets replaces every occurrence of each secret in s with
// "[REDACTED]", in every form a server can echo it back:
//
//   - literally;
//   - URL-escaped, byte by byte (%2F or %2f, and + for a space);
//   - JSON-escaped (\/, \", \\, \n ..., \u0074 in any hex case, surrogate
//     pairs for characters beyond the BMP);
//   - HTML-escaped (&amp; &lt; &gt; &quot; &#39; &#116; &#x74;).
//
// The forms may be mixed within one echo. Empty secrets are ignored. It
// never allocates when no secret occurs in s.
//
// A secret shorter than ShortSecret bytes is redacted only where it stands
// as a whole token: where it begins (ends) with a letter or digit, not
// preceded (followed) by one. A short
// touchpoint code such as "tp" or an API key "k" would otherwise garble
// every word holding it ("ht[REDACTED]", "loo[REDACTED]up"); a server that
// echoes it echoes it as a value, between quotes, spaces or punctuation.
// Longer secrets are redacted wherever they occur.
func RedactSecrets(s string, secrets ...string) string {
	var b strings.Builder
	last := 0 // s[last:i] is not yet copied
	for i := 0; i < len(s); {
		end := -1
		for _, sec := range secrets {
			if sec == "" {
				continue
			}
			e := matchEcho(s, i, sec)
			if e >= 0 && len(sec) < ShortSecret {
				e = wholeToken(s, i, e, sec)
			}
			end = max(end, e)
		}
		if end < 0 {
			i++
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		b.WriteString(Redacted)
		i, last = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// ShortSecret is the length under which a secret is redacted only as a
// whole token (see RedactSecrets).
const ShortSecret = 8

// wholeToken returns where the echo of a short secret that starts at s[i]
// and first ends at e ends as a whole token (echoes run together, such as
// "abcdabcd", count as one), or -1 when it stands inside a longer word.
func wholeToken(s string, i, e int, sec string) int {
	if !boundary(sec, 0) && !boundaryBefore(s, i) {
		return -1
	}
	endsWord := boundary(sec, len(sec)-1)
	best := -1
	for e >= 0 { // each further echo ends further on: the loop ends
		if endsWord || boundary(s, e) {
			best = e
		}
		e = matchEcho(s, e, sec)
	}
	return best
}

// boundaryBefore reports whether the character that ends just before s[i]
// is not a letter or digit, reading it decoded when it was escaped: after
// "%3D", "%20", "\n", "\t" or "\u0020" a token starts, though the byte
// before it is a hex digit or a letter.
func boundaryBefore(s string, i int) bool {
	switch {
	case i >= 3 && s[i-3] == '%' && isHex(s[i-2]) && isHex(s[i-1]):
		v, _ := hexByte(s, i-2)
		return boundary(string([]byte{v}), 0)
	case i >= 6 && s[i-6] == '\\' && s[i-5] == 'u' && isHex(s[i-4]) && isHex(s[i-3]) && isHex(s[i-2]) && isHex(s[i-1]):
		hi, _ := hexByte(s, i-4)
		lo, _ := hexByte(s, i-2)
		return hi != 0 || boundary(string([]byte{lo}), 0)
	case i >= 2 && s[i-2] == '\\':
		return true // a JSON escape of one character: none is a letter or digit but \b \f \n \r \t, all spacing
	}
	return boundary(s, i-1)
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// boundary reports whether s[i] is outside s or not an ASCII letter or
// digit: a token may end (or start) next to it.
func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
}

// matchEcho returns the end of an echo of sec that starts at s[i], or -1.
func matchEcho(s string, i int, sec string) int {
	budget := maxEchoSteps
	return matchFrom(s, i, sec, 0, &budget)
}

// maxEchoSteps bounds the backtracking of one match attempt. Only secrets
// made of escape characters ('%', '\', '&', '+') can come near it; past it
// the text is treated as an echo, the safe side.
const maxEchoSteps = 1 << 12

// matchFrom matches sec[k:] at s[j:], trying every form a character can
// take there: a literal '&' may also begin "&amp;", so each alternative is
// tried in turn.
func matchFrom(s string, j int, sec string, k int, budget *int) int {
	for k < len(sec) {
		if j >= len(s) {
			return -1
		}
		if *budget--; *budget <= 0 {
			return j
		}
		c := sec[k]
		var n, size int
		switch s[j] {
		case '%':
			if v, ok := hexByte(s, j+1); ok && v == c {
				n, size = 3, 1
			}
		case '+':
			if c == ' ' {
				n, size = 1, 1
			}
		case '\\':
			n, size = jsonEscape(s, j, sec, k)
		case '&':
			n, size = htmlEscape(s, j, sec, k)
		}
		if n == 0 {
			if s[j] != c {
				return -1
			}
			j, k = j+1, k+1
			continue
		}
		if s[j] == c { // both the escape and the literal fit: try the escape first
			if e := matchFrom(s, j+n, sec, k+size, budget); e >= 0 {
				return e
			}
			j, k = j+1, k+1
			continue
		}
		j, k = j+n, k+size
	}
	return j
}

// jsonEscape matches a JSON escape at s[j] against the character at sec[k]:
// it returns how many bytes of s and of sec it covers, or 0, 0.
func jsonEscape(s string, j int, sec string, k int) (n, size int) {
	if j+1 >= len(s) {
		return 0, 0
	}
	c := sec[k]
	switch s[j+1] {
	case '/', '"', '\\':
		if s[j+1] == c {
			return 2, 1
		}
		return 0, 0
	case 'b', 'f', 'n', 'r', 't':
		if simpleEscapes[s[j+1]] == c {
			return 2, 1
		}
		return 0, 0
	case 'u':
	default:
		return 0, 0
	}
	v, ok := hex4(s, j+2)
	if !ok {
		return 0, 0
	}
	r, rsize := utf8.DecodeRuneInString(sec[k:])
	if rsize == 1 && r == utf8.RuneError {
		return 0, 0
	}
	if v == r {
		return 6, rsize
	}
	// A character beyond the BMP is a surrogate pair.
	if v >= 0xD800 && v < 0xDC00 && j+12 <= len(s) && s[j+6] == '\\' && s[j+7] == 'u' {
		lo, ok := hex4(s, j+8)
		if ok && lo >= 0xDC00 && lo < 0xE000 && 0x10000+(v-0xD800)<<10+(lo-0xDC00) == r {
			return 12, rsize
		}
	}
	return 0, 0
}

var simpleEscapes = [256]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

var htmlNamed = []struct {
	name string
	c    byte
}{{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}

// htmlEscape matches an HTML character reference at s[j] against sec[k].
func htmlEscape(s string, j int, sec string, k int) (n, size int) {
	for _, e := range htmlNamed {
		if e.c == sec[k] && strings.HasPrefix(s[j:], e.name) {
			return len(e.name), 1
		}
	}
	if j+3 >= len(s) || s[j+1] != '#' {
		return 0, 0
	}
	p, base := j+2, rune(10)
	if s[p] == 'x' || s[p] == 'X' {
		p, base = p+1, 16
	}
	var v rune
	start := p
	for p < len(s) && p-start < 8 {
		d, ok := digitVal(s[p], base)
		if !ok {
			break
		}
		v = v*base + d
		p++
	}
	if p == start || p >= len(s) || s[p] != ';' {
		return 0, 0
	}
	r, rsize := utf8.DecodeRuneInString(sec[k:])
	if v != r || (rsize == 1 && r == utf8.RuneError) {
		return 0, 0
	}
	return p + 1 - j, rsize
}

func digitVal(c byte, base rune) (rune, bool) {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0'), true
	case base == 16 && 'a' <= c && c <= 'f':
		return rune(c-'a') + 10, true
	case base == 16 && 'A' <= c && c <= 'F':
		return rune(c-'A') + 10, true
	}
	return 0, false
}

func hexByte(s string, i int) (byte, bool) {
	if i+2 > len(s) {
		return 0, false
	}
	hi, ok1 := digitVal(s[i], 16)
	lo, ok2 := digitVal(s[i+1], 16)
	return byte(hi<<4 | lo), ok1 && ok2
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var v rune
	for p := i; p < i+4; p++ {
		d, ok := digitVal(s[p], 16)
		if !ok {
			return 0, false
		}
		v = v<<4 | d
	}
	return v, true
}

// HasControl reports whether s holds a control character (0x00-0x1f or
// 0x7f), which no credential may contain: it could split a header.
func HasControl(s string) bool {
	for i := range len(s) {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// CheckCredential refuses an empty credential or one with control
// characters. The value itself never appears in the error.
func CheckCredential(pkg, field, value string) error {
	if HasControl(value) {
		return Invalid(pkg, field, "contains control characters")
	}
	if strings.TrimSpace(value) == "" {
		return Invalid(pkg, field, "is empty")
	}
	return nil
}

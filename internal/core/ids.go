package core

import "strings"

// IsUUID reports whether s is 8-4-4-4-12 hexadecimal digits; with lowerOnly,
// only lower-case digits count.
func IsUUID(s string, lowerOnly bool) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		case !lowerOnly && 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// LowerUUID returns s lower-cased when it is a UUID in any case, for APIs
// that want lower case; anything else comes back as it is. It allocates
// only when there is an upper-case digit to change.
func LowerUUID(s string) string {
	if !IsUUID(s, false) || IsUUID(s, true) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// LowerUUIDs is LowerUUID for each of ids; the slice is copied only when
// one of them changes, so the caller's is never modified.
func LowerUUIDs(ids []string) []string {
	var out []string
	for i, id := range ids {
		if l := LowerUUID(id); l != id {
			if out == nil {
				out = append([]string(nil), ids...)
			}
			out[i] = l
		}
	}
	if out == nil {
		return ids
	}
	return out
}

// SameResource reports whether the resource an answer is about, with this
// id and alias (a readable id or a slug, "" when the answer has none), is
// the one ref names: by id (a UUID in any case), or, when ref is not a
// UUID, by alias. An answer without the alias cannot disagree with it; an
// answer without an id is about nothing.
func SameResource(id, alias, ref string) bool {
	switch {
	case id == "":
		return false
	case strings.EqualFold(id, ref):
		return true
	case IsUUID(ref, false):
		return false
	}
	return alias == ref || alias == ""
}

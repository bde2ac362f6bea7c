package core

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

package core

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// echoes returns every form a server can echo sec in.
func echoes(sec string) map[string]string {
	js, _ := json.Marshal(sec)
	var uAll, uUpper strings.Builder
	for _, r := range sec {
		if r > 0xFFFF {
			r1, r2 := utf16Pair(r)
			fmt.Fprintf(&uAll, `\u%04x\u%04x`, r1, r2)
			fmt.Fprintf(&uUpper, `\u%04X\u%04X`, r1, r2)
			continue
		}
		fmt.Fprintf(&uAll, `\u%04x`, r)
		fmt.Fprintf(&uUpper, `\u%04X`, r)
	}
	var pctAll, entDec, entHex strings.Builder
	for i := range len(sec) {
		fmt.Fprintf(&pctAll, "%%%02x", sec[i])
	}
	for _, r := range sec {
		fmt.Fprintf(&entDec, "&#%d;", r)
		fmt.Fprintf(&entHex, "&#x%X;", r)
	}
	return map[string]string{
		"literal":       sec,
		"json":          string(js[1 : len(js)-1]),
		"json-slash":    strings.ReplaceAll(string(js[1:len(js)-1]), "/", `\/`),
		"json-u-lower":  uAll.String(),
		"json-u-upper":  uUpper.String(),
		"query-escaped": url.QueryEscape(sec),
		"path-escaped":  url.PathEscape(sec),
		"pct-all-lower": pctAll.String(),
		"pct-all-upper": strings.ToUpper(pctAll.String()),
		"html":          html.EscapeString(sec),
		"html-dec":      entDec.String(),
		"html-hex":      entHex.String(),
	}
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}

func TestRedactSecretsEveryEchoForm(t *testing.T) {
	t.Parallel()
	for _, sec := range []string{"s3cr3t-Token/+=", "tok en&<b>\"q'", "ключ-🔑-key", "abcd"} {
		for form, echo := range echoes(sec) {
			t.Run(form+"/"+sec, func(t *testing.T) {
				t.Parallel()
				in := `{"message":"bad: ` + echo + `", "x": "` + echo + echo + `"}`
				out := RedactSecrets(in, "other-secret", sec)
				assert.NotContains(t, out, sec)
				assert.NotContains(t, out, echo)
				if len(sec) >= ShortSecret {
					assert.Equal(t, 3, strings.Count(out, Redacted), out)
				} else {
					assert.Equal(t, 2, strings.Count(out, Redacted), "echoes run together are one token: %s", out)
				}
				assert.True(t, strings.HasPrefix(out, `{"message":"bad: [REDACTED]`), out)
			})
		}
	}
}

func TestRedactSecretsMixedFormsAndNoFalseMatch(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "a [REDACTED] b", RedactSecrets(`a s\u0033c%72%33t-T\u006Fken\/+= b`, "s3cr3t-Token/+="))
	assert.Equal(t, "nothing here: s3cr3t", RedactSecrets("nothing here: s3cr3t", "s3cr3t-Token"))
	assert.Equal(t, `broken \u00 and %z and &#;`, RedactSecrets(`broken \u00 and %z and &#;`, "zz"))
	assert.Equal(t, "x", RedactSecrets("x", ""))
	// The longest match at a position wins, so a secret that is a prefix
	// of another leaves no tail behind.
	assert.Equal(t, "[REDACTED]!", RedactSecrets("abcdef!", "abc", "abcdef"))
	// A literal '&' that is not an entity still matches literally.
	assert.Equal(t, "[REDACTED]", RedactSecrets("a&b&amp;c", "a&b&c"))
}

// A short secret is redacted where it stands as a token, never inside a
// longer word: a key "k" must not turn "lookup" into "loo[REDACTED]up".
func TestShortSecretsAreRedactedAsWholeTokensOnly(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, sec, want string }{
		{"lookup failed for key k", "k", "lookup failed for key [REDACTED]"},
		{"http://host/x?touchpoint=tp", "tp", "http://host/x?touchpoint=[REDACTED]"},
		{`{"token":"tp"}`, "tp", `{"token":"[REDACTED]"}`},
		{`{"token":"tptp"}`, "tp", `{"token":"[REDACTED]"}`},
		{"tp", "tp", "[REDACTED]"},
		{`token tp`, "tp", `token [REDACTED]`},
		{"a s3cr3t-Token/+=b", "s3cr3t-Token/+=", "a [REDACTED]b"}, // long: anywhere
		// After an escaped separator a token starts, though the byte
		// before it is a hex digit or a letter.
		{"token%3Dabc123", "abc123", "token%3D[REDACTED]"},
		{"q=key%20abc123&x=1", "abc123", "q=key%20[REDACTED]&x=1"},
		{`{"m":"bad key:\nabc123"}`, "abc123", `{"m":"bad key:\n[REDACTED]"}`},
		{`\tabc123`, "abc123", `\t[REDACTED]`},
		{`\u0020abc123`, "abc123", `\u0020[REDACTED]`},
		{"x" + strings.Repeat("abc123", 100) + " ", "abc123", "x" + strings.Repeat("abc123", 100) + " "}, // inside a word, however long
		{" " + strings.Repeat("abc123", 100) + " ", "abc123", " [REDACTED] "},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, RedactSecrets(tt.in, tt.sec), tt.in)
	}
}

func TestRedactSecretsAllocatesNothingWithoutAMatch(t *testing.T) {
	s := strings.Repeat(`{"title":"Invalid token","status":"401"} `, 20)
	allocs := testing.AllocsPerRun(100, func() { _ = RedactSecrets(s, "s3cr3t-Token/+=", "another") })
	assert.Equal(t, 0.0, allocs)
}

func TestCheckCredential(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "  ", "a\x00b", "a\rb", "a\nb", "tok\n", "a\tb", "a\x1fb", "a\x7fb", "\x01"} {
		err := CheckCredential("p", "token", bad)
		assert.ErrorIs(t, err, ErrInvalidInput, "%q", bad)
		if strings.TrimSpace(bad) != "" {
			assert.NotContains(t, err.Error(), bad)
		}
	}
	for _, good := range []string{"abc", "s3cr3t-Token/+=", "ключ", "a b"} {
		assert.NoError(t, CheckCredential("p", "token", good), good)
	}
}

// FuzzRedactSecrets checks that no echo form of a secret survives, and that
// text is changed only where an echo was replaced.
func FuzzRedactSecrets(f *testing.F) {
	f.Add("s3cr3t-Token/+=", "prefix ", " suffix")
	f.Add("ключ-🔑", `{"a":"`, `"}`)
	f.Add("a b&c", "%", "\\")
	f.Fuzz(func(t *testing.T, sec, pre, post string) {
		if len(sec) < 4 || !utf8.ValidString(sec) || strings.ContainsRune(sec, utf8.RuneError) {
			return
		}
		for form, echo := range echoes(sec) {
			if len(sec) < ShortSecret {
				// A short secret is redacted as a whole token, never inside
				// a longer word (which pre and post may make around it).
				if out := RedactSecrets(" "+echo+" ", sec); out != " "+Redacted+" " {
					t.Fatalf("%s: %q gives %q", form, echo, out)
				}
				if out := RedactSecrets(pre+" "+echo+" "+post, sec); !strings.Contains(out, Redacted) {
					t.Fatalf("%s: %q not redacted in %q", form, sec, out)
				}
				continue
			}
			out := RedactSecrets(pre+echo+post, sec)
			if strings.Contains(out, sec) {
				t.Fatalf("%s: %q survives in %q", form, sec, out)
			}
		}
		if out := RedactSecrets(pre, sec); !strings.Contains(out, Redacted) && out != pre {
			t.Fatalf("changed %q to %q", pre, out)
		}
	})
}

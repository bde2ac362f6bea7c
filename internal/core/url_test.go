package core

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw      string
		insecure bool
		want     string
		wantErr  string
	}{
		{raw: "https://api.coralogix.com", want: "https://api.coralogix.com"},
		{raw: "https://api.coralogix.com/", want: "https://api.coralogix.com"},
		{raw: "https://proxy.example.com/prefix/", want: "https://proxy.example.com/prefix"},
		{raw: "https://proxy.example.com/prefix", want: "https://proxy.example.com/prefix"},
		{raw: "https://proxy.example.com/a//", want: "https://proxy.example.com/a"},
		{raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{raw: "http://localhost:8080/x/", want: "http://localhost:8080/x"},
		{raw: "http://[::1]:8080", want: "http://[::1]:8080"},
		{raw: "http://api.example.com", wantErr: "plain http"},
		{raw: "http://api.example.com", insecure: true, want: "http://api.example.com"},
		{raw: "http://127.0.0.1.example.com", wantErr: "plain http"},
		{raw: "ftp://api.example.com", wantErr: "scheme"},
		{raw: "api.example.com", wantErr: "scheme"},
		{raw: "", wantErr: "empty"},
		{raw: "https://", wantErr: "no host"},
		{raw: "https://user:pw@api.example.com", wantErr: "credentials"},
		{raw: "https://pw@api.example.com", wantErr: "credentials"},
		{raw: "http://localhost:1/#", wantErr: "fragment"},
		{raw: "https://api.example.com?", wantErr: "query"},
		{raw: "http://api.localhost:8080", wantErr: "plain http"},
		{raw: "http://api.localhost:8080", insecure: true, want: "http://api.localhost:8080"},
		{raw: "https://api.example.com/\x00", wantErr: "control"},
		{raw: "https://api.example.com/\x7f", wantErr: "control"},
		{raw: "https://api.example.com?token=x", wantErr: "query"},
		{raw: "https://api.example.com/#frag", wantErr: "fragment"},
		{raw: "https://api.example.com/a/../b", wantErr: "dot segments"},
		{raw: "https://api.example.com/%zz", wantErr: "base URL"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			u, err := ParseBaseURL(tt.raw, tt.insecure)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "pw@")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, u.String())
		})
	}
}

// TestParseBaseURLErrorsNeverRepeatSecrets feeds base URLs that carry a
// secret where no secret belongs (user info, query, fragment) or that fail to
// parse around one, and looks for the secret in the error.
func TestParseBaseURLErrorsNeverRepeatSecrets(t *testing.T) {
	t.Parallel()
	const sec = "Zq9SECRETvalue"
	for _, raw := range []string{
		"https://user:" + sec + "@api.example.com",
		"https://" + sec + "@api.example.com",
		"https://api.example.com/?token=" + sec,
		"https://api.example.com/#" + sec,
		"http://user:" + sec + "@api.example.com/?token=" + sec + "#" + sec,
		"https://api.example.com:" + sec,
		"https://api.exa mple.com/?token=" + sec,
		"https://api.example.com/%zz?token=" + sec,
		"https://api.example.com/\x7f" + sec,
		"https://api.example.com/" + sec + "\x00",
		"ftp://user:" + sec + "@api.example.com",
		"http://" + sec + ".example.com/?t=" + sec,
		"https://user:" + sec + "@api.example.com/a/../b",
		"https://api.example.com/a/../b?token=" + sec,
	} {
		_, err := ParseBaseURL(raw, false)
		if !assert.Error(t, err, raw) {
			continue
		}
		assert.NotContains(t, err.Error(), sec, raw)
		var ue *url.Error
		assert.False(t, errors.As(err, &ue), "no *url.Error quoting the input")
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "api.localhost": false, "a.b.localhost": false, "127.0.0.1": true,
		"127.1.2.3": true, "::1": true, "[::1]": true, "localhost.": true,
		"example.com": false, "10.0.0.1": false, "localhost.example.com": false, "": false,
	} {
		assert.Equal(t, want, IsLoopback(host), host)
	}
}

func TestPathEscapesSegments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seg  string
		want string
	}{
		{"CASE-123", "/c/CASE-123"},
		{"a/b", "/c/a%2Fb"},
		{"../admin", "/c/..%2Fadmin"},
		{"x?y=1", "/c/x%3Fy=1"},
		{"x#frag", "/c/x%23frag"},
		{"%2e%2e", "/c/%252e%252e"},
		{"a b", "/c/a%20b"},
		{"é", "/c/%C3%A9"},
	}
	for _, tt := range tests {
		got, err := Path("/c", tt.seg)
		require.NoError(t, err, tt.seg)
		assert.Equal(t, tt.want, got, tt.seg)
		u, err := url.Parse("https://h" + got)
		require.NoError(t, err)
		assert.Equal(t, "/c/"+tt.seg, u.Path, "the segment decodes back to the input")
		assert.Equal(t, 2, strings.Count(u.EscapedPath(), "/"), "the input stays in one segment")
	}
	for _, bad := range []string{"", ".", ".."} {
		_, err := Path("/c", bad)
		assert.True(t, errors.Is(err, ErrBadSegment), bad)
	}
	got, err := Path("/v1/incidents", "abc", "assign_role_to_user")
	require.NoError(t, err)
	assert.Equal(t, "/v1/incidents/abc/assign_role_to_user", got)
}

func FuzzPath(f *testing.F) {
	for _, s := range []string{"CASE-1", "../x", "a/b", "%2e", "?#", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		p, err := Path("/c", seg)
		if err != nil {
			return
		}
		u, err := url.Parse("https://h" + p)
		if err != nil {
			t.Fatalf("built path %q does not parse: %v", p, err)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("segment %q escaped into query or fragment: %q", seg, p)
		}
		if strings.Count(u.EscapedPath(), "/") != 2 {
			t.Fatalf("segment %q left its segment: %q", seg, p)
		}
		if u.Path != "/c/"+seg {
			t.Fatalf("segment %q decodes to %q", seg, u.Path)
		}
	})
}

func TestIsUUID(t *testing.T) {
	t.Parallel()
	lower := "3f166e9f-3c88-4af2-b52e-138f339dab3e"
	upper := "3F166E9F-3C88-4AF2-B52E-138F339DAB3E"
	assert.True(t, IsUUID(lower, true))
	assert.True(t, IsUUID(lower, false))
	assert.False(t, IsUUID(upper, true))
	assert.True(t, IsUUID(upper, false))
	for _, bad := range []string{"", "3f166e9f3c884af2b52e138f339dab3e", "3f166e9f-3c88-4af2-b52e-138f339dab3g", lower + "0", "3f166e9f-3c88-4af2-b52e_138f339dab3e"} {
		assert.False(t, IsUUID(bad, false), bad)
	}
}

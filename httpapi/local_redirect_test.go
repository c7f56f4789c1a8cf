package httpapi

import (
	"net/url"
	"path"
	"strings"
	"testing"
)

var localRedirectCases = []struct {
	next, want string
}{
	{"", "/"},
	{"/", "/"},
	{"/studio", "/studio"},
	{"/live/main/index.m3u8?x=1#t", "/live/main/index.m3u8?x=1#t"},
	{"studio", "/"},
	{"//evil.example/", "/"},
	{"/\\evil.example/", "/"},
	{"/\t/evil.example/", "/"},
	{"/\n/evil.example/", "/"},
	{"/studio\\..\\", "/"},
	{"https://evil.example/", "/"},
	{"javascript:alert(1)", "/"},
	{"/%2F/evil.example", "/%2F/evil.example"}, // stays on this site
}

func TestLocalRedirect(t *testing.T) {
	for _, c := range localRedirectCases {
		if got := localRedirect(c.next); got != c.want {
			t.Errorf("localRedirect(%q) = %q, want %q", c.next, got, c.want)
		}
	}
}

func FuzzLocalRedirect(f *testing.F) {
	for _, c := range localRedirectCases {
		f.Add(c.next)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := localRedirect(next)
		if got != "/" && got != next {
			t.Fatalf("localRedirect(%q) = %q: neither the input nor /", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" {
			t.Fatalf("localRedirect(%q) = %q leaves the site", next, got)
		}
		// http.Redirect cleans the path; a browser must not read a host either.
		if strings.HasPrefix(path.Clean(u.Path), "//") || strings.ContainsAny(got, "\\\t\r\n") || got[0] != '/' {
			t.Fatalf("localRedirect(%q) = %q may leave the site", next, got)
		}
	})
}

package configs

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestTrustedProxies(t *testing.T) {
	for _, c := range []struct {
		list    []string
		want    []string // prefixes, when valid
		errPart string
	}{
		{nil, nil, ""},
		{[]string{"127.0.0.1"}, []string{"127.0.0.1/32"}, ""},
		{[]string{"10.1.2.3/8", "::1"}, []string{"10.0.0.0/8", "::1/128"}, ""},
		{[]string{"::ffff:192.0.2.0/120"}, []string{"192.0.2.0/24"}, ""},
		{[]string{"nginx"}, nil, "neither an address"},
		{[]string{"10.0.0.0/33"}, nil, "neither an address"},
		{[]string{"127.0.0.1", "0.0.0.0/0"}, nil, "trusts every address"},
		{[]string{"::/0"}, nil, "trusts every address"},
	} {
		h := HTTP{TrustedProxies: c.list}
		err := h.checkTrustedProxies()
		if c.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), c.errPart) {
				t.Errorf("%q: error %v, want one saying %q", c.list, err, c.errPart)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.list, err)
			continue
		}
		var got []string
		for _, p := range h.TrustedPrefixes() {
			got = append(got, p.String())
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: prefixes %q, want %q", c.list, got, c.want)
		}
	}
}

func TestTrustedProxiesFromTheEnvironment(t *testing.T) {
	cfg, err := Load("", []string{"LLCAST_HTTP_TRUSTED_PROXIES=127.0.0.1, 10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	if got := cfg.HTTP.TrustedPrefixes(); !slices.Equal(got, want) {
		t.Errorf("prefixes %v, want %v", got, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
}

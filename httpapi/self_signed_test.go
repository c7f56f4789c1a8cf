package httpapi

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSelfSignedIsKeptAndRenewed(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	hosts := []string{"localhost", "127.0.0.1", "192.168.1.20"}
	first, err := LoadOrCreateSelfSigned(dir, hosts, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		if err := first.Leaf.VerifyHostname(h); err != nil {
			t.Errorf("certificate does not cover %s: %v", h, err)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, SelfSignedKeyFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	again, err := LoadOrCreateSelfSigned(dir, hosts[:2], now.Add(24*time.Hour))
	if err != nil || Fingerprint(again) != Fingerprint(first) {
		t.Fatalf("a restart made a new certificate (%v)", err)
	}
	for name, c := range map[string]struct {
		hosts []string
		now   time.Time
	}{
		"new LAN address": {append(hosts, "10.0.0.7"), now},
		"expiring soon":   {hosts, now.Add(selfSignedLifetime - 10*24*time.Hour)},
	} {
		renewed, err := LoadOrCreateSelfSigned(dir, c.hosts, c.now)
		if err != nil || Fingerprint(renewed) == Fingerprint(first) {
			t.Errorf("%s: kept the old certificate (%v)", name, err)
		}
		first = renewed
	}
	if fp := Fingerprint(first); len(fp) != 32*3-1 {
		t.Errorf("fingerprint %q", fp)
	}
	if Fingerprint(tls.Certificate{}) != "" {
		t.Error("fingerprint of nothing")
	}
}

package main

import "testing"

func TestPickHost(t *testing.T) {
	for _, c := range []struct {
		ips  []string
		want string
	}{
		{nil, "127.0.0.1"},
		{[]string{"fd00::5", "127.0.0.5"}, "127.0.0.5"},
		{[]string{"fd00::5"}, "fd00::5"},
		{[]string{"127.0.0.2", "127.0.0.5"}, "127.0.0.2"},
	} {
		if got := pickHost(c.ips); got != c.want {
			t.Errorf("pickHost(%v) = %q, want %q", c.ips, got, c.want)
		}
	}
}

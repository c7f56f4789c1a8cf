package rtmp

import "testing"

func TestRedact(t *testing.T) {
	cases := []struct{ in, want string }{
		{"unexpected command: {tcUrl rtmp://h/live?key=abc123}", "unexpected command: {tcUrl rtmp://h/live?key=REDACTED}"},
		{"x?a=1&key=abc&b=2", "x?a=1&key=REDACTED&b=2"},
		{"'rtmp://h/live/main?KEY=abc' and key=def", "'rtmp://h/live/main?KEY=REDACTED' and key=REDACTED"},
		{"handshake: EOF", "handshake: EOF"},
	}
	for _, c := range cases {
		if got := redact(c.in); got != c.want {
			t.Errorf("redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

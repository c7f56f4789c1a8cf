package httpapi

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// frameAncestors returns the frame-ancestors directive of a response's
// Content-Security-Policy, without its name.
func frameAncestors(h http.Header) string {
	for d := range strings.SplitSeq(h.Get("Content-Security-Policy"), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "frame-ancestors "); ok {
			return v
		}
	}
	return ""
}

func TestEmbedPage(t *testing.T) {
	for _, c := range []struct {
		name    string
		origins []string
		want    string
	}{
		{"no origins", nil, "'self'"},
		{"two origins", []string{"https://blog.example", "http://127.0.0.1:8081"}, "'self' https://blog.example http://127.0.0.1:8081"},
		{"any", []string{"https://blog.example", "*"}, "*"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newTestServerWith(t, func(s *Server) { s.EmbedOrigins = c.origins })
			// No session: the page is the same for everyone, the link is
			// checked by the media requests.
			r := env.do(t, "GET", "/embed/main", nil, nil, nil)
			if r.status != 200 || r.header.Get("Content-Type") != "text/html; charset=utf-8" ||
				r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("GET /embed/main: %d %v\n%s", r.status, r.header, r.body)
			}
			if got := frameAncestors(r.header); got != c.want {
				t.Errorf("frame-ancestors %q, want %q", got, c.want)
			}
			if xfo := r.header.Get("X-Frame-Options"); xfo != "" {
				t.Errorf("X-Frame-Options %q would refuse every frame", xfo)
			}
			if rp := r.header.Get("Referrer-Policy"); rp != "no-referrer" {
				t.Errorf("Referrer-Policy %q, want no-referrer (a ?token= in the URL must not leak)", rp)
			}
			body := string(r.body)
			for _, want := range []string{`data-src="/live/main/index.m3u8"`, `id="video"`, `id="live"`, `id="poster"`,
				`<script src="/assets/player.js" defer></script>`, `<script src="/assets/embed.js" defer></script>`} {
				if !strings.Contains(body, want) {
					t.Errorf("the embed page lacks %q", want)
				}
			}
			for _, bad := range []string{`login-form`, `class="topbar"`, `id="logout"`, `link-open`} {
				if strings.Contains(body, bad) {
					t.Errorf("the embed page has %q: it is the player alone", bad)
				}
			}
			// Every other page still refuses every frame.
			for _, path := range []string{"/login", "/", "/watch/main", "/healthz", "/assets/style.css"} {
				if got := frameAncestors(env.do(t, "GET", path, nil, nil, nil).header); got != "'none'" {
					t.Errorf("GET %s: frame-ancestors %q, want 'none'", path, got)
				}
			}
		})
	}
}

// TestEmbedPageTokenNotLogged: a token in the embed URL's query (older
// snippets; the fragment never reaches the server) stays out of the log.
func TestEmbedPageTokenNotLogged(t *testing.T) {
	env := newTestServerWith(t, nil)
	const secret = "eyJhbGciOiJFUzI1NiJ9.secret-link-token.sig"
	for _, path := range []string{"/embed/main?token=" + secret, "/live/main/index.m3u8?token=" + secret} {
		env.do(t, "GET", path, nil, nil, nil)
	}
	logs := env.logs.String()
	if !strings.Contains(logs, "path=/embed/main ") {
		t.Fatalf("the request is not in the log:\n%s", logs)
	}
	if strings.Contains(logs, "secret-link-token") {
		t.Fatalf("the token is in the log:\n%s", logs)
	}
}

func TestEmbedPageBadName(t *testing.T) {
	env := newTestServerWith(t, nil)
	for _, path := range []string{"/embed/Bad%3Cb%3E", "/embed/"} {
		if r := env.do(t, "GET", path, nil, nil, nil); r.status != 404 || strings.Contains(string(r.body), "<b>") {
			t.Errorf("GET %s: %d %s, want 404", path, r.status, r.body)
		}
	}
}

// TestEmbedOriginsChecked: what would break the policy's syntax stops
// Start, naming the field.
func TestEmbedOriginsChecked(t *testing.T) {
	for _, o := range []string{"https://a.example; script-src *", "https://a.example https://b.example", "", "'self'"} {
		s := &Server{
			Listen: "127.0.0.1:0", Auth: newTestAuth(t), Users: emptyUsers(t), Streams: fakeStreams{},
			Logger: slog.New(slog.DiscardHandler), EmbedOrigins: []string{o},
		}
		err := s.Start()
		if err == nil {
			_ = s.Close()
			t.Errorf("EmbedOrigins %q: started", o)
			continue
		}
		if !strings.Contains(err.Error(), "EmbedOrigins") {
			t.Errorf("EmbedOrigins %q: %v does not name the field", o, err)
		}
	}
}

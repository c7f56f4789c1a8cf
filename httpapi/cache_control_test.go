package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCacheControl(t *testing.T) {
	for _, c := range []struct {
		name, target string
		status       int
		writeHeader  bool // else the handler only writes a body
		want         string
	}{
		{"part", "/live/main/0a1b2c_video_p12.mp4", 200, true, cacheMedia},
		{"part with a link token", "/live/main/0a1b2c_video_p12.mp4?token=T", 200, true, cacheMedia},
		{"segment", "/live/main/0a1b2c_video_3.mp4", 200, false, cacheMedia},
		{"init", "/live/main/0a1b2c_video_init.mp4", 200, true, cacheMedia},
		{"legacy segment", "/live/main/legacy/0a1b2c_stream_3.ts", 200, true, cacheMedia},
		{"multivariant playlist", "/live/main/index.m3u8", 200, true, cachePlaylist},
		{"multivariant playlist of a link", "/live/main/index.m3u8?token=T", 200, false, cachePlaylist},
		{"media playlist", "/live/main/video.m3u8", 200, true, cachePlaylist},
		{"delta update without msn", "/live/main/video.m3u8?_HLS_skip=YES", 200, true, cachePlaylist},
		{"blocking playlist", "/live/main/video.m3u8?_HLS_msn=12&_HLS_part=3", 200, true, cacheBlockingPlaylist},
		{"blocking playlist of a link", "/live/main/video.m3u8?token=T&_HLS_msn=12", 200, true, cacheBlockingPlaylist},
		{"legacy playlist", "/live/main/legacy/index.m3u8", 200, true, cachePlaylist},
		{"unauthorized", "/live/main/0a1b2c_video_p12.mp4", 401, true, cacheNever},
		{"unknown part", "/live/main/0a1b2c_video_p99.mp4", 404, true, cacheNever},
		{"part not there in time", "/live/main/video.m3u8?_HLS_msn=99", 503, true, cacheNever},
		{"bad msn", "/live/main/video.m3u8?_HLS_msn=x", 400, true, cacheNever},
		{"another kind of file", "/live/main/notes.txt", 200, true, cacheNever},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := CacheControl(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				// What gohlslib sets, which must not survive.
				w.Header().Set("Cache-Control", "public, max-age=30")
				if c.writeHeader {
					w.WriteHeader(c.status)
				}
				_, _ = w.Write([]byte("x"))
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.target, nil))
			if got := rec.Header().Get("Cache-Control"); got != c.want {
				t.Errorf("GET %s → %d: Cache-Control %q, want %q", c.target, c.status, got, c.want)
			}
		})
	}
}

// TestCacheControlOnTheServer checks the middleware's place: a 401 from
// RequireMediaToken is no-store, a playlist served to a session no-cache.
func TestCacheControlOnTheServer(t *testing.T) {
	env := newTestServer(t)
	if got := env.do(t, http.MethodGet, "/live/main/index.m3u8", nil, nil, nil); got.status != 401 ||
		got.header.Get("Cache-Control") != cacheNever {
		t.Errorf("without a cookie: %d %q, want 401 %q", got.status, got.header.Get("Cache-Control"), cacheNever)
	}
	cookie := sessionFor(t, env, "alice", RoleViewer)
	if got := env.do(t, http.MethodGet, "/live/main/index.m3u8", cookie, nil, nil); got.status != 200 ||
		got.header.Get("Cache-Control") != cachePlaylist {
		t.Errorf("with a cookie: %d %q, want 200 %q", got.status, got.header.Get("Cache-Control"), cachePlaylist)
	}
}

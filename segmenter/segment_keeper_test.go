package segmenter

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// fakeMuxer answers file names from a map, counting the requests.
type fakeMuxer struct {
	files   map[string]string
	fetches map[string]int
}

func (f *fakeMuxer) fetch(name string) *bufferedResponse {
	if f.fetches == nil {
		f.fetches = map[string]int{}
	}
	f.fetches[name]++
	r := &bufferedResponse{header: make(http.Header)}
	if body, ok := f.files[name]; ok {
		r.header.Set("Content-Type", "video/mp4")
		r.header.Set("Cache-Control", "public, max-age=3600")
		_, _ = r.Write([]byte(body))
	}
	return r
}

func TestSegmentKeeper(t *testing.T) {
	cases := []struct {
		name     string
		kept     []string      // listed in playlists, in this order, a second apart
		removed  []string      // then gone from the muxer
		after    time.Duration // since the last one was listed
		ask      string
		wantBody string // "" for nothing written
	}{
		{"a removed segment is served", []string{"s1", "s2"}, []string{"s1"}, time.Second, "s1", "one"},
		{"until it is too old", []string{"s1", "s2"}, []string{"s1"}, 9 * time.Second, "s1", ""},
		{"or too many came after it", []string{"s1", "s2", "s3", "s4", "s5"}, []string{"s1"}, 0, "s1", ""},
		{"the last ones within the count stay", []string{"s1", "s2", "s3", "s4", "s5"}, []string{"s2"}, 0, "s2", "two"},
		{"a segment never listed is not served", []string{"s1"}, []string{"s2"}, 0, "s2", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := &fakeMuxer{files: map[string]string{"s1": "one", "s2": "two", "s3": "three", "s4": "four", "s5": "five"}}
			now := time.Unix(1_700_000_000, 0)
			k := newSegmentKeeper(m.fetch, 4, 10*time.Second)
			k.now = func() time.Time { return now }
			for _, name := range c.kept {
				k.keep([]string{name})
				k.keep([]string{name}) // listed again: copied once
				now = now.Add(time.Second)
			}
			for _, name := range c.removed {
				delete(m.files, name)
			}
			now = now.Add(c.after)
			rec := httptest.NewRecorder()
			k.serve(rec, c.ask)
			if rec.Body.String() != c.wantBody {
				t.Fatalf("served %q (status %d), want %q", rec.Body.String(), rec.Code, c.wantBody)
			}
			if c.wantBody != "" && (rec.Header().Get("Content-Type") != "video/mp4" || rec.Header().Get("Cache-Control") == "") {
				t.Errorf("served with headers %v, want the muxer's", rec.Header())
			}
			for name, n := range m.fetches {
				if n > 1 {
					t.Errorf("%s fetched %d times from the muxer", name, n)
				}
			}
		})
	}
}

func TestSegmentKeeperSize(t *testing.T) {
	m := &fakeMuxer{files: map[string]string{"s1": "12345"}}
	k := newSegmentKeeper(m.fetch, 4, 10*time.Second)
	for range 3 {
		if n, ok := k.size("s1"); !ok || n != 5 {
			t.Fatalf("size of s1 = %d, %v; want 5", n, ok)
		}
	}
	if m.fetches["s1"] != 1 {
		t.Errorf("s1 fetched %d times, want once", m.fetches["s1"])
	}
	if _, ok := k.size("nope"); ok {
		t.Error("size of a segment the muxer does not have")
	}
}

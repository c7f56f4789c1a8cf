package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llcast/llcast/httpapi/auth"
)

var publishKey = regexp.MustCompile(`\?key=([0-9a-f]{32})\b`)

// keyIn returns the key in a printed RTMP URL.
func keyIn(t *testing.T, out string) string {
	t.Helper()
	m := publishKey.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no key of 32 hex digits in:\n%s", out)
	}
	return m[1]
}

func TestStreamAddPush(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "", "stream", "add", "obs", "--host", "example.org", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	key := keyIn(t, out)
	for _, want := range []string{
		`"obs"`,
		"rtmp://example.org:1935/live/obs?key=" + key,
		"Server:     rtmp://example.org:1935/live\n",
		"Stream Key: obs?key=" + key + "\n",
		"srt://example.org:8890?streamid=publish:obs:" + key,
		"In OBS set Keyframe Interval to 1 s",
		"/watch/obs",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stream add printed no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "rtmps://") {
		t.Errorf("RTMPS without TLS:\n%s", out)
	}
	st, err := os.Stat(filepath.Join(dir, auth.StreamsFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("streams file: %v, mode %v", err, st.Mode())
	}

	// Flags before the name; the store a server reads knows the key.
	out, _, err = runCLI(t, "", "stream", "add", "--host", "h", "--data", dir, "second")
	if err != nil {
		t.Fatal(err)
	}
	if keyIn(t, out) == key {
		t.Fatal("two streams got the same key")
	}
	store := &auth.StreamStore{Path: filepath.Join(dir, auth.StreamsFile)}
	if err := store.CheckKey("obs", key); err != nil {
		t.Fatalf("the printed key does not open the stream: %v", err)
	}
}

func TestStreamListAndJSON(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "", "stream", "list", "--data", dir)
	if err != nil || !strings.Contains(out, "main") || !strings.Contains(out, "local") {
		t.Fatalf("list before any add: %q %v", out, err)
	}
	out, _, err = runCLI(t, "", "stream", "add", "obs", "--json", "--host", "h", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	var added map[string]any
	if err := json.Unmarshal([]byte(out), &added); err != nil {
		t.Fatalf("add --json: %v\n%s", err, out)
	}
	key, _ := added["key"].(string)
	if added["name"] != "obs" || added["source"] != "push" || len(key) != 32 ||
		added["rtmp"] != "rtmp://h:1935/live/obs?key="+key || added["srt"] != "srt://h:8890?streamid=publish:obs:"+key {
		t.Fatalf("add --json: %s", out)
	}

	out, _, err = runCLI(t, "", "stream", "list", "--data", dir, "--host", "h")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, key) {
		t.Fatalf("list shows a key:\n%s", out)
	}
	for _, want := range []string{"NAME", "SOURCE", "DETAILS", "main", "obs", "push", "rtmp://h:1935/live/obs"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}

	out, _, err = runCLI(t, "", "stream", "list", "--json", "--data", dir, "--host", "h")
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	for _, s := range list {
		for _, field := range []string{"name", "source", "key", "rtmp", "srt", "file", "vod"} {
			if _, ok := s[field]; !ok {
				t.Errorf("list --json: %v has no %q", s["name"], field)
			}
		}
	}
	if list[0]["name"] != "main" || list[0]["key"] != "" || list[0]["rtmp"] != "" || list[1]["key"] != key {
		t.Fatalf("list --json: %s", out)
	}
}

func TestStreamFile(t *testing.T) {
	dir := t.TempDir()
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	makeClip(t, clip, 1)
	out, _, err := runCLI(t, "", "stream", "add", "film", "--file", clip, "--vod", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"film"`, clip, "on demand", "/watch/film"} {
		if !strings.Contains(out, want) {
			t.Errorf("add --file printed no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "rtmp://") || strings.Contains(out, "key") {
		t.Errorf("a file stream has no publish URLs:\n%s", out)
	}
	// A relative path is made absolute.
	t.Chdir(filepath.Dir(clip))
	if _, _, err := runCLI(t, "", "stream", "add", "loop", "--file", "clip.mp4", "--data", dir); err != nil {
		t.Fatal(err)
	}
	store := &auth.StreamStore{Path: filepath.Join(dir, auth.StreamsFile)}
	if s, err := store.Get("loop"); err != nil || s.File != clip || s.VOD || s.Source != auth.SourceFile {
		t.Fatalf("loop: %+v, %v", s, err)
	}
	out, _, _ = runCLI(t, "", "stream", "list", "--data", dir)
	if !strings.Contains(out, clip+" (on demand)") || !strings.Contains(out, clip+" (live, looped)") {
		t.Errorf("list:\n%s", out)
	}

	// The hook the wiring gives checks the file before anything is kept.
	refuse := streamOptions{checkFile: func(string) error { return errors.New("unsupported codec: use H.264") }}
	var stdout, stderr strings.Builder
	err = runStream([]string{"add", "bad", "--file", clip, "--data", dir}, refuse, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "unsupported codec") {
		t.Fatalf("a refused file: %v", err)
	}
	if _, err := store.Get("bad"); err == nil {
		t.Fatal("a refused file was added")
	}
}

func TestStreamKeyRotateRemove(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "", "stream", "add", "obs", "--host", "h", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	key := keyIn(t, out)
	out, _, err = runCLI(t, "", "stream", "key", "obs", "--host", "h", "--data", dir)
	if err != nil || keyIn(t, out) != key || !strings.Contains(out, "srt://h:8890?streamid=publish:obs:"+key) {
		t.Fatalf("key: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "", "stream", "key", "--rotate", "obs", "--host", "h", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	rotated := keyIn(t, out)
	if rotated == key || !strings.Contains(out, "old one no longer works") {
		t.Fatalf("key --rotate: %s", out)
	}
	out, _, err = runCLI(t, "", "stream", "key", "obs", "--rotate", "--json", "--data", dir)
	var info auth.StreamInfo
	if err != nil || json.Unmarshal([]byte(out), &info) != nil || info.Key == rotated || len(info.Key) != 32 {
		t.Fatalf("key --rotate --json: %v\n%s", err, out)
	}
	store := &auth.StreamStore{Path: filepath.Join(dir, auth.StreamsFile)}
	if err := store.CheckKey("obs", rotated); err == nil {
		t.Fatal("a rotated-away key still works")
	}
	if _, _, err := runCLI(t, "", "stream", "key", "main", "--data", dir); err == nil || exitCode(err) != 1 ||
		!strings.Contains(err.Error(), "only push streams") {
		t.Fatalf("key of the local stream: %v", err)
	}

	out, _, err = runCLI(t, "", "stream", "remove", "obs", "--data", dir)
	if err != nil || !strings.Contains(out, `removed stream "obs"`) {
		t.Fatalf("remove: %q %v", out, err)
	}
	if _, _, err := runCLI(t, "", "stream", "remove", "obs", "--data", dir); err == nil || exitCode(err) != 1 ||
		!strings.Contains(err.Error(), "no such stream") {
		t.Fatalf("removing it again: %v", err)
	}
	out, _, _ = runCLI(t, "", "stream", "list", "--data", dir)
	if strings.Contains(out, "obs") {
		t.Fatalf("removed stream still listed:\n%s", out)
	}
}

func TestStreamErrors(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, "", "stream", "add", "obs", "--data", dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"stream"}, 2, "stream add|list|remove|key"},
		{[]string{"stream", "start"}, 2, "use add, list, remove, key or title"},
		{[]string{"stream", "add"}, 2, "missing stream NAME"},
		{[]string{"stream", "add", "Main"}, 2, "a-z, 0-9, '-' and '_'"},
		{[]string{"stream", "add", "a/b"}, 2, "invalid stream name"},
		{[]string{"stream", "add", "a", "b"}, 2, "one stream NAME"},
		{[]string{"stream", "add", "x", "--vod"}, 2, "--vod needs --file"},
		{[]string{"stream", "add", "x", "--bogus"}, 2, "bogus"},
		{[]string{"stream", "remove", "x", "--json"}, 2, "json"},
		{[]string{"stream", "list", "x"}, 2, "takes no NAME"},
		{[]string{"stream", "key"}, 2, "missing stream NAME"},
		{[]string{"stream", "add", "obs"}, 1, "stream obs exists"},
		{[]string{"stream", "add", "x", "--file", filepath.Join(dir, "nope.mp4")}, 1, "no such file"},
		{[]string{"stream", "add", "x", "--file", dir}, 1, "not a regular file"},
		{[]string{"stream", "key", "nope"}, 1, "no such stream"},
		{[]string{"stream", "list", "--config", filepath.Join(dir, "nope.yml")}, 1, "config"},
	} {
		args := c.args
		if len(args) > 1 {
			args = append(args, "--data", dir)
		}
		_, _, err := runCLI(t, "", args...)
		if err == nil || exitCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v (exit %d), want exit %d and %q", c.args, err, exitCode(err), c.code, c.want)
		}
	}
	store := &auth.StreamStore{Path: filepath.Join(dir, auth.StreamsFile)}
	if all, _ := store.List(); len(all) != 2 {
		t.Fatalf("failed commands changed the streams: %+v", all)
	}
}

func TestStreamHelp(t *testing.T) {
	for _, args := range [][]string{{"stream", "--help"}, {"stream", "help"}, {"stream", "add", "--help"},
		{"stream", "list", "-h"}, {"stream", "remove", "--help"}, {"stream", "key", "--help"}} {
		out, errOut, err := runCLI(t, "", args...)
		if err != nil || !strings.Contains(out+errOut, "Usage:") || !strings.Contains(out+errOut, "llcast stream add NAME") {
			t.Errorf("%v: %v\n%s%s", args, err, out, errOut)
		}
	}
}

// TestStreamConfig: ports and host come from the config llcast serve
// reads; RTMPS only with TLS; the SRT passphrase is never printed.
func TestStreamConfig(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "llcast.yml")
	yml := "rtmp:\n  listen: \"127.1.2.3:1999\"\n  tls_listen: \":1998\"\n" +
		"srt:\n  passphrase: \"very secret words\"\n" +
		"tls:\n  self_signed: true\n"
	if err := os.WriteFile(config, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "", "stream", "add", "obs", "--config", config, "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	key := keyIn(t, out)
	for _, want := range []string{
		"rtmp://127.1.2.3:1999/live/obs?key=" + key,
		"rtmps://127.1.2.3:1998/live/obs?key=" + key,
		"srt://127.1.2.3:8890?streamid=publish:obs:" + key,
		"&passphrase=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "very secret words") {
		t.Fatalf("the SRT passphrase was printed:\n%s", out)
	}
	// --host wins over the listen address.
	out, _, err = runCLI(t, "", "stream", "key", "obs", "--config", config, "--data", dir, "--host", "vps.example")
	if err != nil || !strings.Contains(out, "rtmp://vps.example:1999/live/obs?key="+key) {
		t.Fatalf("--host: %v\n%s", err, out)
	}
}

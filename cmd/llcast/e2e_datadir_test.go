package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/httpapi"
	"github.com/llcast/llcast/httpapi/auth"
)

// serveRun is an `llcast serve` run in-process that may come up or give
// up: unlike startServer, a start that fails is an outcome, not a fatal.
type serveRun struct {
	stdout, logs *syncBuffer
	url          chan string // the first URL serve printed
	cancel       context.CancelFunc
	finished     chan struct{} // closed when run returned, with err
	err          error
}

// serveOn starts serve on dir with the harness's loopback flags; it is
// stopped when the test ends.
func serveOn(t *testing.T, dir string) *serveRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &serveRun{stdout: &syncBuffer{}, logs: &syncBuffer{}, url: make(chan string, 1), cancel: cancel, finished: make(chan struct{})}
	args := []string{
		"serve", "--listen", "127.0.0.1:0", "--data", dir, "--source", "test",
		"--rtmp-listen", "127.0.0.1:0", "--rtmps-listen", "127.0.0.1:0", "--srt-listen", "127.0.0.1:0",
		"--probe", dnsResponder(t),
	}
	if err := checkServeProbe(args, os.Environ()); err != nil {
		t.Fatalf("serveOn: %v", err)
	}
	go func() {
		r.err = run(ctx, args, nil, &urlWatcher{out: r.stdout, url: r.url}, r.logs)
		close(r.finished)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.finished:
		case <-time.After(10 * time.Second):
			t.Errorf("serve did not stop within 10 s")
		}
	})
	return r
}

// outcome waits until serve printed its URL (returned) or returned (its
// error, which must not be nil).
func (r *serveRun) outcome(t *testing.T) (string, error) {
	t.Helper()
	select {
	case u := <-r.url:
		return u, nil
	case <-r.finished:
		if r.err == nil {
			t.Fatal("serve returned nil without having started")
		}
		return "", r.err
	case <-time.After(30 * time.Second):
		t.Fatalf("serve neither started nor gave up within 30 s\nlog:\n%s", r.logs)
	}
	return "", nil
}

// urlWatcher passes serve's standard output on and picks out the first
// URL it prints.
type urlWatcher struct {
	out  io.Writer
	url  chan string
	mu   sync.Mutex
	line []byte
}

func (w *urlWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.line = append(w.line, p...)
	for {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimSpace(string(w.line[:i]))
		w.line = w.line[i+1:]
		if strings.HasPrefix(line, "http://") {
			select {
			case w.url <- strings.TrimSuffix(line, "/"):
			default:
			}
		}
	}
	return w.out.Write(p)
}

// TestDataDirSecondServe: a second serve on a data directory in use fails
// at once, naming the directory and the process that holds it.
func TestDataDirSecondServe(t *testing.T) {
	first := startServer(t)
	_, err := serveOn(t, first.DataDir).outcome(t)
	want := fmt.Sprintf("data directory %s is in use by process %d", first.DataDir, os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second serve: %v, want %q", err, want)
	}
	// The first one still serves.
	if got := status(t, first.URL+"/healthz"); got != http.StatusOK {
		t.Fatalf("the first server answers /healthz with %d", got)
	}
}

// TestDataDirTwoFirstStarts: two serves starting at once on an empty
// directory; one runs, the other stops on the lock, so exactly one admin
// password is printed, and it is the right one.
func TestDataDirTwoFirstStarts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	runs := []*serveRun{serveOn(t, dir), serveOn(t, dir)}
	var url string
	var printed []string
	password := regexp.MustCompile(`created user "admin" with password (\S+)`)
	for i, r := range runs {
		u, err := r.outcome(t)
		switch {
		case err == nil && url == "":
			url = u
		case err == nil:
			t.Fatal("both first starts are serving")
		case !strings.Contains(err.Error(), "data directory "+dir+" is in use by"):
			t.Fatalf("start %d failed otherwise than on the lock: %v", i, err)
		default:
			t.Logf("start %d: %v", i, err)
		}
		if m := password.FindStringSubmatch(r.stdout.String()); m != nil {
			printed = append(printed, m[1])
		}
	}
	if url == "" {
		t.Fatal("neither first start is serving")
	}
	if len(printed) != 1 {
		t.Fatalf("%d admin passwords printed, want 1", len(printed))
	}
	loginAt(t, url, "admin", printed[0])
}

// TestDataDirCorruptStore: a store that does not decode stops serve
// before it serves, naming the file; the CLI refuses it too; and the
// file is left as it was.
func TestDataDirCorruptStore(t *testing.T) {
	for _, c := range []struct {
		file string
		cli  []string // a command that reads or writes the file
	}{
		{httpapi.LinksFile, []string{"link", "revoke", "all"}},
		{httpapi.LinksFile, []string{"link", "list"}},
		{auth.StreamsFile, []string{"stream", "list"}},
		{auth.StreamsFile, []string{"stream", "add", "obs"}},
		{httpapi.UsersFile, []string{"user", "add", "bob", "--password-stdin"}},
	} {
		t.Run(c.file+" "+strings.Join(c.cli, " "), func(t *testing.T) {
			dir := t.TempDir()
			addUser(t, dir, testUser, httpapi.RoleAdmin, testPassword)
			path := filepath.Join(dir, c.file)
			const broken = `[{"oops"`
			if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
				t.Fatal(err)
			}
			if u, err := serveOn(t, dir).outcome(t); err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("serve on a broken %s: started at %q, %v; want a refusal naming the file", c.file, u, err)
			}
			err := run(context.Background(), append(c.cli, "--data", dir), strings.NewReader(testPassword+"\n"), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("llcast %s on a broken %s: %v; want a refusal naming the file", strings.Join(c.cli, " "), c.file, err)
			}
			if raw, _ := os.ReadFile(path); string(raw) != broken {
				t.Fatalf("the broken file was changed to %q", raw)
			}
		})
	}
}

// TestDataDirModes: a data directory open to all and a users file others
// may read are tightened at start, and the log says so.
func TestDataDirModes(t *testing.T) {
	dir := t.TempDir()
	addUser(t, dir, testUser, httpapi.RoleViewer, testPassword)
	users := filepath.Join(dir, httpapi.UsersFile)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(users, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := restartServer(t, dir)
	for path, want := range map[string]os.FileMode{dir: 0o700, users: 0o600} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", path, st.Mode().Perm(), err, want)
		}
	}
	for _, want := range []string{"path=" + dir + " from=0777 to=0700", "path=" + users + " from=0644 to=0600"} {
		if !regexp.MustCompile(`level=WARN .*` + regexp.QuoteMeta(want)).MatchString(srv.logs.String()) {
			t.Errorf("no WARN with %q in the log:\n%s", want, srv.logs)
		}
	}
}

// TestDataDirRevokeWhileCreating: `llcast link revoke`, run 20 times while
// the server creates links in a loop over HTTP, revokes every time (each
// revoked link then gets 401), and no created link is lost.
func TestDataDirRevokeWhileCreating(t *testing.T) {
	dir := t.TempDir()
	addUser(t, dir, testUser, httpapi.RoleAdmin, testPassword)
	srv := restartServer(t, dir)
	session := loginAt(t, srv.URL, testUser, testPassword)
	client := viewerClient(t, srv.URL, session)

	type made struct{ id, url string }
	var (
		mu      sync.Mutex
		created []made
	)
	fresh := make(chan struct{}, 1)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	creatorErr := make(chan error, 1)
	go func() {
		creatorErr <- func() error {
			for ctx.Err() == nil {
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/links", strings.NewReader(`{"ttl":"1h"}`))
				if err != nil {
					return err
				}
				resp, err := client.Do(req)
				if ctx.Err() != nil {
					return nil
				}
				if err != nil {
					return err
				}
				var l struct{ ID, URL string }
				err = json.NewDecoder(resp.Body).Decode(&l)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || err != nil || l.ID == "" {
					return fmt.Errorf("POST /api/links: %d, %v", resp.StatusCode, err)
				}
				mu.Lock()
				created = append(created, made{l.ID, l.URL})
				mu.Unlock()
				select {
				case fresh <- struct{}{}:
				default:
				}
			}
			return nil
		}()
	}()

	revoked := map[string]string{} // ID → URL
	deadline := time.After(15 * time.Second)
	for len(revoked) < 20 {
		select {
		case <-fresh:
		case err := <-creatorErr:
			t.Fatalf("the link creator stopped: %v", err)
		case <-deadline:
			t.Fatalf("only %d revocations within 15 s", len(revoked))
		}
		mu.Lock()
		last := created[len(created)-1]
		mu.Unlock()
		if _, done := revoked[last.id]; done {
			continue
		}
		var out bytes.Buffer
		if err := run(context.Background(), []string{"link", "revoke", last.id, "--data", dir}, nil, &out, io.Discard); err != nil {
			t.Fatalf("llcast link revoke %s: %v", last.id, err)
		}
		if !strings.Contains(out.String(), "revoked 1 link(s)") {
			t.Fatalf("llcast link revoke printed %q", out.String())
		}
		if got := status(t, last.url); got != http.StatusUnauthorized {
			t.Errorf("link %s just revoked: %d, want 401", last.id, got)
		}
		revoked[last.id] = last.url
	}
	stop()
	if err := <-creatorErr; err != nil {
		t.Fatal(err)
	}

	// Links created after a revocation did not undo it.
	for id, u := range revoked {
		if got := status(t, u); got != http.StatusUnauthorized {
			t.Errorf("revoked link %s: %d, want 401", id, got)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"link", "list", "--data", dir}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for line := range strings.Lines(out.String()) {
		if f := strings.Fields(line); len(f) >= 6 {
			states[f[0]] = f[5]
		}
	}
	for _, l := range created {
		want := "active"
		if _, ok := revoked[l.id]; ok {
			want = "revoked"
		}
		if states[l.id] != want {
			t.Errorf("link %s is %q in llcast link list, want %s", l.id, states[l.id], want)
		}
	}
	// Links not revoked are let through: the 401s are revocations.
	for _, l := range created {
		if _, ok := revoked[l.id]; !ok {
			if got := status(t, l.url); got == http.StatusUnauthorized {
				t.Errorf("active link %s: 401", l.id)
			}
			break
		}
	}
	t.Logf("%d links created, %d revoked while creating", len(created), len(revoked))
}

package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nginxProxy is Debian's nginx running configs/nginx/llcast.conf in front
// of a test server, as the current user, on a free 127.0.0.1 port, with
// its caches, logs and pid file in a temporary directory. It stops when
// the test ends.
type nginxProxy struct {
	URL    string // http://127.0.0.1:PORT
	dir    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when nginx has exited
	output *syncBuffer   // nginx's stdout and stderr
}

// nginxPath finds nginx; Debian installs it in /usr/sbin, which is not on
// every user's PATH. Missing nginx fails the test: CI installs it.
func nginxPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Fatal("nginx not found: install Debian's nginx (CI does)")
	return ""
}

// startNginx starts nginx in front of upstream (HOST:PORT) with the
// shipped config, blocking playlist requests handled the way blocking
// names ("pass" or "lock"), and waits until it answers /healthz through
// to llcast.
func startNginx(t *testing.T, upstream, blocking string) *nginxProxy {
	t.Helper()
	bin := nginxPath(t)
	dir := t.TempDir()
	listen := freeLocalAddr(t)
	writeNginxConf(t, dir, listen, upstream, blocking)
	n := &nginxProxy{URL: "http://" + listen, dir: dir, exited: make(chan struct{}), output: &syncBuffer{}}
	n.cmd = exec.Command(bin, nginxArgs(dir, "daemon off;")...)
	n.cmd.Stdout, n.cmd.Stderr = n.output, n.output
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	go func() { _ = n.cmd.Wait(); close(n.exited) }() // stop waits for it
	t.Cleanup(func() { n.stop(t) })
	if err := n.waitHealthy(15 * time.Second); err != nil {
		t.Fatalf("%v\nnginx output:\n%s\nerror log:\n%s", err, n.output, n.errorLog())
	}
	return n
}

// writeNginxConf renders the shipped config into dir, with a main file
// around it, and makes the directories it names.
func writeNginxConf(t *testing.T, dir, listen, upstream, blocking string) {
	t.Helper()
	template, err := os.ReadFile("../../configs/nginx/llcast.conf")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"cache", "logs", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	conf, err := renderNginxConf(string(template), nginxPlaceholders{
		Listen: listen, Upstream: upstream,
		CacheDir: filepath.Join(dir, "cache"), LogDir: filepath.Join(dir, "logs"),
	}, blocking)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "llcast.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(nginxMainConf(dir)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// nginxArgs runs nginx on the config writeNginxConf wrote into dir, with
// its pid file and error log there too; global adds main-level directives.
func nginxArgs(dir, global string) []string {
	return []string{"-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g",
		fmt.Sprintf("%s pid %s; error_log %s info;", global, filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "logs", "error.log"))}
}

// nginxMainConf is the main file Debian's /etc/nginx/nginx.conf stands for:
// the http block including the shipped config, with every path nginx
// writes to in dir. As root, the workers stay root so that they can use
// the test's private directories.
func nginxMainConf(dir string) string {
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	tmp := filepath.Join(dir, "tmp")
	return user + `worker_processes 2;
events { worker_connections 1024; }
http {
    client_body_temp_path ` + tmp + `/body;
    proxy_temp_path ` + tmp + `/proxy;
    fastcgi_temp_path ` + tmp + `/fastcgi;
    uwsgi_temp_path ` + tmp + `/uwsgi;
    scgi_temp_path ` + tmp + `/scgi;
    access_log off;
    include ` + filepath.Join(dir, "llcast.conf") + `;
}
`
}

func (n *nginxProxy) waitHealthy(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for {
		if resp, err := client.Get(n.URL + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-n.exited:
			return fmt.Errorf("nginx exited: %v", n.cmd.ProcessState)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nginx did not answer /healthz through to llcast within %v", limit)
		}
	}
}

// stop asks nginx to stop at once (SIGTERM) and kills it after 5 s.
func (n *nginxProxy) stop(t *testing.T) {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(5 * time.Second):
		t.Errorf("nginx did not stop within 5 s of SIGTERM")
		_ = n.cmd.Process.Kill()
		<-n.exited
	}
}

func (n *nginxProxy) accessLog() string { return n.readLog("llcast-access.log") }
func (n *nginxProxy) errorLog() string  { return n.readLog("error.log") }

func (n *nginxProxy) readLog(name string) string {
	b, err := os.ReadFile(filepath.Join(n.dir, "logs", name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err.Error()
	}
	return string(b)
}

// freeLocalAddr is a 127.0.0.1 port nobody listened on a moment ago.
func freeLocalAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// nginxPlaceholders are the values of the config template's placeholders.
type nginxPlaceholders struct {
	Listen, Upstream, CacheDir, LogDir string
}

// placeholder is how the template's placeholders look (__LISTEN__).
var placeholder = regexp.MustCompile(`__[A-Z][A-Z_]*__`)

// renderNginxConf fills in the template's placeholders and picks the
// blocking playlist strategy ("pass" or "lock"): the line marked
// "# llcast-blocking=NAME" is uncommented, the other one commented out.
func renderNginxConf(template string, p nginxPlaceholders, blocking string) (string, error) {
	out := strings.NewReplacer("__LISTEN__", p.Listen, "__UPSTREAM__", p.Upstream,
		"__CACHE_DIR__", p.CacheDir, "__LOG_DIR__", p.LogDir).Replace(template)
	lines := strings.Split(out, "\n")
	found := false
	for i, line := range lines {
		_, name, ok := strings.Cut(line, "# llcast-blocking=")
		if !ok {
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		body := strings.TrimLeft(strings.TrimLeft(line, " "), "#")
		if strings.TrimSpace(name) == blocking {
			found = true
			lines[i] = indent + body
		} else {
			lines[i] = indent + "#" + body
		}
	}
	if !found {
		return "", fmt.Errorf("configs/nginx/llcast.conf has no line marked llcast-blocking=%s", blocking)
	}
	for _, line := range lines {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") && placeholder.MatchString(line) {
			return "", fmt.Errorf("a placeholder is left in the nginx config: %s", strings.TrimSpace(line))
		}
	}
	return strings.Join(lines, "\n"), nil
}

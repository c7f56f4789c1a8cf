package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// nginxEnv overrides where nginx is (default: nginx on PATH, else
// /usr/sbin/nginx, where Debian puts it).
const nginxEnv = "NGINX_BIN"

// nginx is Debian's nginx running configs/nginx/llcast.conf in front of a
// server, on a free loopback port, with its caches, logs and pid file in a
// temporary directory.
type nginx struct {
	URL    string
	dir    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when nginx has exited
	log    *lockedBuffer
}

func nginxPath() (string, error) {
	if p := os.Getenv(nginxEnv); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", fmt.Errorf("no nginx: install Debian's nginx, set %s, or pass -skip-proxy", nginxEnv)
}

// startNginx renders the template at conf for upstream (HOST:PORT) with
// blocking playlist requests handled the way blocking names ("pass" or
// "lock"), starts nginx and waits until /healthz answers through it.
func startNginx(ctx context.Context, bin, conf, upstream, blocking string) (*nginx, error) {
	template, err := os.ReadFile(conf)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "llcast-bench-nginx-")
	if err != nil {
		return nil, err
	}
	n := &nginx{dir: dir, exited: make(chan struct{}), log: &lockedBuffer{}}
	if err := n.writeConf(string(template), upstream, blocking); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	n.cmd = exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g",
		fmt.Sprintf("daemon off; pid %s; error_log %s warn;", filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log")))
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	if err := n.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting nginx: %w", err)
	}
	go func() { _ = n.cmd.Wait(); close(n.exited) }() // stop waits for it
	if err := n.waitHealthy(ctx, 15*time.Second); err != nil {
		n.stop()
		return nil, fmt.Errorf("%w\nnginx: %s", err, n.log)
	}
	return n, nil
}

// writeConf writes the rendered template and a main file around it: the
// http block Debian's /etc/nginx/nginx.conf stands for, with every path
// nginx writes to in dir. As root the workers stay root, to use dir.
func (n *nginx) writeConf(template, upstream, blocking string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	listen := l.Addr().String()
	l.Close()
	n.URL = "http://" + listen
	for _, d := range []string{"cache", "tmp"} {
		if err := os.Mkdir(filepath.Join(n.dir, d), 0o700); err != nil {
			return err
		}
	}
	conf, err := renderNginxConf(template, strings.NewReplacer("__LISTEN__", listen, "__UPSTREAM__", upstream,
		"__CACHE_DIR__", filepath.Join(n.dir, "cache"), "__LOG_DIR__", n.dir), blocking)
	if err != nil {
		return err
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	tmp := filepath.Join(n.dir, "tmp")
	main := user + `worker_processes auto;
events { worker_connections 4096; }
http {
    client_body_temp_path ` + tmp + `/body;
    proxy_temp_path ` + tmp + `/proxy;
    fastcgi_temp_path ` + tmp + `/fastcgi;
    uwsgi_temp_path ` + tmp + `/uwsgi;
    scgi_temp_path ` + tmp + `/scgi;
    access_log off;
    include ` + filepath.Join(n.dir, "llcast.conf") + `;
}
`
	if err := os.WriteFile(filepath.Join(n.dir, "llcast.conf"), []byte(conf), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(n.dir, "nginx.conf"), []byte(main), 0o600)
}

// placeholder is how the template's placeholders look (__LISTEN__).
var placeholder = regexp.MustCompile(`__[A-Z][A-Z_]*__`)

// renderNginxConf fills in the placeholders and picks the blocking
// playlist strategy: the line marked "# llcast-blocking=NAME" is
// uncommented, the other one commented out. (The tests have a copy.)
func renderNginxConf(template string, fill *strings.Replacer, blocking string) (string, error) {
	lines := strings.Split(fill.Replace(template), "\n")
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
		return "", fmt.Errorf("the nginx config has no line marked llcast-blocking=%s", blocking)
	}
	for _, line := range lines {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") && placeholder.MatchString(line) {
			return "", fmt.Errorf("a placeholder is left in the nginx config: %s", strings.TrimSpace(line))
		}
	}
	return strings.Join(lines, "\n"), nil
}

func (n *nginx) waitHealthy(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, n.URL+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-n.exited:
			return fmt.Errorf("nginx exited: %v", n.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("nginx: /healthz not OK through to llcast within %v", limit)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop stops nginx at once (SIGTERM), kills it after 5 s, and removes its
// directory.
func (n *nginx) stop() {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(5 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.exited
	}
	os.RemoveAll(n.dir)
}

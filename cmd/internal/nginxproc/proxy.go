package nginxproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// BinEnv is the environment variable that says where nginx is.
const BinEnv = "NGINX_BIN"

// ErrNotFound is Path's answer when there is no nginx.
var ErrNotFound = errors.New("nginx not found: install Debian's nginx or set " + BinEnv)

// Path finds nginx: $NGINX_BIN, else nginx on PATH, else /usr/sbin/nginx,
// where Debian puts it, which is not on every user's PATH.
func Path() (string, error) {
	if p := os.Getenv(BinEnv); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", ErrNotFound
}

// outputFile holds nginx's stdout and stderr, in Dir/logs.
const outputFile = "output.log"

// Proxy is nginx running Config in front of a llcast server, as the
// current user, with its config, caches, logs and pid file in Dir.
type Proxy struct {
	// Bin is the nginx binary. It defaults to what Path finds.
	Bin string
	// Config is what nginx runs. Its Listen defaults to a free 127.0.0.1
	// port.
	Config Config
	// Dir holds all nginx writes. It defaults to a new temporary
	// directory, which Close removes.
	Dir string

	// URL is where nginx answers, http://LISTEN; Start sets it.
	URL string

	ownDir bool
	cmd    *exec.Cmd
	exited chan struct{} // closed when nginx has exited
}

// Start writes the config, starts nginx and waits until /healthz answers
// through it, for 15 s at most.
func (p *Proxy) Start(ctx context.Context) error {
	if p.Bin == "" {
		bin, err := Path()
		if err != nil {
			return err
		}
		p.Bin = bin
	}
	if p.Config.Listen == "" {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		p.Config.Listen = addr
	}
	if p.Dir == "" {
		dir, err := os.MkdirTemp("", "llcast-nginx-")
		if err != nil {
			return err
		}
		p.Dir, p.ownDir = dir, true
	}
	p.URL = "http://" + p.Config.Listen
	p.exited = make(chan struct{})
	if err := p.start(); err != nil {
		p.removeDir()
		return err
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }() // Close waits for it
	if err := p.waitHealthy(ctx, 15*time.Second); err != nil {
		err = fmt.Errorf("%w\nnginx output:\n%s\nerror log:\n%s", err, p.Output(), p.ErrorLog())
		_ = p.Close()
		return err
	}
	return nil
}

// start writes the config and starts nginx on it, its stdout and stderr
// going to a file next to its logs: a file needs no copying goroutine nor
// lock, and can be read at any time.
func (p *Proxy) start() error {
	if err := p.Config.Write(p.Dir); err != nil {
		return err
	}
	out, err := os.Create(filepath.Join(p.Dir, "logs", outputFile))
	if err != nil {
		return err
	}
	defer out.Close() // nginx has its own copy
	p.cmd = exec.Command(p.Bin, p.Config.Args(p.Dir, "daemon off;")...)
	p.cmd.Stdout, p.cmd.Stderr = out, out
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("starting nginx: %w", err)
	}
	return nil
}

func (p *Proxy) waitHealthy(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/healthz", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("nginx exited: %v", p.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("nginx did not answer /healthz through to llcast within %v", limit)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close stops nginx at once (SIGTERM), kills it after 5 s, saying so,
// and removes Dir if Start made it.
func (p *Proxy) Close() error {
	if p.cmd == nil || p.cmd.Process == nil {
		return nil
	}
	var err error
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		err = errors.New("nginx did not stop within 5 s of SIGTERM")
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.removeDir()
	return err
}

func (p *Proxy) removeDir() {
	if p.ownDir {
		os.RemoveAll(p.Dir)
	}
}

// Output is what nginx wrote to its stdout and stderr.
func (p *Proxy) Output() string { return p.readLog(outputFile) }

// AccessLog is the shipped config's access log so far.
func (p *Proxy) AccessLog() string { return p.readLog("llcast-access.log") }

// ErrorLog is nginx's error log so far.
func (p *Proxy) ErrorLog() string { return p.readLog("error.log") }

func (p *Proxy) readLog(name string) string {
	b, err := os.ReadFile(filepath.Join(p.Dir, "logs", name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err.Error()
	}
	return string(b)
}

// freeAddr is a 127.0.0.1 port nobody listened on a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

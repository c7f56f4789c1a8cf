package nginxproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Config is the shipped config rendered for one nginx, and the main file
// around it that Debian's /etc/nginx/nginx.conf stands for.
type Config struct {
	// Template is the path of the config template,
	// configs/nginx/llcast.conf.
	Template string
	// Listen is what nginx listens on, HOST:PORT.
	Listen string
	// Upstream is llcast's HOST:PORT.
	Upstream string
	// Blocking names how blocking playlist requests are handled, "pass"
	// or "lock": the template's line marked "# llcast-blocking=NAME".
	Blocking string
	// Workers is nginx's worker_processes. It defaults to auto, one per
	// CPU.
	Workers string
	// WorkerConnections is nginx's worker_connections. It defaults to
	// 4096.
	WorkerConnections int
	// LogLevel is the error log's level. It defaults to warn.
	LogLevel string
}

// withDefaults is c with its defaults filled in.
func (c Config) withDefaults() Config {
	if c.Workers == "" {
		c.Workers = "auto"
	}
	if c.WorkerConnections == 0 {
		c.WorkerConnections = 4096
	}
	if c.LogLevel == "" {
		c.LogLevel = "warn"
	}
	return c
}

// Write renders the template into dir as llcast.conf, with its caches in
// dir/cache and its access log in dir/logs, and the main file around it
// as nginx.conf, every path nginx writes to in dir. As root the workers
// stay root, to use dir.
func (c Config) Write(dir string) error {
	c = c.withDefaults()
	if c.Template == "" || c.Listen == "" || c.Upstream == "" {
		return errors.New("nginx config: Template, Listen and Upstream must be set")
	}
	template, err := os.ReadFile(c.Template)
	if err != nil {
		return err
	}
	for _, d := range []string{"cache", "logs", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			return err
		}
	}
	conf, err := Render(string(template), Placeholders{
		Listen: c.Listen, Upstream: c.Upstream,
		CacheDir: filepath.Join(dir, "cache"), LogDir: filepath.Join(dir, "logs"),
	}, c.Blocking)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Template, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "llcast.conf"), []byte(conf), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(c.mainConf(dir)), 0o600)
}

func (c Config) mainConf(dir string) string {
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	tmp := filepath.Join(dir, "tmp")
	return user + `worker_processes ` + c.Workers + `;
events { worker_connections ` + strconv.Itoa(c.WorkerConnections) + `; }
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

// Args are nginx's arguments to run the config Write wrote into dir, with
// its pid file there and its error log in dir/logs; global adds
// main-level directives ("daemon off;").
func (c Config) Args(dir, global string) []string {
	c = c.withDefaults()
	return []string{"-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g",
		fmt.Sprintf("%s pid %s; error_log %s %s;", global, filepath.Join(dir, "nginx.pid"),
			filepath.Join(dir, "logs", "error.log"), c.LogLevel)}
}

package httpapi

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/llcast/llcast/player"
)

// StreamFinder looks up the HTTP handler of a live stream by name.
type StreamFinder interface {
	Handler(name string) (http.Handler, bool)
}

// Server is llcast's HTTP server.
type Server struct {
	// Listen is the address to bind. It defaults to "127.0.0.1:8080".
	Listen string
	// Users who may log in. Required.
	Users *UserStore
	// Auth issues and checks session tokens. Required, started.
	Auth *TokenAuth
	// Streams finds live streams. Required.
	Streams StreamFinder
	// DefaultStream is what the watch page plays. It defaults to "main".
	DefaultStream string
	// ShutdownTimeout bounds Close. It defaults to 2s.
	ShutdownTimeout time.Duration
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger

	listener net.Listener
	srv      *http.Server
	done     chan struct{}
	err      error
}

// Start validates, binds the listener (so that "address in use" reaches the
// caller) and serves in the background.
func (s *Server) Start() error {
	if s.Listen == "" {
		s.Listen = "127.0.0.1:8080"
	}
	if s.DefaultStream == "" {
		s.DefaultStream = "main"
	}
	if s.ShutdownTimeout == 0 {
		s.ShutdownTimeout = 2 * time.Second
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Users == nil || s.Auth == nil || s.Streams == nil {
		return errors.New("http server needs Users, Auth and Streams")
	}
	s.Logger = s.Logger.With("component", "httpapi")
	if !player.HasHLSJS() {
		s.Logger.Warn("hls.js is missing from the player assets: Chrome and Firefox cannot play; build with `make build`")
	}
	handler, err := s.routes()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w (is another llcast running? pick another with --listen)", s.Listen, err)
	}
	s.listener = ln
	s.srv = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	s.done = make(chan struct{})
	go s.run()
	return nil
}

func (s *Server) run() {
	defer close(s.done)
	if err := s.srv.Serve(s.listener); !errors.Is(err, http.ErrServerClosed) {
		s.err = err
	}
}

// Addr is the bound address, useful with port 0.
func (s *Server) Addr() net.Addr { return s.listener.Addr() }

// Close shuts down gracefully within ShutdownTimeout, then forcefully.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	<-s.done
	return errors.Join(err, s.err)
}

func (s *Server) routes() (http.Handler, error) {
	tmpl, err := player.Templates()
	if err != nil {
		return nil, fmt.Errorf("player templates: %w", err)
	}
	login := &loginHandler{users: s.Users, auth: s.Auth, templates: tmpl, log: s.Logger}
	csrf := http.NewCrossOriginProtection()

	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Use(AccessLog(s.Logger))
	r.Use(SecurityHeaders)

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("ok\n"))
	})
	r.Get("/login", login.form)
	// 10 guesses at once, then one every 6 s per address: a person who
	// mistypes never notices, a password guesser gets 600 tries an hour.
	limit := LoginLimit(10, 6*time.Second, s.Logger)
	r.Method(http.MethodPost, "/login", csrf.Handler(limit(http.HandlerFunc(login.login))))
	r.Method(http.MethodPost, "/logout", csrf.Handler(http.HandlerFunc(login.logout)))
	r.Get("/", s.watchPage(tmpl))
	r.Handle("/assets/*", http.StripPrefix("/assets/", http.FileServerFS(player.Assets())))

	r.Route("/live/{stream}", func(r chi.Router) {
		r.Use(RequireToken(s.Auth, s.Logger))
		r.Get("/*", s.serveLive)
	})
	return r, nil
}

func (s *Server) watchPage(tmpl *template.Template) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		claims, err := claimsFromRequest(s.Auth, r)
		if err != nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		data := struct{ Stream, Username string }{s.DefaultStream, claims.Subject}
		if err := tmpl.ExecuteTemplate(w, "watch.html", data); err != nil {
			s.Logger.Error("rendering watch page", "error", err)
		}
	}
}

func (s *Server) serveLive(w http.ResponseWriter, r *http.Request) {
	h, ok := s.Streams.Handler(chi.URLParam(r, "stream"))
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "stream not found", http.StatusNotFound)
		return
	}
	h.ServeHTTP(w, r)
}

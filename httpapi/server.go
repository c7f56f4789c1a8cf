package httpapi

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/llcast/llcast/httpapi/auth"
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
	// PortFallback, when above 0, lets Start try the next PortFallback ports
	// on the same host when Listen's port is taken; Addr reports the one
	// bound. It defaults to 0: a port chosen on purpose is used or fails.
	PortFallback int
	// Users who may log in. Required.
	Users *UserStore
	// Auth issues and checks session tokens. Required, started; with Users
	// as its Users, so that logout and changes to users end sessions.
	Auth *TokenAuth
	// Streams finds live streams. Required.
	Streams StreamFinder
	// DefaultStream is the stream of the local broadcast, which the studio
	// steers, and of links made without a stream. It defaults to "main".
	DefaultStream string
	// ShutdownTimeout bounds Close. It defaults to 2s.
	ShutdownTimeout time.Duration
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger
	// Studio is steered from /studio and /api/studio. It defaults to nil:
	// both answer 404.
	Studio Studio
	// Probe reports the network on the studio page; the caller starts and
	// closes it. It defaults to nil: the state is "unknown".
	Probe *NetProbe
	// CORSOrigins may read /live/ from other origins (see CORS). It
	// defaults to none.
	CORSOrigins []string
	// EmbedOrigins may show /embed/{stream} in an iframe ("*": any site;
	// README "Embedding the player"); every other page refuses frames. It
	// defaults to none: only llcast's own pages may frame it.
	EmbedOrigins []string
	// TLS, when set (with Certificates), serves HTTPS and HTTP/2; session
	// cookies are then Secure. It defaults to nil: plain HTTP.
	TLS *tls.Config
	// Links are the stream links (?token=) accepted for media. It defaults
	// to nil: only session cookies are.
	Links *LinkStore
	// Logs are shown on the studio page. It defaults to nil: no lines.
	Logs *LogRing
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (RealIP). It defaults to nil: none.
	TrustedProxies []netip.Prefix
	// Addresses lists the watch URLs shown on the studio page for other
	// machines. It defaults to nil: none.
	Addresses func() []string
	// StreamStore holds the streams: / lists them, /watch/{stream} plays
	// them, admins manage them at /api/studio/streams. It defaults to nil:
	// DefaultStream is the only stream, and the admin routes are absent.
	StreamStore *auth.StreamStore
	// Publishers are the encoders pushing streams; the studio shows them
	// and stops them. It defaults to nil: it shows none.
	Publishers Publishers
	// SegmentDuration is the segment target: the studio warns about
	// publishers whose keyframes are further apart. It defaults to 1s.
	SegmentDuration time.Duration
	// PublishPorts are where publishers push; the studio shows the URLs
	// with the host the admin reached llcast at. It defaults to none.
	PublishPorts auth.PublishPorts
	// CheckStreamFile, when set, checks a new file stream's file beyond
	// its being there (that llcast can play it). It defaults to nil.
	CheckStreamFile func(path string) error
	// ReadTimeout bounds reading a request, headers and body, so a client
	// sending its body a byte a second is cut off. Once the body is read
	// it no longer runs: blocking playlist requests may wait longer. It
	// defaults to 30s.
	ReadTimeout time.Duration
	// PublicURL is where viewers reach llcast when a reverse proxy or a
	// CDN stands in front ("https://live.example", README "Behind nginx
	// or a CDN"): stream links, and their QR codes, start with it. It
	// defaults to "": they start with the scheme, LinkHost and the bound
	// port.
	PublicURL string
	// LinkHost is the host of stream links when PublicURL is empty: the
	// name or address other machines reach this one at. Links never take
	// the request's Host header, which the client picks: a forged one
	// would make a link, and its QR code, lead to another site. It
	// defaults to the bound host, or localhost when that is every
	// interface.
	LinkHost string
	// HSTS sends Strict-Transport-Security (one year) with every answer
	// over TLS. Set it only with a certificate browsers trust: with a
	// self-signed one, browsers would refuse the site outright instead of
	// letting viewers accept it. It defaults to false.
	HSTS bool
	// MetricsToken, when set, lets scrapers read /metrics with it as a
	// bearer token; admins' sessions read it too. It defaults to nil:
	// admins' sessions only.
	MetricsToken *MetricsToken
	// PartDelays, when set, is the segmenter.DelayRecorder of the
	// streams, which /metrics shows as each stream's part delay
	// histogram. It defaults to nil: no histogram.
	PartDelays *PartDelays

	base     string // BaseURL, set in Start before serving
	viewers  *ViewerCounter
	origin   *OriginCounter
	requests *RequestCounter
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
	if s.SegmentDuration == 0 {
		s.SegmentDuration = time.Second
	}
	if s.ReadTimeout == 0 {
		s.ReadTimeout = 30 * time.Second
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Users == nil || s.Auth == nil || s.Streams == nil {
		return errors.New("http server needs Users, Auth and Streams")
	}
	if s.ReadTimeout < 0 {
		return fmt.Errorf("http server: invalid ReadTimeout %v: must be positive", s.ReadTimeout)
	}
	if u, err := url.Parse(s.PublicURL); s.PublicURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return fmt.Errorf("http server: invalid PublicURL %q: must be an http or https URL", s.PublicURL)
	}
	// Paths and names in the log come from clients: cut them short.
	s.Logger = slog.New(boundedHandler{s.Logger.Handler()}).With("component", "httpapi")
	s.viewers = &ViewerCounter{}
	s.origin = &OriginCounter{}
	s.requests = NewRequestCounter()
	if !player.HasHLSJS() {
		s.Logger.Warn("hls.js is missing from the player assets: Chrome and Firefox cannot play; build with `make build`")
	}
	handler, err := s.routes()
	if err != nil {
		return err
	}
	ln, err := s.listen()
	if err != nil {
		return fmt.Errorf("listening on %s: %w (is another llcast running? pick another with --listen)", s.Listen, err)
	}
	s.listener = ln
	s.base = s.baseURL()
	s.srv = &http.Server{
		Handler:           handler,
		ReadTimeout:       s.ReadTimeout,
		ReadHeaderTimeout: min(10*time.Second, s.ReadTimeout),
		IdleTimeout:       2 * time.Minute,
		// No WriteTimeout: it counts from the request's arrival, so it
		// would cut blocking playlist requests (up to 3 target durations,
		// 8 s while a publisher is away) and slow viewers' segments.

		// Beyond MaxURLLength (414, LimitURL) a request line is refused
		// by net/http itself (431) before it is read whole: a client
		// sending 1 MB URLs costs 64 KB a request, not 1 MB.
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	if s.TLS != nil {
		// ServeTLS turns HTTP/2 on: Safari plays LL-HLS over it.
		s.srv.TLSConfig = s.TLS.Clone()
	}
	s.done = make(chan struct{})
	go s.run()
	return nil
}

// listen binds Listen or, with PortFallback, the first free port after it.
func (s *Server) listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", s.Listen)
	if err == nil || s.PortFallback <= 0 || !errors.Is(err, syscall.EADDRINUSE) {
		return ln, err
	}
	host, portText, splitErr := net.SplitHostPort(s.Listen)
	port, convErr := strconv.Atoi(portText)
	if splitErr != nil || convErr != nil {
		return nil, err
	}
	for p := port + 1; p <= min(port+s.PortFallback, 65535); p++ {
		addr := net.JoinHostPort(host, strconv.Itoa(p))
		if ln, lerr := net.Listen("tcp", addr); lerr == nil {
			s.Logger.Warn("port in use, listening on another", "wanted", s.Listen, "listen", ln.Addr().String())
			return ln, nil
		}
	}
	return nil, fmt.Errorf("%w, and none of the next %d ports is free", err, s.PortFallback)
}

func (s *Server) run() {
	defer close(s.done)
	serve := func() error { return s.srv.Serve(s.listener) }
	if s.srv.TLSConfig != nil {
		serve = func() error { return s.srv.ServeTLS(s.listener, "", "") }
	}
	if err := serve(); !errors.Is(err, http.ErrServerClosed) {
		s.err = err
	}
}

// Addr is the bound address, useful with port 0 or PortFallback.
func (s *Server) Addr() net.Addr { return s.listener.Addr() }

// BaseURL is where viewers reach the server, the start of its stream
// links, without a trailing slash: PublicURL, or the scheme, LinkHost and
// the bound port (see PublicURL). Call it after Start.
func (s *Server) BaseURL() string { return s.base }

func (s *Server) baseURL() string {
	if s.PublicURL != "" {
		return strings.TrimRight(s.PublicURL, "/")
	}
	scheme := "http"
	if s.TLS != nil {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(s.listener.Addr().String())
	if s.LinkHost != "" {
		host = s.LinkHost
	} else if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Viewers counts the sessions that fetched media in the last 15 s, each
// once whatever it watched.
func (s *Server) Viewers() int {
	if s.viewers == nil {
		return 0
	}
	return s.viewers.Count()
}

// Close shuts down gracefully within ShutdownTimeout, then forcefully.
//
// Requests still running after ShutdownTimeout (a viewer downloading a
// segment over a slow link) are cut off, which is what stopping means:
// that is logged, not an error.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.Logger.Warn("cutting off the requests still running", "after", s.ShutdownTimeout)
		err = nil
	}
	if err != nil || ctx.Err() != nil {
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
	// Per user name, whatever the address: 20 failures in 10 minutes, then
	// the name waits a minute.
	accounts := newAccountLimiter(20, 10*time.Minute, time.Minute)
	login := &loginHandler{
		users: s.Users, auth: s.Auth, templates: tmpl, log: s.Logger, accounts: accounts, sessions: s.Users,
	}
	csrf := http.NewCrossOriginProtection()

	r := chi.NewRouter()
	r.Use(s.requests.Handler)
	r.Use(LimitURL(MaxURLLength))
	r.Use(RealIP(s.TrustedProxies))
	r.Use(middleware.Recoverer)
	r.Use(AccessLog(s.Logger))
	r.Use(SecurityHeaders)
	if s.HSTS && s.TLS != nil {
		r.Use(StrictTransportSecurity)
	}
	// HEAD wherever GET (monitors, proxies and CORS, which advertises it).
	r.Use(HeadAsGet)

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("ok\n"))
	})
	r.Get("/login", login.form)
	// 10 guesses at once, then one every 6 s per address (an IPv6 /64): a
	// person who mistypes never notices, a password guesser gets 600
	// tries an hour.
	limit := LoginLimit(10, 6*time.Second, s.Logger)
	r.Method(http.MethodPost, "/login", csrf.Handler(limit(http.HandlerFunc(login.login))))
	r.Method(http.MethodPost, "/logout", csrf.Handler(http.HandlerFunc(login.logout)))
	catalog := &streamCatalog{
		store: s.StreamStore, def: s.DefaultStream, live: s.Streams, viewers: s.viewers, pubs: s.Publishers,
	}
	list := &streamListPage{auth: s.Auth, catalog: catalog, templates: tmpl, log: s.Logger}
	r.Method(http.MethodGet, "/", list)
	r.Method(http.MethodGet, "/watch/{stream}", &watchPage{auth: s.Auth, catalog: catalog, templates: tmpl, log: s.Logger})
	embed, err := newEmbedPage(tmpl, s.EmbedOrigins, s.Logger)
	if err != nil {
		return nil, err
	}
	r.Method(http.MethodGet, "/embed/{stream}", embed)
	r.Handle("/assets/*", http.StripPrefix("/assets/", http.FileServerFS(player.Assets())))

	r.Route("/live/{stream}", func(r chi.Router) {
		r.Use(CORS(s.CORSOrigins))
		r.Use(CacheControl)
		r.Use(RequireMediaToken(s.Auth, s.Links, s.Logger))
		r.Use(ClientKey)
		r.Use(s.viewers.Handler)
		r.Use(s.origin.Handler)
		r.Get("/*", s.serveLive)
	})

	apiToken := RequireAPIToken(s.Auth, s.Logger)
	r.With(csrf.Handler, apiToken).Get("/api/streams", list.api)
	r.With(csrf.Handler, apiToken).Get("/api/qr.png", qrHandler(s.Logger))
	metrics, err := s.metricsRegistry(catalog)
	if err != nil {
		return nil, err
	}
	adminSession := func(next http.Handler) http.Handler {
		return csrf.Handler(apiToken(RequireRole(RoleAdmin, s.Logger)(next)))
	}
	r.With(RequireMetricsReader(s.MetricsToken, adminSession, s.Logger)).Method(http.MethodGet, "/metrics", metricsHandler(metrics, s.Logger))
	if s.Links != nil {
		links := &linkAPI{auth: s.Auth, links: s.Links, streams: s.StreamStore, stream: s.DefaultStream, base: s.BaseURL, log: s.Logger}
		r.With(csrf.Handler, apiToken).Post("/api/links", links.create)
		r.Route("/api/studio/links", func(r chi.Router) {
			r.Use(csrf.Handler, apiToken, RequireRole(RoleAdmin, s.Logger))
			r.Get("/", links.list)
			r.Post("/{id}/revoke", links.revoke)
		})
		// For a reverse proxy's auth_request: is the request in
		// X-Original-URI allowed?
		r.With(s.origin.Handler).Get("/auth/live", authSubrequest(s.Auth, s.Links, s.Logger))
	}
	if s.StreamStore != nil {
		streams := &streamAPI{
			store: s.StreamStore, ports: s.PublishPorts, checkFile: s.CheckStreamFile,
			live: s.Streams, viewers: s.viewers, publishers: s.Publishers, segment: s.SegmentDuration, log: s.Logger,
		}
		r.Route("/api/studio/streams", func(r chi.Router) {
			r.Use(csrf.Handler, apiToken, RequireRole(RoleAdmin, s.Logger))
			streams.routes(r)
		})
	}
	if s.Studio != nil {
		r.Method(http.MethodGet, "/studio", &studioPage{auth: s.Auth, templates: tmpl, stream: s.DefaultStream, log: s.Logger})
		api := &studioAPI{
			studio: s.Studio, probe: s.Probe, logs: s.Logs, addresses: s.Addresses,
			viewers: s.viewers, stream: s.DefaultStream, log: s.Logger,
		}
		r.Route("/api/studio", func(r chi.Router) {
			// CrossOriginProtection lets GET through and stops cross-site POSTs.
			r.Use(csrf.Handler, apiToken, RequireRole(RoleAdmin, s.Logger))
			api.routes(r)
		})
	}
	return r, nil
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

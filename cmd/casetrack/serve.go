package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/seed"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/web"
)

const (
	defaultDatabase     = "sqlite:casetrack.db"
	defaultDemoDatabase = "sqlite:casetrack-demo.db"
	defaultContact      = "privacy@example.org"
	// demoCases is how many synthetic cases an empty demo database gets.
	demoCases = 30000
	// demoSeed makes every demo database the same.
	demoSeed = 1
	// shutdownGrace is how long in-flight requests get to finish.
	shutdownGrace = 15 * time.Second
)

// serveConfig is the validated configuration of "casetrack serve".
type serveConfig struct {
	Addr           string
	MetricsAddr    string // "" when metrics are not served
	Database       string
	MinCases       int
	Contact        string
	ContactDefault bool
	WriteRate      int
	UpdateRate     int
	ReportRate     int
	TrustProxy     bool
	ClientIPHeader string
	Demo           bool
	Accounts       accountSettings
	// Mail is zero when no SMTP server is configured: no mail is sent.
	Mail mailSettings
	// ReorganizeEvery is how often to reorganise the database (0: never).
	ReorganizeEvery time.Duration
}

// parseServe reads the serve flags and environment and checks them all
// together, so every problem is reported at once.
func parseServe(args []string, getenv func(string) string, stdout io.Writer) (serveConfig, error) {
	s := newOptionSet("serve", "Run the CaseTrack web server. Migrations are applied on start.")
	addr := s.add("addr", "ADDR", ":8080", "address to listen on, host:port", "CASETRACK_ADDR")
	metricsAddr := s.add("metrics-addr", "ADDR", "", "serve Prometheus metrics at /metrics on this separate address, host:port (e.g. 127.0.0.1:9090; empty: no metrics). Keep it off the public network", "CASETRACK_METRICS_ADDR")
	database := s.addDatabase(" (with --demo: " + defaultDemoDatabase + " unless this flag is given)")
	minCases := s.add("min-cases", "K", "5", "smallest group of cases any statistic is shown for (at least 1)", "CASETRACK_MIN_CASES")
	contact := s.add("contact", "ADDRESS", defaultContact, "privacy contact shown on every page: an email address or https:// URL", "CASETRACK_CONTACT")
	writeRate := s.add("write-rate", "N", "30", "case creations allowed per client address per hour; 0 turns the limit off", "CASETRACK_WRITE_RATE")
	updateRate := s.add("update-rate", "N", "60", "milestone additions, \"still pending\" confirmations and owners' edits allowed per client address per hour; 0 turns the limit off", "CASETRACK_UPDATE_RATE")
	reportRate := s.add("report-rate", "N", "10", "reports about cases allowed per client address per hour; 0 turns the limit off", "CASETRACK_REPORT_RATE")
	trust := s.addSwitch("trust-proxy", "take the client address from the last X-Forwarded-For hop (only behind a proxy that appends it)", "CASETRACK_TRUST_PROXY")
	ipHeader := s.add("client-ip-header", "NAME", "", "with --trust-proxy: the request header your proxy puts the client address in, e.g. X-Real-IP, CF-Connecting-IP or Fly-Client-IP (empty: the last X-Forwarded-For hop)", "CASETRACK_CLIENT_IP_HEADER")
	accounts := addAccountOptions(s)
	mailOpts := addMailOptions(s)
	reorganize := s.add("reorganize-every", "DURATION", defaultReorganizeEvery, "how often to rewrite recently stored rows in the order of their random keys, so that the database files do not show the order of submissions (also once at start); 0 turns it off", "CASETRACK_REORGANIZE_EVERY")
	demo := s.addSwitch("demo", "use a separate demo database, filled with synthetic cases when empty, and show a \"demo data\" banner", "CASETRACK_DEMO")
	if err := parseOptions(s, args, getenv, stdout, commandsHelp); err != nil {
		return serveConfig{}, err
	}

	cfg := serveConfig{Addr: strings.TrimSpace(addr.value)}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		s.fail(addr, "%q is not host:port (for example :8080 or 127.0.0.1:8080)", addr.value)
	}
	cfg.MetricsAddr = strings.TrimSpace(metricsAddr.value)
	if cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			s.fail(metricsAddr, "%q is not host:port (for example 127.0.0.1:9090)", metricsAddr.value)
		} else if cfg.MetricsAddr == cfg.Addr {
			s.fail(metricsAddr, "%q is also --addr: metrics need an address of their own, off the public network", metricsAddr.value)
		}
	}
	cfg.Demo = s.bool(demo)
	// In demo mode only an explicit --database overrides the demo
	// database: a DATABASE_URL meant for real data must never be seeded.
	if cfg.Demo && database.source != "--database" {
		database.value, database.source = defaultDemoDatabase, ""
	}
	cfg.Database = s.database(database)
	cfg.MinCases = s.int(minCases, 1)
	cfg.Contact = strings.TrimSpace(contact.value)
	cfg.ContactDefault = cfg.Contact == defaultContact
	if !validContact(cfg.Contact) {
		s.fail(contact, "%q is neither an email address nor an https:// URL", contact.value)
	}
	cfg.WriteRate = s.int(writeRate, 0)
	cfg.UpdateRate = s.int(updateRate, 0)
	cfg.ReportRate = s.int(reportRate, 0)
	cfg.TrustProxy = s.bool(trust)
	cfg.ClientIPHeader = strings.TrimSpace(ipHeader.value)
	switch {
	case cfg.ClientIPHeader == "":
	case !validHeaderName(cfg.ClientIPHeader):
		s.fail(ipHeader, "%q is not a header name (letters, digits and dashes)", ipHeader.value)
	case !cfg.TrustProxy:
		s.fail(ipHeader, "it is read only behind a trusted proxy: add --trust-proxy")
	}
	cfg.Accounts = accounts.settings(s)
	cfg.Mail = mailOpts.settings(s, cfg.Accounts.PublicURL, accounts.publicURL)
	cfg.ReorganizeEvery = s.duration(reorganize)
	if err := s.err(); err != nil {
		return serveConfig{}, usageError{err}
	}
	return cfg, nil
}

// validContact accepts an email address or a web address.
func validContact(c string) bool {
	if strings.HasPrefix(c, "https://") || strings.HasPrefix(c, "http://") {
		return len(c) > len("https://")
	}
	a, err := mail.ParseAddress(c)
	return err == nil && a.Name == "" && a.Address == c
}

// runServe is "casetrack serve": it runs until SIGINT or SIGTERM.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stdout)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, cfg, log)
}

// serve opens the database, builds the statistics index, keeps it in step
// with the database and serves HTTP until ctx ends, then shuts down
// gracefully.
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger) error {
	if cfg.ContactDefault {
		log.Warn("the privacy contact is the placeholder " + defaultContact + "; set --contact or CASETRACK_CONTACT to a real address")
	}
	st, err := store.OpenWriter(ctx, cfg.Database)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	// One writing process per SQLite file (store.OpenWriter): a second
	// server would never see the first one's writes in its statistics.
	defer st.Close()
	log.Info("database ready", "dialect", st.Dialect(), "demo", cfg.Demo)
	cat := catalog.Default()

	if cfg.Demo {
		if err := seedDemo(ctx, st, cat, log); err != nil {
			return err
		}
	}

	st.ObserveListen(
		func(err error) {
			log.Warn("change notifications lost: the statistics may miss other instances' writes until they are back", "err", err)
		},
		func(deaf time.Duration) {
			log.Info("change notifications back: reloading the statistics index", "stale_for", deaf.Round(time.Millisecond))
		})
	sync := newIndexSync(st, cat, log)
	listenCtx, stopListen := context.WithCancel(ctx)
	defer stopListen()
	listenDone := make(chan struct{})
	go func() {
		defer close(listenDone)
		if err := st.Listen(listenCtx, func(id string) { sync.changed(listenCtx, id) }); err != nil && listenCtx.Err() == nil {
			log.Error("change notifications stopped; statistics may go stale until restart", "err", err)
		}
	}()
	// Load only once changes are being announced, so none made after the
	// load's snapshot can be missed. A listener that cannot start is logged
	// above; serving stale statistics beats not serving.
	select {
	case <-sync.listening:
	case <-listenDone:
	case <-time.After(10 * time.Second):
		log.Warn("change notifications not confirmed after 10s; loading the statistics index anyway")
	case <-ctx.Done():
		return ctx.Err()
	}
	ix, err := sync.build(ctx)
	if err != nil {
		return err
	}
	// The first reorganisation waits for the load: its listing reads every
	// table too, and beside the load it made start-up at ten million cases
	// seconds longer.
	if cfg.ReorganizeEvery > 0 {
		reorgCtx, stopReorg := context.WithCancel(ctx)
		reorgDone := make(chan struct{})
		go func() {
			defer close(reorgDone)
			reorganizeEvery(reorgCtx, st, cfg.ReorganizeEvery, log)
		}()
		// Stopped before the store closes.
		defer func() { stopReorg(); <-reorgDone }()
	}

	composer, wakeMail, stopMail, err := startMail(ctx, cfg.Mail, cfg.Accounts.PublicURL, st, log)
	if err != nil {
		return err
	}
	// Stopped before the store closes.
	defer stopMail()
	// The scheduler queues digests and reminders; stopped before the sender.
	defer startAlerts(ctx, st, ix, cat, composer, cfg.MinCases, log, wakeMail)()

	srv, err := web.New(web.Config{
		Store:          st,
		Catalog:        cat,
		Index:          ix,
		MinCases:       cfg.MinCases,
		Contact:        cfg.Contact,
		Demo:           cfg.Demo,
		WriteRate:      cfg.WriteRate,
		UpdateRate:     cfg.UpdateRate,
		ReportRate:     cfg.ReportRate,
		TrustProxy:     cfg.TrustProxy,
		ClientIPHeader: cfg.ClientIPHeader,
		SignInRate:     cfg.Accounts.SignInRate,
		OIDC:           cfg.Accounts.oidcConfig(),
		OIDCName:       cfg.Accounts.OIDC.Name,
		PublicURL:      cfg.Accounts.PublicURL,
		Mail:           composer,
		MailWake:       wakeMail,
		Logger:         log,
	})
	if err != nil {
		return fmt.Errorf("build web server: %w", err)
	}
	sync.setObserver(srv.ObserveIndexRefresh)

	hs := &http.Server{
		Addr:              cfg.Addr,
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	var ms *http.Server
	metricsErr := make(chan error, 1)
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on --metrics-addr %s: %w", cfg.MetricsAddr, err)
		}
		ms = metricsServer(srv.MetricsHandler(), log)
		log.Info("serving metrics", "addr", mln.Addr().String())
		go func() { metricsErr <- ms.Serve(mln) }()
	}
	log.Info("listening on "+listenURL(ln.Addr()), "addr", ln.Addr().String(), "min_cases", cfg.MinCases, "write_rate", cfg.WriteRate, "update_rate", cfg.UpdateRate,
		"report_rate", cfg.ReportRate, "trust_proxy", cfg.TrustProxy, "signin_rate", cfg.Accounts.SignInRate, "oidc", cfg.Accounts.OIDC.enabled(), "mail", cfg.Mail.enabled())

	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case err := <-metricsErr:
		return fmt.Errorf("serve metrics: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if ms != nil {
		// Scrapes are short; the metrics listener closes first.
		if err := ms.Shutdown(shutdownCtx); err != nil {
			log.Warn("metrics shutdown", "err", err)
		}
	}
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	stopListen()
	<-listenDone
	log.Info("stopped")
	return nil
}

// metricsServer serves the metrics, and nothing else, on the
// --metrics-addr listener.
func metricsServer(h http.Handler, log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    8 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// seedDemo fills an empty demo database with synthetic cases.
func seedDemo(ctx context.Context, st *store.Store, cat *catalog.Catalog, log *slog.Logger) error {
	n, err := st.CountCases(ctx)
	if err != nil {
		return fmt.Errorf("count cases: %w", err)
	}
	if n > 0 {
		log.Info("demo database already has cases", "cases", n)
		return nil
	}
	log.Info("seeding the demo database", "cases", demoCases)
	start := time.Now()
	if err := seed.Run(ctx, st, cat, demoCases, time.Now(), demoSeed, io.Discard); err != nil {
		return fmt.Errorf("seed demo database: %w", err)
	}
	log.Info("demo database seeded", "cases", demoCases, "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// validHeaderName reports whether name can be an HTTP header name of the
// kind proxies use for the client address.
func validHeaderName(name string) bool {
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return name != ""
}

// listenURL is the address a person can open in a browser for a listener:
// http://localhost:8080/ for one on every interface (":8080", 0.0.0.0 or
// ::), else its own host.
func listenURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

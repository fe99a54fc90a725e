// Package web is CaseTrack's HTTP layer: the server-rendered pages, the JSON
// API under /api/v1/, the middleware every response passes through and the
// embedded templates and static assets. Handlers validate with the timeline
// package, write through the store and keep the in-memory statistics index
// current after each write, so the next request sees it.
package web

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/outage"
	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/sharecard"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/web/throttle"
)

// Config is everything the web layer needs; cmd/casetrack fills it from
// flags and environment variables.
type Config struct {
	Store   *store.Store
	Catalog *catalog.Catalog
	// Languages are the message catalogs pages are written from; nil
	// loads the embedded ones (i18n.Load). Tests pass the pseudo catalog.
	Languages *i18n.Catalog
	// Index is the in-memory statistics index; handlers update it after
	// each successful write.
	Index *stats.Index
	// MinCases is k: no aggregate is shown from fewer cases (privacy promise 6).
	MinCases int
	// Contact is the operator's privacy contact, shown on every page.
	Contact string
	// Demo shows a "demo data" banner on every page.
	Demo bool
	// WriteRate is the number of case creations allowed per client address
	// per hour; 0 turns the limit off.
	WriteRate int
	// UpdateRate is the number of milestone additions and "still pending"
	// confirmations allowed per client address per hour; 0 turns it off.
	UpdateRate int
	// ReportRate is the number of reports about cases allowed per client
	// address per hour; 0 turns the limit off.
	ReportRate int
	// TrustProxy takes the client address from the last X-Forwarded-For
	// hop (the one the trusted proxy appended) instead of the connection's
	// remote address.
	TrustProxy bool
	// ClientIPHeader, behind a trusted proxy, names the header that carries
	// the client address (X-Real-IP, CF-Connecting-IP, ...); empty means
	// the last X-Forwarded-For hop.
	ClientIPHeader string
	// SignInRate is the number of failed sign-in attempts allowed per
	// client per hour (sign-ups count against it) and per known device;
	// an account takes 3×SignInRate a day from clients it does not know
	// (throttle.SignIn); 0 turns the limits off.
	SignInRate int
	// PasswordCost is the bcrypt cost of password hashes; 0 means
	// auth.DefaultPasswordCost. Tests use bcrypt's minimum (4).
	PasswordCost int
	// Sessions sets session expiry; zero means auth.DefaultSessionPolicy.
	Sessions auth.SessionPolicy
	// OIDC, when set, offers sign-in through that OpenID Connect provider.
	OIDC *auth.OIDCConfig
	// OIDCName is the provider's name on the sign-in button ("Clerk").
	OIDCName string
	// PublicURL is the site's address as browsers see it
	// ("https://casetrack.example.org"); an https:// address makes session
	// cookies Secure even when TLS ends at a proxy that is not trusted and
	// turns on HSTS; absolute links (the Atom feed) are built from it.
	PublicURL string
	// Mail, when set, turns on every mail feature (verified sign-up,
	// password reset, alerts, reminders); nil hides them all and the
	// site works without mail. Its links start at its site URL.
	Mail *mail.Composer
	// MailWake, when set, is called after a request queued mail, so that
	// this instance's sender sends it at once instead of at its next poll.
	MailWake func()
	// RequestTimeout bounds each request's database work; a request that
	// runs out of it is answered 503. Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Now is the clock; tests inject a fixed one. Defaults to time.Now.
	Now func() time.Time
	// Logger receives the access log and errors. Defaults to slog.Default().
	Logger *slog.Logger
}

// Server serves CaseTrack over HTTP. It holds no global state, so several
// servers (for example one per test) can run in one process.
type Server struct {
	store   *store.Store
	cat     *catalog.Catalog
	index   *stats.Index
	answers *answerCache
	// rendered keeps the home page and the feeds as rendered (rendered.go).
	// They show what people wrote, so the cache is emptied whenever a case
	// already indexed changes or goes (stats.Index.Revisions): a request
	// made after a note is corrected or a case deleted or hidden always
	// sees it. A new case may show a rendering later (renderWait).
	rendered *pagecache.Cache
	// statsPages keeps Explore and its charts as rendered: aggregates
	// only, so any change may show a rendering later (renderWait).
	statsPages *pagecache.Cache
	// statsAnswers keeps the statistics APIs' answers (answercache.go).
	statsAnswers *pagecache.Cache
	// renderHook, when set (by tests), runs as each rendering of Explore
	// for the cache begins, so that a test can hold one.
	renderHook func()
	minCases   int
	contact    string
	demo       bool
	trust      bool
	ipHeader   string // the header clientAddr reads behind a trusted proxy
	now        func() time.Time
	log        *slog.Logger
	// requestTimeout is Config.RequestTimeout (see withDeadline).
	requestTimeout time.Duration

	limiter       *writeLimiter // case creations
	updateLimiter *writeLimiter // milestone additions and confirmations
	reportLimiter *writeLimiter // reports
	signin        *throttle.SignIn
	passwords     *auth.Hasher
	sessions      auth.SessionPolicy
	oidc          *auth.OIDC
	oidcName      string
	publicURL     string         // "" when not configured
	mail          *mail.Composer // nil when the site sends no mail
	alerts        *alerts.Service
	mailWake      func()
	accountMail   *accountMailLimits // sign-up, confirmation and reset mail
	httpsPublic   bool
	quality       *qualityBounds
	cards         *sharecard.Cache // share cards of case pages (card.go)
	metrics       *metrics
	outage        *outage.Tracker                          // the database's outages (errUnavailable)
	lang          *i18n.Catalog                            // the messages in every language
	pages         map[string]map[string]*template.Template // language -> page -> template
	refs          map[string]*catalog.Catalog              // language -> reference data named in it
	assets        *assets
	handler       http.Handler
	// mux is the routes alone, for finding which page answers a path
	// (formPagePath).
	mux *http.ServeMux
}

// New checks the configuration, parses the embedded templates and builds
// the handler chain.
func New(cfg Config) (*Server, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("web: Config.Store is required"))
	}
	if cfg.Index == nil {
		errs = append(errs, errors.New("web: Config.Index is required"))
	}
	if cfg.MinCases < 1 {
		errs = append(errs, fmt.Errorf("web: Config.MinCases must be at least 1, got %d", cfg.MinCases))
	}
	for _, r := range []struct {
		name string
		v    int
	}{{"WriteRate", cfg.WriteRate}, {"UpdateRate", cfg.UpdateRate}, {"ReportRate", cfg.ReportRate}} {
		if r.v < 0 {
			errs = append(errs, fmt.Errorf("web: Config.%s must not be negative, got %d", r.name, r.v))
		}
	}
	if cfg.RequestTimeout < 0 {
		errs = append(errs, fmt.Errorf("web: Config.RequestTimeout must not be negative, got %v", cfg.RequestTimeout))
	}
	if cfg.SignInRate < 0 {
		errs = append(errs, fmt.Errorf("web: Config.SignInRate must not be negative, got %d", cfg.SignInRate))
	}
	passwords, err := auth.NewHasher(cfg.PasswordCost)
	if err != nil {
		errs = append(errs, fmt.Errorf("web: Config.PasswordCost: %w", err))
	}
	var oidc *auth.OIDC
	if cfg.OIDC != nil {
		if oidc, err = auth.NewOIDC(*cfg.OIDC); err != nil {
			errs = append(errs, fmt.Errorf("web: Config.OIDC: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Sessions == (auth.SessionPolicy{}) {
		cfg.Sessions = auth.DefaultSessionPolicy
	}
	if cfg.OIDCName == "" {
		cfg.OIDCName = "your identity provider"
	}
	if cfg.Catalog == nil {
		cfg.Catalog = catalog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{
		alerts:       newAlertService(cfg),
		store:        cfg.Store,
		cat:          cfg.Catalog,
		index:        cfg.Index,
		answers:      &answerCache{},
		rendered:     pagecache.New(maxRendered, renderWait),
		statsPages:   pagecache.New(maxRendered, renderWait),
		statsAnswers: pagecache.New(maxCachedAnswers, renderWait),
		minCases:     cfg.MinCases,
		contact:      cfg.Contact,
		demo:         cfg.Demo,
		trust:        cfg.TrustProxy,
		ipHeader:     http.CanonicalHeaderKey(cmp.Or(cfg.ClientIPHeader, "X-Forwarded-For")),
		now:          cfg.Now,
		log:          cfg.Logger,
		limiter:      newWriteLimiter(cfg.WriteRate, cfg.Now),

		updateLimiter: newWriteLimiter(cfg.UpdateRate, cfg.Now),
		reportLimiter: newWriteLimiter(cfg.ReportRate, cfg.Now),
		signin:        throttle.NewSignIn(cfg.SignInRate, cfg.Now),
		passwords:     passwords,
		sessions:      cfg.Sessions,
		oidc:          oidc,
		oidcName:      cfg.OIDCName,
		publicURL:     strings.TrimSuffix(cfg.PublicURL, "/"),
		mail:          cfg.Mail,
		mailWake:      cfg.MailWake,
		accountMail:   newAccountMailLimits(cfg.Now),
		httpsPublic:   strings.HasPrefix(cfg.PublicURL, "https://"),
		quality:       newQualityBounds(),
		cards:         sharecard.NewCache(maxCachedCards),

		requestTimeout: cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout),
	}
	// A language whose share cards stay English for want of a font says
	// so once, with the package to install.
	sharecard.ReportFonts(s.log)
	// The statistics that depend on today (how long a pending case has
	// waited, the headline's window) read the server's clock.
	s.index.SetClock(cfg.Now)
	s.rendered.PurgeOn(s.index.Revisions)
	s.rendered.Space(renderSpacing)
	s.statsPages.Space(renderSpacing)
	s.statsAnswers.Space(renderSpacing)
	s.metrics = newMetrics(s.index)
	// An outage ends when the database takes a write again, which is what
	// the requests that failed needed.
	s.outage = outage.New("database", s.log, outage.Options{Probe: s.store.Ready})
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.lang = cfg.Languages; s.lang == nil {
		if s.lang, err = i18n.Load(); err != nil {
			return nil, err
		}
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.mux = s.routes()
	s.handler = s.middleware(s.mux)
	return s, nil
}

// Handler returns the complete handler: routes wrapped in the middleware.
func (s *Server) Handler() http.Handler { return s.handler }

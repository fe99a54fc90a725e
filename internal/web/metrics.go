package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/casetrack/casetrack/internal/stats"
)

// metrics are the Prometheus metrics of one Server, on a registry of its
// own rather than the global default one, so several servers (tests) can
// live in one process. Labels carry route patterns, methods, status codes
// and fixed outcome names only: never a path, a case id, an address or
// anything a person typed.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	submissions *prometheus.CounterVec
	reports     prometheus.Counter
	moderation  *prometheus.CounterVec
	refresh     prometheus.Histogram
}

// Submission outcomes counted in casetrack_submissions_total.
const (
	submitCreated     = "created"
	submitFlagged     = "flagged"
	submitInvalid     = "invalid"
	submitRateLimited = "rate_limited"
	submitHoneypot    = "honeypot"
)

func newMetrics(ix *stats.Index) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casetrack_http_requests_total",
			Help: "HTTP requests by method, route pattern and status code.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "casetrack_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casetrack_submissions_total",
			Help: "Case submissions by outcome: created, flagged (stored, held for review), invalid, rate_limited, honeypot.",
		}, []string{"result"}),
		reports: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "casetrack_reports_total",
			Help: "Reports about cases received from readers.",
		}),
		moderation: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casetrack_moderation_actions_total",
			Help: "Moderation actions by action: flag (automatic), hide, approve, dismiss, delete.",
		}, []string{"action"}),
		refresh: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "casetrack_stats_index_refresh_seconds",
			Help:    "Time to refresh the statistics index after a change announced by any instance, or to reload it.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .5, 1, 5, 30},
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.submissions, m.reports, m.moderation, m.refresh,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "casetrack_stats_index_cases",
			Help: "Cases in the in-memory statistics index (visible cases only).",
		}, func() float64 { return float64(ix.Len()) }),
		collectors.NewGoCollector(),
	)
	// Outcomes and actions appear at zero before the first one happens,
	// so dashboards and alerts see them from the start.
	for _, r := range []string{submitCreated, submitFlagged, submitInvalid, submitRateLimited, submitHoneypot} {
		m.submissions.WithLabelValues(r)
	}
	for _, a := range []string{"flag", "hide", "approve", "dismiss", "delete"} {
		m.moderation.WithLabelValues(a)
	}
	return m
}

// knownMethods bounds the method label: anything else counts as "other".
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// observeRequest counts one answered request.
func (m *metrics) observeRequest(method, route string, status int, d time.Duration) {
	if !knownMethods[method] {
		method = "other"
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

// ObserveIndexRefresh records how long one refresh (or reload) of the
// statistics index took; cmd/casetrack's index synchronisation calls it.
func (s *Server) ObserveIndexRefresh(d time.Duration) { s.metrics.refresh.Observe(d.Seconds()) }

// MetricsHandler serves the metrics in the Prometheus text format. It is
// not among the site's routes: the metrics tell request volumes and
// moderation activity, so cmd/casetrack serves them only on the separate
// --metrics-addr listener.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}})
}

// slogPrinter passes promhttp's errors to the server's logger.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.log.Error("metrics", "err", v) }

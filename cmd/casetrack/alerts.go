package main

import (
	"context"
	"log/slog"

	"github.com/casetrack/casetrack/internal/alerts"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/store"
)

// startAlerts runs the scheduler of alerts and "still pending?" reminders
// (package alerts) for the life of the server when the site sends mail,
// that is when composer is not nil; without mail it starts nothing. Every
// instance may run it: each digest and reminder is queued once however
// many share the database. wake tells this instance's sender that mail
// was queued (nil: the sender's next poll finds it). The returned stop
// ends the scheduler and waits for it; call it before the store closes.
func startAlerts(ctx context.Context, st *store.Store, ix *stats.Index, cat *catalog.Catalog, composer *mail.Composer,
	minCases int, log *slog.Logger, wake func()) (stop func()) {
	if composer == nil {
		return func() {}
	}
	sch := &alerts.Scheduler{
		Service: alerts.Service{Store: st, Index: ix, Catalog: cat, MinCases: minCases},
		Mail:    composer,
		Wake:    wake,
		Log:     log,
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sch.Run(ctx) //nolint:errcheck // ends with ctx; failures of a run are logged by Run
	}()
	log.Info("alerts and reminders on", "every", alerts.DefaultEvery)
	return func() {
		cancel()
		<-done
	}
}

package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/casetrack/casetrack/internal/mail"
	"github.com/casetrack/casetrack/internal/store"
)

// startMail starts sending mail when an SMTP server is configured: it
// returns the composer the web server writes mail with, the function that
// tells the sender mail was queued, and stop, which ends the sender and
// waits for it. The sender sends the outbox for the life of the server;
// it shares the outbox with the senders of other instances. Without an
// SMTP server nothing starts and the composer is nil: the site offers no
// mail features.
func startMail(ctx context.Context, cfg mailSettings, publicURL string, st *store.Store, log *slog.Logger) (*mail.Composer, func(), func(), error) {
	if !cfg.enabled() {
		return nil, nil, func() {}, nil
	}
	composer, err := mail.NewComposer(mail.Site{Name: "CaseTrack", URL: publicURL})
	if err != nil {
		return nil, nil, nil, err
	}
	client, err := mail.NewClient(cfg.SMTP)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("mail: %w", err)
	}
	sender := &mail.Sender{Store: st, Transport: client, From: cfg.From, Poll: cfg.Poll, Lease: cfg.Lease, Log: log}
	// SMTP.String leaves the password out.
	log.Info("sending mail", "smtp", cfg.SMTP.String(), "from", cfg.From)
	sendCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Run ends only with its context; outbox errors are logged as
		// they happen and retried at the next poll.
		_ = sender.Run(sendCtx)
	}()
	return composer, sender.Wake, func() { cancel(); <-done }, nil
}

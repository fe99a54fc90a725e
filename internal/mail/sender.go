package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"time"

	"github.com/casetrack/casetrack/internal/store"
)

// Sender delivers the outbox. Every instance may run one: each batch is
// claimed for a lease, so two senders never send the same message, and
// a sender that dies (even by kill -9) leaves its claim to expire for
// another to take over.
//
// A message is deleted right after the SMTP server accepts it, one by
// one, so a sender killed mid-batch loses nothing and repeats nothing it
// had finished (the kill -9 test of cmd/casetrack checks this). What no
// SMTP client can close is the time between the end of a message's
// content and its deletion, since the server may take the message before
// its answer arrives: a crash there, a connection lost while waiting for
// that answer, or a deletion the database fails sends that one message
// again (after the lease, or the backoff). It then carries the same
// Message-ID, so mail systems that remove duplicates do.
type Sender struct {
	Store     *store.Store
	Transport Transport
	// From is the sender address ("CaseTrack <no-reply@example.org>").
	From string
	// Batch is how many messages one claim takes; zero means 20.
	Batch int
	// Lease is how long a claim holds; zero means 5 minutes. It must be
	// longer than sending a batch takes.
	Lease time.Duration
	// Poll is how often the outbox is looked at when nobody calls Wake;
	// zero means 10 seconds. Other instances' mail waits at most this.
	Poll time.Duration
	// MaxAttempts is how many failed tries a message gets before it is
	// dropped; zero means 16 (nearly two days with the backoff).
	MaxAttempts int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives one line per delivery problem: the message kind and
	// the error, never an address or any content.
	Log *slog.Logger

	wake chan struct{}
}

// Wake asks the sender to look at the outbox now (after a change queued
// mail on this instance).
func (s *Sender) Wake() {
	s.init()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Sender) init() {
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
}

// Run sends until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	s.init()
	poll := s.Poll
	if poll <= 0 {
		poll = 10 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for {
			n, err := s.Flush(ctx)
			if err != nil && ctx.Err() == nil {
				s.log().Error("mail: read the outbox", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-s.wake:
		}
	}
}

// Flush claims one batch of due messages and sends it, returning how
// many it claimed.
func (s *Sender) Flush(ctx context.Context) (int, error) {
	claim := "c_" + rand.Text()
	n := s.Batch
	if n <= 0 {
		n = 20
	}
	batch, err := s.Store.ClaimMail(ctx, claim, s.now(), s.lease(), n)
	if err != nil {
		return 0, err
	}
	for _, d := range batch {
		if ctx.Err() != nil {
			// The rest of the claim expires and another pass sends it.
			return len(batch), ctx.Err()
		}
		s.deliver(ctx, claim, d)
	}
	return len(batch), nil
}

func (s *Sender) deliver(ctx context.Context, claim string, d store.Delivery) {
	err := s.Transport.Send(ctx, Message{ID: d.ID, From: s.From, To: d.To, Subject: d.Subject,
		Text: d.Text, HTML: d.HTML, Unsubscribe: d.Unsubscribe})
	// The outcome is written even when ctx has just ended: a message the
	// server took must not be sent again.
	wctx := context.WithoutCancel(ctx)
	var perm *PermanentError
	switch {
	case err == nil:
		if err := s.Store.MailSent(wctx, d.ID, claim); err != nil {
			s.log().Error("mail: delivered, but not removed from the outbox", "kind", d.Kind, "err", err)
		}
	case errors.As(err, &perm) || d.Attempts+1 >= s.maxAttempts():
		s.log().Error("mail: dropped", "kind", d.Kind, "attempts", d.Attempts+1, "err", err)
		if err := s.Store.MailSent(wctx, d.ID, claim); err != nil {
			s.log().Error("mail: drop", "kind", d.Kind, "err", err)
		}
	default:
		s.log().Warn("mail: will try again", "kind", d.Kind, "attempts", d.Attempts+1, "err", err)
		if err := s.Store.MailFailed(wctx, d.ID, claim, s.now().Add(Backoff(d.Attempts+1))); err != nil {
			s.log().Error("mail: release", "kind", d.Kind, "err", err)
		}
	}
}

// Backoff is the wait before try number attempts+1: a minute, doubling,
// at most six hours, less a random tenth so that messages that failed
// together do not all come back together.
func Backoff(attempts int) time.Duration {
	d := time.Duration(float64(time.Minute) * math.Pow(2, float64(max(attempts-1, 0))))
	if d > 6*time.Hour || d <= 0 {
		d = 6 * time.Hour
	}
	return d - time.Duration(mrand.Int64N(int64(d/10)+1))
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) lease() time.Duration {
	if s.Lease > 0 {
		return s.Lease
	}
	return 5 * time.Minute
}

func (s *Sender) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return 16
}

func (s *Sender) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

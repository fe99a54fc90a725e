package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/casetrack/casetrack/internal/store"
)

// BenchmarkFeed times one feed page for the commonest and the rarest
// filters on a seeded database (CASETRACK_FEED_BENCH_URL, e.g. one that
// bench/run.sh left behind); it needs no server, so it shows the store's
// own cost.
func BenchmarkFeed(b *testing.B) {
	url := os.Getenv("CASETRACK_FEED_BENCH_URL")
	if url == "" {
		b.Skip("set CASETRACK_FEED_BENCH_URL to a seeded database")
	}
	s, err := store.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, bc := range []struct {
		name string
		q    store.FeedQuery
	}{
		{"all", store.FeedQuery{}},
		{"approved", store.FeedQuery{Milestone: "approved"}},
		{"category", store.FeedQuery{Category: "i485-employment"}},
		{"country=ZW", store.FeedQuery{Country: "ZW"}},
		{"country=ZW,center=NBC,denied", store.FeedQuery{Country: "ZW", ServiceCenter: "NBC", Milestone: "denied"}},
		{"country=IN,center=PSC,denied", store.FeedQuery{Country: "IN", ServiceCenter: "PSC", Milestone: "denied"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := bc.q
			q.Limit = 20
			for b.Loop() {
				if _, err := s.FeedPage(b.Context(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

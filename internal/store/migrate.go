package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
)

// migrationFiles holds the schema, one directory of goose SQL files per
// dialect: the two databases differ enough in types (DATE, BYTEA, STRICT
// tables) that one shared file would be a compromise for both.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Migrate applies every pending migration. Open calls it; it is exported
// for "casetrack migrate". Running it on an up-to-date database does
// nothing.
func (s *Store) Migrate(ctx context.Context) error {
	gd, files, locker := s.d.goose()
	opts := []goose.ProviderOption{}
	if locker != nil {
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, s.db, files, opts...)
	if err != nil {
		return fmt.Errorf("prepare %s migrations: %w", s.d.name(), err)
	}
	// On SQLite two processes starting together can both find a migration
	// pending; the second one's transaction then fails (and rolls back)
	// on what the first created. That is success if, looking again, nothing
	// is pending any more; otherwise try again.
	for attempt := range 3 {
		if attempt > 0 && !sleep(ctx, time.Duration(attempt)*100*time.Millisecond) {
			break
		}
		if _, err = p.Up(ctx); err == nil {
			return nil
		}
		if pending, perr := p.HasPending(ctx); perr == nil && !pending {
			return nil
		}
	}
	return fmt.Errorf("migrate %s database: %w", s.d.name(), err)
}

// dialectMigrations returns one dialect's migration directory.
func dialectMigrations(dir string) fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations/"+dir)
	if err != nil {
		// fs.Sub only fails for an invalid path, and dir is a constant.
		panic(fmt.Sprintf("store: migrations/%s: %v", dir, err))
	}
	return sub
}

package store

import "database/sql"

// DB exposes the connection pool to the external tests, which inspect the
// schema and the milestones table directly.
func DB(s *Store) *sql.DB { return s.db }

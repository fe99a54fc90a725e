// Package replay reads and writes replay files: case timelines together
// with the history of how each one was shared, for loading an existing
// community spreadsheet or a simulated population into CaseTrack.
//
// A replay file has one row per timeline, either as JSON Lines (one
// object per line) or as CSV with a header row. A row holds what a
// submission holds (category, country, service center, filing month,
// milestones, note) and the dates a live submission gets from the server
// clock instead: the day the timeline was first shared, the last day it
// was known to be still pending before its decision, and the day it was
// last updated. Those dates are what lets the statistics tell how each
// timeline was observed (timeline.Case.Created, LastPending, AsOf).
//
// Every row is checked exactly like a submission (timeline.Validate) and
// against the rules of its history dates (Row.Case). Import stores a file
// only when every row passes, all rows in one transaction.
package replay

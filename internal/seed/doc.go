// Package seed fills a CaseTrack database with synthetic but realistic case
// timelines, so that the Explore pages have something to show on a fresh
// install and so that benchmarks run against data shaped like the real thing:
// popular categories dominate, a few countries of birth account for most
// cases, processing times are skewed with slower service centers, requests
// for evidence add delay, and cases whose decision would still lie in the
// future are pending, exactly as they would be on a live site.
//
// Generation is deterministic for a seed, so two runs with the same seed and
// the same "today" produce the same cases, ids included.
package seed

package stats

import (
	"encoding/binary"
	"hash/maphash"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// MaxDays caps every duration the index keeps (100 years). Longer spans can
// only come from mistyped dates; the cap bounds the per-day work of a query
// and lets milestone days fit in 16 bits.
const MaxDays = 36525

// notReached marks a milestone a case has not reached.
const notReached = 0xFFFF

// maxBlock is the largest number of rows in one block. An insert moves at
// most this many rows, so a write costs the same at a thousand cases as at
// a million, while a query still reads long runs of contiguous memory.
const maxBlock = 512

// Index is an in-memory columnar index of cases for statistics. It keeps,
// per category, every case's filter columns and durations sorted by
// decision time (events before censorings at equal times), so that a query
// is a single pass over one category with the filter applied and no sorting.
// It is safe for concurrent use: queries share a read lock, writes take the
// write lock for a few microseconds.
type Index struct {
	cat *catalog.Catalog

	mu    sync.RWMutex
	parts []*partition // by catalog category index
	ids   idTable
	// free holds handles of removed rows for reuse; next is the last fresh
	// one handed out.
	free []uint32
	next uint32

	// version counts changes, so answers computed from the index can be
	// cached until the next write (see Version); catVersion counts them by
	// category (see CategoryVersion).
	version    atomic.Uint64
	catVersion []atomic.Uint64
	// catLen is each category's number of cases, readable without the
	// lock (CategoryLen), set wherever a partition changes.
	catLen []atomic.Int64
	// revisions counts the changes to cases already indexed (see
	// Revisions).
	revisions atomic.Uint64
	// echoes holds the keys of the cases this process added (Upsert of a
	// new id) whose first change notification has not been applied yet
	// (see Refresh); guarded by mu, at most maxEchoes.
	echoes map[idKey]struct{}
	// approvals counts approvals by category and day (approvals.go).
	approvals approvalTally

	// now is the clock of the estimates that depend on today: how long a
	// pending case has waited, and the calendar window of a period
	// estimate.
	now func() time.Time
	// habits caches the fitted habits of each category (see Habits);
	// paces the groups the outlook reads (see pace).
	habits habitFits
	paces  paceCache
}

// SetClock sets the clock the index reads today from (time.Now by
// default), so that tests and simulations can fix the day.
func (ix *Index) SetClock(now func() time.Time) { ix.now = now }

// Today is the index's current day (UTC midnight).
func (ix *Index) Today() time.Time { return timeline.Today(ix.now()) }

// Version changes whenever the index does: an answer computed after
// reading version v is still current while Version returns v.
func (ix *Index) Version() uint64 { return ix.version.Load() }

// CategoryVersion changes whenever a case of the category is added,
// changed or removed (and on a full reload). Every statistic of one
// category reads only that category's rows, so an answer about it
// computed at category version v is current while CategoryVersion returns
// v, however many other categories change meanwhile. An unknown category
// has no rows of its own; it gets Version.
func (ix *Index) CategoryVersion(code string) uint64 {
	i, ok := ix.cat.CategoryIndex(code)
	if !ok {
		return ix.Version()
	}
	return ix.catVersion[i].Load()
}

// Revisions changes whenever a case already in the index is changed or
// removed, or the whole index is replaced; not when a new case is added,
// nor when the notification of this process's own addition is applied
// (see Refresh).
// A page that may lag a new case by a moment must not show a case after
// its owner deleted or corrected it, or a moderator hid it: its cache
// watches this (pagecache.Cache.PurgeOn).
func (ix *Index) Revisions() uint64 { return ix.revisions.Load() }

// touched marks a change of partition pi. ix.mu is held.
func (ix *Index) touched(pi uint16) {
	ix.catVersion[pi].Add(1)
	ix.catLen[pi].Store(int64(ix.parts[pi].n))
}

// counted sets every category's catLen. ix.mu is held, or ix not yet
// shared.
func (ix *Index) counted() {
	for i, p := range ix.parts {
		ix.catLen[i].Store(int64(p.n))
	}
}

// idKey identifies a case in the index by a 128-bit hash of its id: two
// 64-bit hashes (hash/maphash) under seeds drawn at random when the
// process starts. Keeping a million id strings would cost about 50 MB
// more; at 128 bits a collision among a billion ids is far less likely
// than a hardware fault, and nobody outside the process knows the seeds
// to aim for one. The keys live only in this process's memory, so the
// seeds need not be stable. maphash replaced a truncated SHA-256, which
// took about a tenth of the time of adding a case at start-up for
// nothing the index needs.
type idKey [16]byte

var idSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func keyOf(id string) idKey {
	var k idKey
	binary.LittleEndian.PutUint64(k[:8], maphash.String(idSeeds[0], id))
	binary.LittleEndian.PutUint64(k[8:], maphash.String(idSeeds[1], id))
	return k
}

// A row's key packs everything a query needs besides the filter columns
// and milestones into one sortable word:
//
//	bits 63-33  duration in days
//	bit  32     censored (pending), so events sort before censorings
//	bit  31     denied (for a decided case; approved otherwise)
//	bit  30     has an rfe milestone
//	bits 29-0   handle, unique among live rows, so every key is unique and a
//	            row can be found again by binary search
const (
	keyCensored = 1 << 32
	keyDenied   = 1 << 31
	keyRFE      = 1 << 30
	handleMask  = 1<<30 - 1
)

// rowDur and rowEvent decode a key.
func rowDur(key uint64) int32  { return int32(key >> 33) }
func rowEvent(key uint64) bool { return key&keyCensored == 0 }

// rowRef locates a case's row: its partition and its key, split in halves
// to keep map entries small.
type rowRef struct {
	hi, lo uint32
	part   uint16
	// approved is the case's approval day (approvalDay), 0 for none; it
	// fits in the padding the struct had anyway.
	approved uint16
}

func (r rowRef) key() uint64    { return uint64(r.hi)<<32 | uint64(r.lo) }
func (r rowRef) handle() uint32 { return r.lo & handleMask }

// partition holds the rows of one category in blocks; the concatenation of
// the blocks is sorted by key.
type partition struct {
	code string
	// milestones are the category's intermediate milestone codes: not
	// received, not a decision.
	milestones []string
	names      []string
	hasRFE     bool
	blocks     []*block
	n          int
	// maxDur, minMonth and maxMonth bound the values ever stored here; they
	// only grow, which is all the per-day and per-month arrays need.
	maxDur             int32
	minMonth, maxMonth uint16
}

// block is a run of rows sorted by key. The filter columns are stored
// column by column, so the filter reads only what it tests; the payload of
// a row (key, milestones) sits together, so a row picked by a narrow filter
// costs two cache misses rather than one per column.
type block struct {
	key   []uint64
	month []uint16 // filing month ordinal
	// place is country<<16 | center, so a country and center filter is one
	// masked comparison. Country is the catalog index + 1, 0 for a code not
	// in the catalog; center the catalog index + 1, 0 for none.
	place []uint32
	// ms holds, row after row, the days to each of the partition's
	// intermediate milestones (len(milestones) values per row), notReached
	// when not reached.
	ms []uint16
	// seen says how the case was observed (see observed.go): days to the
	// day it was first shared <<16 | days to the last day it was known to
	// be pending before its decision.
	seen []uint32
	// detail packs the case's details (see details.go).
	detail []uint32
}

// row is one case's values before insertion.
type row struct {
	key    uint64
	month  uint16
	place  uint32
	ms     []uint16
	seen   uint32
	detail uint32
}

// NewIndex returns an empty index for the catalog's categories.
func NewIndex(cat *catalog.Catalog) *Index {
	checkDetailCatalog(cat)
	ix := &Index{cat: cat, ids: newIDTable(), now: time.Now,
		catVersion: make([]atomic.Uint64, len(cat.Categories)), catLen: make([]atomic.Int64, len(cat.Categories)),
		approvals: newApprovalTally(len(cat.Categories))}
	for _, c := range cat.Categories {
		p := &partition{code: c.Code, hasRFE: c.HasRFE(), minMonth: 0xFFFF}
		for _, m := range c.Milestones {
			if m.Code == "received" || m.Terminal {
				continue
			}
			p.milestones = append(p.milestones, m.Code)
			p.names = append(p.names, m.Name)
		}
		ix.parts = append(ix.parts, p)
	}
	return ix
}

// Len returns the number of cases in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.ids.len()
}

// CategoryLen is the number of cases the index holds in the category, or
// in all categories when code is not one of the catalog's. It takes no
// lock: a request must not queue behind a write that waits for a long
// computation to release the index (sync.RWMutex holds new readers back
// while a writer waits).
func (ix *Index) CategoryLen(code string) int {
	i, ok := ix.cat.CategoryIndex(code)
	if !ok {
		n := 0
		for j := range ix.catLen {
			n += int(ix.catLen[j].Load())
		}
		return n
	}
	return int(ix.catLen[i].Load())
}

// Upsert adds the case or replaces the one with the same ID. A case whose
// category is not in the catalog is not indexed (and replaces nothing). A
// case that must not count — flagged by a quality check or hidden by a
// moderator (timeline.Case.Counts) — is removed instead, so that every
// caller that refreshes a case after a write stays correct without
// looking at its moderation state.
func (ix *Index) Upsert(c *timeline.Case) { ix.upsert(c, false) }

// Refresh is Upsert for a case re-read after a change notification
// (store.Listen). An instance hears its own writes too (on PostgreSQL
// through LISTEN, on SQLite from its own store): the submission of a new
// case comes back as a notification, and its re-read
// would count as a change of a case already indexed. So the first Refresh
// of a case that this process added with Upsert, and that nothing has
// changed since in this process, is not a revision (see Revisions): it
// re-reads the case, whatever it holds by then, but pages that watch
// Revisions are not emptied for it. Notifications arrive in commit order,
// so that first one is the addition's own; a change made elsewhere after
// it comes in a later notification, which counts.
//
// Before this, every submission emptied the home page's and the feeds'
// caches a moment after it was made, so under a trickle of writes each of
// their requests waited for a full rendering.
func (ix *Index) Refresh(c *timeline.Case) { ix.upsert(c, true) }

// maxEchoes bounds the echo set. A process whose additions are not
// announced back (a server without a listener, as in tests, or
// notifications lost while the listener reconnected) would otherwise grow
// it for ever; emptied when full, it only costs a few revisions.
const maxEchoes = 4096

// revised notes a change of the indexed case id, unless it is the echo of
// the process's own addition (see Refresh). ix.mu is held.
func (ix *Index) revised(id idKey, echo bool) {
	if _, ok := ix.echoes[id]; ok {
		delete(ix.echoes, id)
		if echo {
			return
		}
	}
	ix.revisions.Add(1)
}

// added notes the addition of a new case by this process. ix.mu is held.
func (ix *Index) added(id idKey) {
	if ix.echoes == nil || len(ix.echoes) >= maxEchoes {
		ix.echoes = map[idKey]struct{}{}
	}
	ix.echoes[id] = struct{}{}
}

func (ix *Index) upsert(c *timeline.Case, echo bool) {
	if c == nil {
		return
	}
	if !c.Counts() {
		ix.Remove(c.ID)
		return
	}
	id := keyOf(c.ID)
	pi, ok := ix.cat.CategoryIndex(c.Category)
	var r row
	if ok {
		r = ix.rowOf(ix.parts[pi], c)
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	defer ix.version.Add(1)
	old, had := ix.ids.get(id)
	if had {
		ix.revised(id, echo)
		ix.parts[old.part].remove(old.key())
		ix.approvals.add(old.part, old.approved, -1)
		ix.touched(old.part)
	}
	if !ok {
		if had {
			ix.ids.delete(id)
			ix.free = append(ix.free, old.handle())
		}
		return
	}
	h := old.handle()
	if !had {
		h = ix.newHandle()
		if !echo {
			ix.added(id)
		}
	}
	r.key |= uint64(h)
	ix.parts[pi].insert(&r)
	ref := rowRef{hi: uint32(r.key >> 32), lo: uint32(r.key), part: uint16(pi), approved: approvalDay(c)}
	ix.ids.set(id, ref)
	ix.approvals.add(ref.part, ref.approved, 1)
	ix.touched(ref.part)
}

// Replace takes over the contents of fresh, an index built from a complete
// read of the database, in one step: readers see either the old index or
// the new one, never a half-built one, and cases deleted while change
// notifications were missed disappear. fresh must not be used afterwards.
func (ix *Index) Replace(fresh *Index) {
	if fresh == ix {
		return
	}
	fresh.mu.Lock()
	parts, ids, free, next, approvals := fresh.parts, fresh.ids, fresh.free, fresh.next, fresh.approvals
	fresh.parts, fresh.ids, fresh.free, fresh.next, fresh.approvals = nil, idTable{}, nil, 0, nil
	fresh.mu.Unlock()

	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.parts, ix.ids, ix.free, ix.next, ix.approvals = parts, ids, free, next, approvals
	for i := range ix.catVersion {
		ix.catVersion[i].Add(1)
	}
	ix.counted()
	ix.revisions.Add(1)
	ix.version.Add(1)
}

// Remove deletes the case with the given id, if indexed.
func (ix *Index) Remove(id string) {
	k := keyOf(id)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old, ok := ix.ids.get(k)
	if !ok {
		return
	}
	defer ix.version.Add(1)
	ix.revised(k, false)
	ix.parts[old.part].remove(old.key())
	ix.approvals.add(old.part, old.approved, -1)
	ix.touched(old.part)
	ix.ids.delete(k)
	ix.free = append(ix.free, old.handle())
}

// newHandle returns a handle no live row has. Handles are reused, so they
// only run out with 2^30 live cases, far beyond what fits in memory.
func (ix *Index) newHandle() uint32 {
	if n := len(ix.free); n > 0 {
		h := ix.free[n-1]
		ix.free = ix.free[:n-1]
		return h
	}
	ix.next++
	return ix.next
}

// rowOf computes a case's columns, its key without the handle. Durations
// run from the 15th of the filing month to the decision date, or to the
// as-of date while pending, clamped to [0, MaxDays]. A month-only date is
// taken as the 15th, but never later than the day the timeline was last
// written: an approval "in December" reported on December 3rd happened by
// the 3rd.
func (ix *Index) rowOf(p *partition, c *timeline.Case) row {
	filed := c.Filed.Mid()
	r := row{month: monthColumn(c.Filed), detail: ix.detailOf(c.Details)}
	if i, ok := ix.cat.CountryIndex(c.Country); ok {
		r.place = uint32(i+1) << 16
	}
	if i, ok := ix.cat.ServiceCenterIndex(c.ServiceCenter); ok && c.ServiceCenter != "" {
		r.place |= uint32(i + 1)
	}
	entry := int32(0) // followed from filing when the sharing day is unknown
	if !c.Created.IsZero() {
		entry = days(filed, c.Created)
	}
	if m, ok := c.Decision(); ok {
		d := days(filed, reportedDate(m.Date, c.AsOf))
		r.seen, d = seenDecided(c, filed, entry, d)
		r.key = uint64(d) << 33
		if m.Code != catalog.OutcomeApproved {
			r.key |= keyDenied
		}
	} else {
		r.key = uint64(days(filed, c.AsOf))<<33 | keyCensored
		r.seen = uint32(entry) << 16
	}
	if p.hasRFE {
		if _, ok := c.Milestone("rfe"); ok {
			r.key |= keyRFE
		}
	}
	r.ms = make([]uint16, len(p.milestones))
	for j, code := range p.milestones {
		r.ms[j] = notReached
		if m, ok := c.Milestone(code); ok {
			r.ms[j] = uint16(days(filed, reportedDate(m.Date, c.AsOf)))
		}
	}
	return r
}

// reportedDate is a milestone date as a day: a month-only date is the
// 15th, or the day the timeline was last written if that came earlier.
func reportedDate(d timeline.ApproxDate, asOf time.Time) time.Time {
	t := d.Time()
	if d.MonthOnly() && !asOf.IsZero() && asOf.Before(t) {
		return asOf
	}
	return t
}

// seenDecided encodes how a decided case was observed (see block.seen)
// and returns its decision day, moved after the last day it was known to
// be pending when the two disagree (a month-only decision "in June" added
// after a confirmation on June 20th came after the 20th).
func seenDecided(c *timeline.Case, filed time.Time, entry, decision int32) (uint32, int32) {
	switch {
	case !c.LastPending.IsZero():
		last := days(filed, c.LastPending)
		if decision <= last {
			decision = min(last+1, MaxDays)
		}
		return uint32(entry)<<16 | uint32(last), decision
	case c.Created.IsZero():
		// Nothing is known of how it was observed: as followed throughout.
		return uint32(entry)<<16 | uint32(decision), decision
	case decision <= entry:
		return uint32(entry)<<16 | sharedDecided, decision
	default:
		// Shared pending, decided later, with no confirmation in between
		// on record: the sharing day is the last day known pending.
		return uint32(entry)<<16 | uint32(entry), decision
	}
}

// days returns whole days from a to b clamped to [0, MaxDays].
func days(a, b time.Time) int32 {
	return int32(min(max(timeline.DaysBetween(a, b), 0), MaxDays))
}

// partition returns the category's partition, nil for an unknown category.
func (ix *Index) partition(code string) *partition {
	i, ok := ix.cat.CategoryIndex(code)
	if !ok {
		return nil
	}
	return ix.parts[i]
}

// scan calls fn once for every block of p that has matching rows, in key
// order, with the positions of those rows in increasing order. Handing over
// a block at a time lets the callers run tight column-at-a-time loops. The
// caller holds the read lock.
func (p *partition) scan(m *matcher, fn func(b *block, sel []uint16)) {
	if p == nil || m.empty {
		return
	}
	sel := make([]uint16, maxBlock)
	if m.all {
		for i := range sel {
			sel[i] = uint16(i)
		}
	}
	for _, b := range p.blocks {
		n := len(b.key)
		if !m.all {
			n = m.selectRows(b, sel)
		}
		if n > 0 {
			fn(b, sel[:n])
		}
	}
}

func newBlock(milestones int) *block {
	return &block{
		key:   make([]uint64, 0, maxBlock),
		month: make([]uint16, 0, maxBlock),
		place: make([]uint32, 0, maxBlock),
		ms:    make([]uint16, 0, maxBlock*milestones),
		seen:  make([]uint32, 0, maxBlock),

		detail: make([]uint32, 0, maxBlock),
	}
}

// blockFor returns the index of the block a key belongs in: the last block
// whose first key is <= key, or the first block.
func (p *partition) blockFor(key uint64) int {
	i := sort.Search(len(p.blocks), func(i int) bool { return p.blocks[i].key[0] > key })
	return max(i-1, 0)
}

func (p *partition) insert(r *row) {
	m := len(p.milestones)
	bi := 0
	if len(p.blocks) == 0 {
		p.blocks = append(p.blocks, newBlock(m))
	} else {
		bi = p.blockFor(r.key)
	}
	b := p.blocks[bi]
	if len(b.key) == maxBlock {
		nb := b.split(m)
		p.blocks = slices.Insert(p.blocks, bi+1, nb)
		if r.key > nb.key[0] {
			b = nb
		}
	}
	pos, _ := slices.BinarySearch(b.key, r.key)
	b.key = slices.Insert(b.key, pos, r.key)
	b.month = slices.Insert(b.month, pos, r.month)
	b.place = slices.Insert(b.place, pos, r.place)
	b.ms = slices.Insert(b.ms, pos*m, r.ms...)
	b.seen = slices.Insert(b.seen, pos, r.seen)
	b.detail = slices.Insert(b.detail, pos, r.detail)
	p.n++
	p.widen(r)
}

// split moves the upper half of b into a new block and returns it.
func (b *block) split(m int) *block {
	h := len(b.key) / 2
	nb := newBlock(m)
	nb.key = append(nb.key, b.key[h:]...)
	nb.month = append(nb.month, b.month[h:]...)
	nb.place = append(nb.place, b.place[h:]...)
	nb.ms = append(nb.ms, b.ms[h*m:]...)
	nb.seen = append(nb.seen, b.seen[h:]...)
	nb.detail = append(nb.detail, b.detail[h:]...)
	b.key, b.month, b.place, b.ms, b.seen, b.detail = b.key[:h], b.month[:h], b.place[:h], b.ms[:h*m], b.seen[:h], b.detail[:h]
	return nb
}

// appendBlock moves all rows of o to the end of b; the caller makes sure
// they fit and that o's keys follow b's.
func (b *block) appendBlock(o *block) {
	b.key = append(b.key, o.key...)
	b.month = append(b.month, o.month...)
	b.place = append(b.place, o.place...)
	b.ms = append(b.ms, o.ms...)
	b.seen = append(b.seen, o.seen...)
	b.detail = append(b.detail, o.detail...)
}

func (p *partition) remove(key uint64) {
	if len(p.blocks) == 0 {
		return
	}
	m := len(p.milestones)
	bi := p.blockFor(key)
	b := p.blocks[bi]
	pos, found := slices.BinarySearch(b.key, key)
	if !found {
		return
	}
	b.key = slices.Delete(b.key, pos, pos+1)
	b.month = slices.Delete(b.month, pos, pos+1)
	b.place = slices.Delete(b.place, pos, pos+1)
	b.ms = slices.Delete(b.ms, pos*m, (pos+1)*m)
	b.seen = slices.Delete(b.seen, pos, pos+1)
	b.detail = slices.Delete(b.detail, pos, pos+1)
	p.n--
	// Keep blocks from thinning out after many removals: merge a block that
	// fell below a quarter full into a neighbour when they fit together.
	switch {
	case len(b.key) == 0:
		p.blocks = slices.Delete(p.blocks, bi, bi+1)
	case len(b.key) < maxBlock/4:
		if bi+1 < len(p.blocks) && len(b.key)+len(p.blocks[bi+1].key) <= maxBlock {
			b.appendBlock(p.blocks[bi+1])
			p.blocks = slices.Delete(p.blocks, bi+1, bi+2)
		} else if bi > 0 && len(p.blocks[bi-1].key)+len(b.key) <= maxBlock {
			p.blocks[bi-1].appendBlock(b)
			p.blocks = slices.Delete(p.blocks, bi, bi+1)
		}
	}
}

package stats

import (
	"cmp"
	"runtime"
	"slices"
	"sync"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// loadFill is how many rows a block gets from a Loader: three quarters of
// maxBlock, so that inserts after the load land in a block with room
// instead of splitting a full one at once, while queries still read long
// runs.
const loadFill = maxBlock * 3 / 4

// Loader builds an Index from many cases at once, as at start-up or on a
// full reload. Upsert keeps every partition sorted after each case, which
// costs a binary search and a shift of up to a block's rows per case, plus
// the write lock; a Loader only appends each case's columns to flat
// per-partition buffers, then sorts each partition once and cuts it into
// blocks. At a million cases it needs about a third less CPU than Upsert
// (BenchmarkLoad1M, BenchmarkUpsert1M); what remains is mostly hashing ids
// and the id table, which both share.
//
// The index it builds is the one Upsert would give for the same cases in
// the same order: a repeated id replaces the earlier case, and a case
// whose category is not in the catalog is not indexed (and removes an
// earlier case with its id). A Loader is not safe for concurrent use.
type Loader struct {
	// ix is the index being built; the Loader takes its partitions'
	// milestone lists, row encoding and handle allocation from it, and
	// fills its blocks and ids at the end.
	ix    *Index
	parts []loadPart // by catalog category index, like ix.parts
	// ids lists an entry for every case added, in the order added (see
	// Add).
	ids []idEntry
	// pos is, by handle, the row's position in its partition's buffers,
	// so that a repeated id finds its earlier row, and the final pass
	// finds a sorted key's columns.
	pos []uint32
	// approved counts the rows by partition and approval day, an array
	// per partition indexed by the day, made on its first approval:
	// counting into the index's maps cost two map operations per case.
	// Index moves the counts into the index's maps.
	approved [][]int32
}

// loadPart holds the rows of one partition in the order they were added,
// column by column in flat buffers, laid out like a block's columns.
type loadPart struct {
	key    []uint64
	month  []uint16
	place  []uint32
	ms     []uint16
	seen   []uint32
	detail []uint32
}

// NewLoader returns a Loader for an index of the catalog's categories.
func NewLoader(cat *catalog.Catalog) *Loader {
	ix := NewIndex(cat)
	return &Loader{
		ix:       ix,
		parts:    make([]loadPart, len(ix.parts)),
		pos:      []uint32{0}, // handles start at 1
		approved: make([][]int32, len(ix.parts)),
	}
}

// countApproval counts n (±1) more rows of partition part approved on day
// (0: not approved).
func (l *Loader) countApproval(part, day uint16, n int32) {
	if day == 0 {
		return
	}
	if l.approved[part] == nil {
		l.approved[part] = make([]int32, 1<<16)
	}
	l.approved[part][day] += n
}

// Grow makes room for n more cases, so that the id table and the handle
// positions do not have to grow step by step while cases are added. It
// pays most before the first Add; n is only a hint.
func (l *Loader) Grow(n int) {
	if n <= 0 {
		return
	}
	l.ids = slices.Grow(l.ids, n)
	l.pos = slices.Grow(l.pos, n)
}

// Add adds the case, or replaces the one added earlier with the same ID.
// A case whose category is not in the catalog, or that must not count
// (flagged or hidden), is not indexed and drops an earlier case with its
// ID, as Upsert does.
//
// Add does not look for an earlier case with the same ID: that would be a
// lookup in a table of every id for each case, when a scan of the
// database never repeats one. Every case gets a new row, and its id an
// entry in a list; Index sorts the list and drops each replaced row then.
func (l *Loader) Add(c *timeline.Case) {
	if c == nil {
		return
	}
	id := keyOf(c.ID)
	pi, ok := l.ix.cat.CategoryIndex(c.Category)
	if !ok || !c.Counts() {
		// Its entry, ordered after the rows added so far, drops them.
		l.ids = appendDoubling(l.ids, idEntry{id, rowRef{lo: l.ix.next, part: removedPart}})
		return
	}

	p := l.ix.parts[pi]
	r := l.ix.rowOf(p, c)
	// The Loader frees no handles until Index, so handles grow in the
	// order cases are added, which orders the entries of one id.
	h := l.ix.newHandle()
	r.key |= uint64(h)
	p.widen(&r)

	lp := &l.parts[pi]
	if int(h) == len(l.pos) {
		l.pos = appendDoubling(l.pos, 0)
	}
	l.pos[h] = uint32(len(lp.key))
	lp.key = appendDoubling(lp.key, r.key)
	lp.month = appendDoubling(lp.month, r.month)
	lp.place = appendDoubling(lp.place, r.place)
	lp.ms = appendDoubling(lp.ms, r.ms...)
	lp.seen = appendDoubling(lp.seen, r.seen)
	lp.detail = appendDoubling(lp.detail, r.detail)
	ref := rowRef{hi: uint32(r.key >> 32), lo: uint32(r.key), part: uint16(pi), approved: approvalDay(c)}
	l.ids = appendDoubling(l.ids, idEntry{id, ref})
	l.countApproval(ref.part, ref.approved, 1)
}

// resolveIDs sorts the ids and keeps each one's last entry, dropping the
// rows it replaced, and returns the ids of the rows left.
func (l *Loader) resolveIDs() []idEntry {
	es := l.ids
	sortEntries(es)
	out := es[:0]
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && es[j].key == es[i].key {
			j++
		}
		for _, e := range es[i : j-1] {
			if e.ref.part != removedPart {
				l.drop(e.ref)
				l.countApproval(e.ref.part, e.ref.approved, -1)
				l.ix.free = append(l.ix.free, e.ref.handle())
			}
		}
		if last := es[j-1]; last.ref.part != removedPart {
			out = append(out, last)
		}
		i = j
	}
	return out
}

// drop removes a row from its partition's buffers by moving the last row
// into its place.
func (l *Loader) drop(ref rowRef) {
	lp := &l.parts[ref.part]
	m := len(l.ix.parts[ref.part].milestones)
	i, last := int(l.pos[ref.handle()]), len(lp.key)-1
	if i != last {
		lp.key[i], lp.month[i], lp.place[i], lp.seen[i], lp.detail[i] = lp.key[last], lp.month[last], lp.place[last], lp.seen[last], lp.detail[last]
		copy(lp.ms[i*m:(i+1)*m], lp.ms[last*m:])
		l.pos[lp.key[i]&handleMask] = uint32(i)
	}
	lp.key, lp.month, lp.place, lp.ms, lp.seen, lp.detail = lp.key[:last], lp.month[:last], lp.place[:last], lp.ms[:last*m], lp.seen[:last], lp.detail[:last]
}

// Index sorts every partition's rows by key, cuts them into blocks about
// three quarters full and returns the finished index. Partitions are
// independent, so they are built on all CPUs, largest first. The Loader
// must not be used afterwards.
func (l *Loader) Index() *Index {
	ix := l.ix
	ids := l.resolveIDs()
	order := make([]int, 0, len(ix.parts))
	for pi := range ix.parts {
		if len(l.parts[pi].key) > 0 {
			order = append(order, pi)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(len(l.parts[b].key), len(l.parts[a].key)) })
	work := make(chan int, len(order))
	for _, pi := range order {
		work <- pi
	}
	close(work)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(order)) {
		wg.Go(func() {
			for pi := range work {
				l.build(ix.parts[pi], &l.parts[pi])
			}
		})
	}
	wg.Wait()
	for pi, days := range l.approved {
		for d, n := range days {
			if n > 0 {
				ix.approvals.add(uint16(pi), uint16(d), n)
			}
		}
	}
	ix.ids = idTable{sorted: ids, added: make(map[idKey]rowRef)}
	ix.counted()
	*l = Loader{}
	return ix
}

// build sorts lp's rows into p's blocks and empties lp.
func (l *Loader) build(p *partition, lp *loadPart) {
	p.n = len(lp.key)
	// Keys are unique and carry the handle, so sorting the keys alone is
	// enough: pos finds each key's other columns.
	slices.Sort(lp.key)
	m := len(p.milestones)
	nb := (p.n + loadFill - 1) / loadFill
	p.blocks = make([]*block, nb)
	start := 0
	for bi := range nb {
		end := (bi + 1) * p.n / nb // blocks differ in size by one row at most
		b := newBlock(m)
		for _, k := range lp.key[start:end] {
			i := int(l.pos[k&handleMask])
			b.key = append(b.key, k)
			b.month = append(b.month, lp.month[i])
			b.place = append(b.place, lp.place[i])
			b.ms = append(b.ms, lp.ms[i*m:(i+1)*m]...)
			b.seen = append(b.seen, lp.seen[i])
			b.detail = append(b.detail, lp.detail[i])
		}
		p.blocks[bi] = b
		start = end
	}
	*lp = loadPart{}
}

// widen extends the partition's bounds on durations and filing months to
// cover r; insert and the Loader both use it.
func (p *partition) widen(r *row) {
	p.maxDur = max(p.maxDur, rowDur(r.key))
	for _, v := range r.ms {
		if v != notReached {
			p.maxDur = max(p.maxDur, int32(v))
		}
	}
	p.minMonth = min(p.minMonth, r.month)
	p.maxMonth = max(p.maxMonth, r.month)
}

// appendDoubling appends like append, but doubles a full slice's capacity
// where append would add only a quarter to a large one: the Loader's
// buffers grow to millions of rows and are dropped once the index is
// built, so fewer copies matter more than the spare room.
func appendDoubling[S ~[]E, E any](s S, v ...E) S {
	if len(s)+len(v) > cap(s) {
		s = slices.Grow(s, max(len(s), len(v)))
	}
	return append(s, v...)
}

package stats

import (
	"bytes"
	"iter"
	"slices"
)

// idTable finds a case's row by its id key. A Loader fills it with every
// case at once as a slice sorted by key; the cases added after that live
// in a map beside it, until there are enough of them to merge in.
//
// At ten million cases a map of every id cost about 5 s of the load's CPU
// (one cache miss per case to look for an earlier copy, another to insert,
// and the rehashing as it grew) and 400 to 600 MB, while appending the
// entries and sorting them once costs about a second and 28 bytes per
// case. A lookup in the sorted part is a binary search, some 24 steps at
// ten million: microseconds, on the write path only.
type idTable struct {
	// sorted holds the loaded ids in key order. A removed case keeps its
	// entry, marked with removedPart, so that removing costs no shift; it
	// is reused if the case comes back, and dropped by the next merge.
	sorted  []idEntry
	removed int
	// added holds the ids not in sorted.
	added map[idKey]rowRef
}

// idEntry is one id of idTable.sorted.
type idEntry struct {
	key idKey
	ref rowRef
}

// removedPart marks a removed entry of idTable.sorted (and, in a
// Loader's list, a case that replaces an earlier one by being left out).
const removedPart = 0xFFFF

// mergeMin is how many cases added since the load make a merge worth it:
// with fewer, the map costs little and a merge at every few writes would
// cost more.
const mergeMin = 1 << 16

func newIDTable() idTable { return idTable{added: make(map[idKey]rowRef)} }

// len is the number of ids.
func (t *idTable) len() int { return len(t.sorted) - t.removed + len(t.added) }

// find returns the position of k in sorted, if there.
func (t *idTable) find(k idKey) (int, bool) {
	i, found := slices.BinarySearchFunc(t.sorted, k, func(e idEntry, k idKey) int { return compareKeys(&e.key, &k) })
	return i, found
}

// get returns the row of the id k.
func (t *idTable) get(k idKey) (rowRef, bool) {
	if r, ok := t.added[k]; ok {
		return r, true
	}
	if i, ok := t.find(k); ok && t.sorted[i].ref.part != removedPart {
		return t.sorted[i].ref, true
	}
	return rowRef{}, false
}

// set records the row of the id k, and merges the added ids into the
// sorted ones once there are many.
func (t *idTable) set(k idKey, r rowRef) {
	if i, ok := t.find(k); ok {
		if t.sorted[i].ref.part == removedPart {
			t.removed--
		}
		t.sorted[i].ref = r
		return
	}
	t.added[k] = r
	if len(t.added) >= max(mergeMin, len(t.sorted)/2) {
		t.merge()
	}
}

// delete forgets the id k.
func (t *idTable) delete(k idKey) {
	if _, ok := t.added[k]; ok {
		delete(t.added, k)
		return
	}
	if i, ok := t.find(k); ok && t.sorted[i].ref.part != removedPart {
		t.sorted[i].ref = rowRef{part: removedPart}
		t.removed++
	}
}

// merge moves the added ids into sorted and drops the removed entries: a
// sort of the added ones and one pass over all, under the index's write
// lock (tens of milliseconds at ten million cases, once per five million
// new cases at most).
func (t *idTable) merge() {
	add := make([]idEntry, 0, len(t.added))
	for k, r := range t.added {
		add = append(add, idEntry{k, r})
	}
	sortEntries(add)
	out := make([]idEntry, 0, len(t.sorted)-t.removed+len(add))
	old := t.sorted
	for len(old) > 0 || len(add) > 0 {
		switch {
		case len(add) == 0 || len(old) > 0 && compareKeys(&old[0].key, &add[0].key) < 0:
			if old[0].ref.part != removedPart {
				out = append(out, old[0])
			}
			old = old[1:]
		default:
			out = append(out, add[0])
			add = add[1:]
		}
	}
	t.sorted, t.removed, t.added = out, 0, make(map[idKey]rowRef)
}

// all lists every id and its row, in no particular order.
func (t *idTable) all() iter.Seq2[idKey, rowRef] {
	return func(yield func(idKey, rowRef) bool) {
		for _, e := range t.sorted {
			if e.ref.part != removedPart && !yield(e.key, e.ref) {
				return
			}
		}
		for k, r := range t.added {
			if !yield(k, r) {
				return
			}
		}
	}
}

func compareKeys(a, b *idKey) int { return bytes.Compare(a[:], b[:]) }

// sortEntries sorts entries by key, and entries with equal keys by their
// ref's handle, removed entries after live ones with the same handle.
//
// The keys are hashes, spread evenly, so the sort distributes the entries
// in place by the key's first byte into 256 buckets (an American flag
// sort), each bucket again by the second byte, and sorts the small
// buckets left (about 150 entries at ten million) by comparison. 256 ways
// keep the places being written to few enough to stay in the cache. At
// ten million entries this is several times faster than slices.SortFunc
// alone, which compares each 28-byte entry about 23 times. Neither the
// standard library nor a well-kept module sorts structs by radix in place.
func sortEntries(es []idEntry) { flagSort(es, 0) }

func flagSort(es []idEntry, depth int) {
	const small = 256
	if len(es) <= small || depth == 2 {
		slices.SortFunc(es, compareEntries)
		return
	}
	var count, next, end [256]int
	for i := range es {
		count[es[i].key[depth]]++
	}
	sum := 0
	for b, n := range count {
		next[b] = sum
		sum += n
		end[b] = sum
	}
	for b := range count {
		for next[b] < end[b] {
			e := es[next[b]]
			for d := int(e.key[depth]); d != b; d = int(e.key[depth]) {
				// Put e into its bucket, taking out what was there.
				e, es[next[d]] = es[next[d]], e
				next[d]++
			}
			es[next[b]] = e
			next[b]++
		}
	}
	start := 0
	for b := range count {
		flagSort(es[start:end[b]], depth+1)
		start = end[b]
	}
}

// compareEntries orders by key, then by handle, then live before removed.
func compareEntries(a, b idEntry) int {
	if c := compareKeys(&a.key, &b.key); c != 0 {
		return c
	}
	if a.ref.lo&handleMask != b.ref.lo&handleMask {
		if a.ref.lo&handleMask < b.ref.lo&handleMask {
			return -1
		}
		return 1
	}
	switch {
	case a.ref.part == b.ref.part:
		return 0
	case a.ref.part == removedPart:
		return 1
	case b.ref.part == removedPart:
		return -1
	}
	return 0
}

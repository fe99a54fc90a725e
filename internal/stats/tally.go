package stats

// Tally is what a group's cases have reached, counted without the
// minimum group size: the caller that shows any of it checks k itself.
// Alerts compare tallies over time to say what moved in a group.
type Tally struct {
	Cases, Decided, Approved, Denied int
	// Reached counts, by milestone code, the cases that list each of the
	// category's intermediate steps (biometrics, rfe, interview, ...);
	// steps nobody reached are left out.
	Reached map[string]int
}

// Tally counts the cases f selects and what they reached: one pass over
// one category, no estimate.
func (ix *Index) Tally(f Filter) Tally {
	t := Tally{Reached: map[string]int{}}
	m := newMatcher(ix.cat, f)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p := ix.partition(f.Category)
	if p == nil {
		return t
	}
	nm := len(p.milestones)
	reached := make([]int, nm)
	p.scan(&m, func(b *block, sel []uint16) {
		t.Cases += len(sel)
		for _, i := range sel {
			k := b.key[i]
			if rowEvent(k) {
				t.Decided++
				if k&keyDenied != 0 {
					t.Denied++
				}
			}
			for j, v := range b.ms[int(i)*nm : int(i+1)*nm] {
				if v != notReached {
					reached[j]++
				}
			}
		}
	})
	t.Approved = t.Decided - t.Denied
	for j, n := range reached {
		if n > 0 {
			t.Reached[p.milestones[j]] = n
		}
	}
	return t
}

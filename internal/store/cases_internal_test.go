package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortByID: rows come out in id order, each with its own fields, for
// permutations of every shape (sorted, reversed, random, one row, none).
func TestSortByID(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 2, 3, 10, 1000} {
		for _, shape := range []string{"sorted", "reversed", "random"} {
			rows := make([]caseRow, n)
			for i := range rows {
				id := fmt.Sprintf("c_%05d", i)
				rows[i] = caseRow{id: id, note: "note of " + id}
			}
			switch shape {
			case "reversed":
				slices.Reverse(rows)
			case "random":
				rng.Shuffle(n, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			}
			sortByID(rows)
			for i, r := range rows {
				if want := fmt.Sprintf("c_%05d", i); r.id != want || r.note != "note of "+want {
					t.Fatalf("%s %d: row %d is %+v, want id %s with its note", shape, n, i, r, want)
				}
			}
		}
	}
}

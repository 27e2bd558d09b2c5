package topics

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestWalkMatchesTheTree: next and prev walk the same rows, in order, as a
// plain depth-first walk, with topics arriving between walks, under folds
// and searches; random keys never lose the selection.
func TestWalkMatchesTheTree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	levels := []string{"a", "b", "", "c d", "é", "$x", "z"}
	randomTopic := func() string {
		n := 1 + r.IntN(4)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = levels[r.IntN(len(levels))]
		}
		return strings.Join(parts, "/")
	}
	m := New(Settings{}, nil, DefaultStyles())
	m.SetSize(60, 8)
	keyNames := []string{"up", "down", "left", "right", "e", "c", "u", "home", "end", "pgdown", "v", "esc", "p", "esc"}
	for round := 0; round < 300; round++ {
		for i := 0; i < 1+r.IntN(5); i++ {
			m.Add(randomTopic(), []byte("1"), r.IntN(3) == 0, 0, sec(float64(round)))
		}
		switch r.IntN(20) {
		case 0:
			m.SetSearch("+/b/#")
		case 1:
			m.SetSearch("")
		}
		m = keys(m, keyNames[r.IntN(len(keyNames))])
		m.Tick(sec(float64(round)))
		_ = m.View()

		tr := m.tree
		var want []*node
		var walk func(n *node)
		walk = func(n *node) {
			n.sortKids()
			for _, k := range n.order {
				if tr.shown(k) {
					want = append(want, k)
					if k.expanded {
						walk(k)
					}
				}
			}
		}
		walk(&tr.root)
		var fwd []*node
		for n := tr.firstRow(); n != nil; n = tr.next(n) {
			fwd = append(fwd, n)
		}
		var back []*node
		for n := tr.lastRow(); n != nil; n = tr.prev(n) {
			back = append(back, n)
		}
		slices.Reverse(back)
		if !slices.Equal(fwd, want) || !slices.Equal(back, want) {
			t.Fatalf("round %d: %d rows forward, %d backward, want %d", round, len(fwd), len(back), len(want))
		}
		if m.pane == paneTree && len(want) > 0 && (m.sel == nil || !slices.Contains(want, m.sel)) {
			t.Fatalf("round %d: the selection %v is not a row", round, m.sel)
		}
	}
}

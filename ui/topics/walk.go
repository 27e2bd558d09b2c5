package topics

// The tree is drawn as a list of rows: the nodes shown (under the search),
// in order, descending into expanded nodes. next and prev walk that list
// one row at a time without building it, so that drawing a window of rows
// costs O(rows × depth), whatever the number of topics. Children are sorted
// when first walked.

// scan returns the first shown child of n from index i in direction d.
func (t *Tree) scan(n *node, i, d int) *node {
	for ; i >= 0 && i < len(n.order); i += d {
		if k := n.order[i]; t.shown(k) {
			return k
		}
	}
	return nil
}

// firstRow is the first row of the tree, or nil when it is empty.
func (t *Tree) firstRow() *node {
	t.root.sortKids()
	return t.scan(&t.root, 0, 1)
}

// lastRow is the last row of the tree.
func (t *Tree) lastRow() *node {
	t.root.sortKids()
	n := t.scan(&t.root, len(t.root.order)-1, -1)
	if n == nil {
		return nil
	}
	return t.deepestLast(n)
}

// deepestLast is the last row at or below n.
func (t *Tree) deepestLast(n *node) *node {
	for n.expanded && len(n.order) > 0 {
		n.sortKids()
		c := t.scan(n, len(n.order)-1, -1)
		if c == nil {
			break
		}
		n = c
	}
	return n
}

// next is the row after n, or nil.
func (t *Tree) next(n *node) *node {
	if n.expanded && len(n.order) > 0 {
		n.sortKids()
		if c := t.scan(n, 0, 1); c != nil {
			return c
		}
	}
	for n.parent != nil {
		p := n.parent
		p.sortKids()
		if s := t.scan(p, int(n.idx)+1, 1); s != nil {
			return s
		}
		n = p
	}
	return nil
}

// prev is the row before n, or nil.
func (t *Tree) prev(n *node) *node {
	p := n.parent
	if p == nil {
		return nil
	}
	p.sortKids()
	if s := t.scan(p, int(n.idx)-1, -1); s != nil {
		return t.deepestLast(s)
	}
	if p == &t.root {
		return nil
	}
	return p
}

// isUnder reports whether n is at or below a.
func isUnder(n, a *node) bool {
	for ; n != nil; n = n.parent {
		if n == a {
			return true
		}
	}
	return false
}

// setExpandedBelow expands or folds n and every node below it.
func setExpandedBelow(n *node, open bool) {
	if len(n.order) == 0 {
		return
	}
	n.expanded = open
	for _, k := range n.order {
		setExpandedBelow(k, open)
	}
}

package packets

// ring holds the rows, oldest first, in a buffer that grows by doubling up
// to the count cap and is then reused: a flood costs no copying of the
// rows held.
type ring struct {
	buf  []row
	head int // index of the oldest row
	n    int // rows held

	evicted      int   // rows push let go since last asked
	evictedSizes []int // their sizes
}

// push appends r; at max rows the oldest goes (counted in evicted).
func (q *ring) push(r row, max int) {
	if q.n == len(q.buf) {
		if len(q.buf) < max {
			q.grow(min(max, 2*len(q.buf)+64))
		} else {
			old := q.pop()
			q.evicted++
			q.evictedSizes = append(q.evictedSizes, old.size)
		}
	}
	q.buf[(q.head+q.n)%len(q.buf)] = r
	q.n++
}

// grow moves the rows to a buffer of size c, oldest first.
func (q *ring) grow(c int) {
	nb := make([]row, c)
	for i := range q.n {
		nb[i] = q.at(i)
	}
	q.buf, q.head = nb, 0
}

// pop removes and returns the oldest row.
func (q *ring) pop() row {
	r := q.buf[q.head]
	q.buf[q.head] = row{} // let its strings go
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return r
}

// at is the i-th oldest row.
func (q *ring) at(i int) row { return q.buf[(q.head+i)%len(q.buf)] }

package history

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
)

// Search streams the records of the folders dirs that pass q to emit, in
// time order (merged across segments; within one segment, in the order
// written), until emit returns false, ctx is done or all is read. It is
// made to run off a UI goroutine: emit is called from the goroutine that
// called Search, and a cancelled ctx stops it soon, with ctx's error.
//
// It reads at disk speed: segments and chunks whose time range (from the
// index) cannot meet the query are not read; lines are checked on their
// bytes before they are decoded (the text and the literal levels of topic
// filters, escaped as the writer escapes them; lines with base64 are always
// decoded); segments are read and decoded in parallel, while memory stays
// flat however much matches.
//
// Each delivery once: when several mqttchat processes on one broker
// recorded the same message (each in its own segment), Search passes it
// once, unless q.AllCopies. Nothing in MQTT 3.1.1 identifies a publication
// across subscribers, so this is a heuristic: a received record is a copy
// when a process other than its own recorded a received message with the
// same topic and payload (SHA-256) within dupWindow before it that no other
// copy from this process was matched to. Matching is one to one across
// processes and never within one, so a device that sent the same payload
// twice still shows twice. QoS, retain and dup flags are not compared: they
// differ per subscriber.
func Search(ctx context.Context, dirs []string, q Query, emit func(Record) bool) (st Stats, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := newMatcher(q)
	var jobs []*job
	jobs, st, err = plan(ctx, dirs, m)
	if err != nil {
		return st, err
	}
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		for _, j := range jobs {
			st.add(j.st)
		}
	}()
	start := func(j *job) {
		if j.started {
			return
		}
		j.started = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(j.out)
			j.run(ctx, m)
		}()
	}
	dd := newDeduper(q.AllCopies, &st)
	ahead := runtime.GOMAXPROCS(0) + 1 // parts decoded ahead of the one being emitted
	if q.Parallel > 0 {
		ahead = q.Parallel
	}
	for g := 0; g < len(jobs); {
		// A group: segments whose time ranges overlap, merged record by record.
		end, maxT := g+1, jobs[g].rg.max
		for end < len(jobs) && !jobs[end].rg.min.After(maxT) {
			if jobs[end].rg.max.After(maxT) {
				maxT = jobs[end].rg.max
			}
			end++
		}
		for i := g; i < min(len(jobs), max(end, g+ahead)); i++ {
			start(jobs[i])
		}
		h := &streamHeap{}
		for _, j := range jobs[g:end] {
			if j.fill(ctx) {
				heap.Push(h, j)
			}
		}
		for h.Len() > 0 {
			j := (*h)[0]
			r := j.batch[0]
			j.batch = j.batch[1:]
			if dd.keep(&r, j.origin) && !emit(r) {
				return st, nil
			}
			if len(j.batch) == 0 && !j.fill(ctx) {
				heap.Pop(h)
			} else {
				heap.Fix(h, 0)
			}
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
		for _, j := range jobs[g:end] {
			if j.err != nil {
				return st, j.err
			}
		}
		g = end
	}
	return st, ctx.Err()
}

// job is one segment to read for a query.
type job struct {
	path    string
	f       *os.File // open while the job runs
	name    string   // the segment's file name
	origin  string   // the process that wrote it
	states  *segStates
	parts   []part
	rg      segRange
	out     chan []Record
	batch   []Record
	started bool
	st      Stats // the producer's counts, added at the end
	err     error
}

// part is a run of a segment's bytes to read; inside when all its records
// lie in the query's time range.
type part struct {
	from, to int64
	inside   bool
}

// plan opens the folders' segments and keeps those whose time range can
// meet the query, sorted by their earliest time.
func plan(ctx context.Context, dirs []string, m *matcher) ([]*job, Stats, error) {
	var st Stats
	var segs []segment
	for _, dir := range dirs {
		s, err := listSegments(dir)
		if err != nil {
			return nil, st, err
		}
		segs = append(segs, s...)
	}
	jobs := make([][]*job, len(segs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, sg := range segs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			jobs[i] = planSegment(sg, m)
		}()
	}
	wg.Wait()
	var kept []*job
	for _, js := range jobs {
		st.Segments++
		if len(js) == 0 {
			st.SegmentsSkipped++
		}
		kept = append(kept, js...)
	}
	sort.SliceStable(kept, func(a, b int) bool { return kept[a].rg.min.Before(kept[b].rg.min) })
	return kept, st, ctx.Err()
}

// jobBytes: a segment's parts are cut into jobs of about this size, decoded in parallel.
const jobBytes = 8 << 20

// planSegment is the jobs of one segment: runs of its chunks that can
// match, of about jobBytes each; none when nothing in it can match.
func planSegment(sg segment, m *matcher) []*job {
	f, err := os.Open(sg.path)
	if err != nil {
		return nil // removed meanwhile
	}
	chunks, err := segmentChunks(f, sg.path, sg.size)
	if err != nil {
		f.Close()
		return nil
	}
	name := filepath.Base(sg.path)
	from := name
	if pid := segmentPID(name); pid > 0 {
		from = strconv.Itoa(pid)
	}
	var jobs []*job
	var j *job
	var size int64
	states := &segStates{path: sg.path, size: sg.size}
	for _, c := range chunks {
		if !c.overlaps(m.q.Since, m.q.Until) {
			continue
		}
		if j == nil || size >= jobBytes {
			j = &job{path: sg.path, name: name, origin: from, states: states, out: make(chan []Record, 4)}
			jobs = append(jobs, j)
			size = 0
		}
		inside := (m.q.Since.IsZero() || !c.Min.Before(m.q.Since)) && (m.q.Until.IsZero() || !c.Max.After(m.q.Until))
		if n := len(j.parts); n > 0 && j.parts[n-1].to == c.From && j.parts[n-1].inside == inside {
			j.parts[n-1].to = c.To
		} else {
			j.parts = append(j.parts, part{from: c.From, to: c.To, inside: inside})
		}
		size += c.To - c.From
		if c.N > 0 {
			j.rg.add(c.Min)
			j.rg.add(c.Max)
		}
	}
	f.Close() // each job opens the segment while it runs: few files are open at once
	return jobs
}

// fill takes the producer's next batch; false when there is none.
func (j *job) fill(ctx context.Context) bool {
	select {
	case b, ok := <-j.out:
		j.batch = b
		return ok && len(b) > 0
	case <-ctx.Done():
		return false
	}
}

// Batches are cut at this many records or payload bytes.
const (
	batchRecords = 512
	batchBytes   = 1 << 20
)

// run reads the job's parts and sends what passes in batches.
func (j *job) run(ctx context.Context, m *matcher) {
	var batch []Record
	var size int
	send := func() bool {
		if len(batch) == 0 {
			return true
		}
		select {
		case j.out <- batch:
			batch, size = nil, 0
			return true
		case <-ctx.Done():
			return false
		}
	}
	f, err := os.Open(j.path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) { // removed meanwhile (retention): nothing to read
			j.err = err
		}
		return
	}
	defer f.Close()
	j.f = f
	buf := make([]byte, 1<<20)
	for _, p := range j.parts {
		var stop bool
		buf, j.err = scanPart(j.f, p, m, buf, &j.st, func(line []byte) bool {
			r, err := parseLine(line)
			if err != nil {
				j.st.Corrupt++
				return true
			}
			j.st.Decoded++
			if !m.pass(&r) {
				return true
			}
			r.Segment = j.name
			if r.Dir == DirIn {
				r.key = deliveryKey(&r)
			}
			if r.Dir == DirOut && m.messages {
				j.states.final(j.f, &r)
			}
			if m.q.MaxPayload > 0 && len(r.Payload) > m.q.MaxPayload {
				r.Payload, r.Partial = bytes.Clone(r.Payload[:m.q.MaxPayload]), true
			}
			batch = append(batch, r)
			size += len(r.Payload) + len(r.Topic)
			if len(batch) >= batchRecords || size >= batchBytes {
				stop = !send()
			}
			return !stop
		})
		if j.err != nil || stop {
			return
		}
	}
	send()
}

// scanPart reads the part block by block and calls fn with each line that
// may pass (m.lineMayPass). With anchors, it looks for them in the whole
// block and visits only the lines that hold one, as grep does.
func scanPart(f io.ReaderAt, p part, m *matcher, buf []byte, st *Stats, fn func([]byte) bool) ([]byte, error) {
	off, carry := p.from, 0
	var starts []int
	for off < p.to || carry > 0 {
		n := 0
		if off < p.to {
			want := min(int64(len(buf)-carry), p.to-off)
			var err error
			n, err = f.ReadAt(buf[carry:carry+int(want)], off)
			if err != nil && !errors.Is(err, io.EOF) {
				return buf, err
			}
			if n == 0 {
				return buf, nil // the segment shrank
			}
			off += int64(n)
			st.BytesRead += int64(n)
		}
		data := buf[:carry+n]
		last := bytes.LastIndexByte(data, '\n')
		if last < 0 {
			if off >= p.to {
				return buf, nil // an unfinished line is not a record yet
			}
			// A line longer than the buffer: grow it.
			buf = append(buf, make([]byte, len(buf))...)
			carry = len(data)
			continue
		}
		lines := data[:last+1]
		if len(m.anchors) > 0 {
			starts = starts[:0]
			for _, a := range m.anchors {
				for i := 0; ; {
					k := bytes.Index(lines[i:], a)
					if k < 0 {
						break
					}
					at := i + k
					s := bytes.LastIndexByte(lines[:at], '\n') + 1
					starts = append(starts, s)
					e := bytes.IndexByte(lines[at:], '\n')
					i = at + e + 1
				}
			}
			if len(m.anchors) > 1 {
				sort.Ints(starts)
			}
			prev := -1
			for _, s := range starts {
				if s == prev {
					continue
				}
				prev = s
				e := s + bytes.IndexByte(lines[s:], '\n')
				if line := lines[s:e]; len(line) > 0 && m.lineMayPass(line, p.inside) && !fn(line) {
					return buf, nil
				}
			}
		} else {
			for rest := lines; len(rest) > 0; {
				e := bytes.IndexByte(rest, '\n')
				line := rest[:e]
				rest = rest[e+1:]
				if len(line) > 0 && m.lineMayPass(line, p.inside) && !fn(line) {
					return buf, nil
				}
			}
		}
		carry = copy(buf, data[last+1:])
		if off >= p.to {
			if carry > 0 {
				return buf, nil // an unfinished line
			}
			break
		}
		if len(buf) > 4<<20 && carry < 1<<20 {
			buf = append([]byte(nil), buf[:1<<20]...) // do not keep a long line's buffer
		}
	}
	return buf, nil
}

// streamHeap orders jobs by the time of their next record.
type streamHeap []*job

func (h streamHeap) Len() int { return len(h) }
func (h streamHeap) Less(a, b int) bool {
	return h[a].batch[0].Time.Before(h[b].batch[0].Time)
}
func (h streamHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *streamHeap) Push(x any)   { *h = append(*h, x.(*job)) }
func (h *streamHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	*h = old[:len(old)-1]
	return j
}

// segStates are the latest states of a segment's sent messages, read once,
// when a query that shows sent messages without their state updates first
// passes one: the message then shows its final state.
type segStates struct {
	path   string
	size   int64
	once   sync.Once
	latest map[uint64]Record
	gone   bool // no live process writes the segment
}

// stateAnchor starts the part of every state-update line after its time.
var stateAnchor = []byte(`","dir":"out","topic":"","qos":`)

// final gives a sent message the last state recorded for it, or
// StateUnknown when that is not final and its process is gone.
func (s *segStates) final(f io.ReaderAt, r *Record) {
	s.once.Do(func() {
		s.latest = map[uint64]Record{}
		m := &matcher{anchors: [][]byte{stateAnchor}}
		var st Stats
		_, _ = scanPart(f, part{from: 0, to: s.size, inside: true}, m, make([]byte, 1<<20), &st, func(line []byte) bool {
			if u, err := parseLine(line); err == nil && u.Dir == DirOut && !u.HasPayload {
				s.latest[u.ID] = u
			}
			return true
		})
		s.gone = removable(s.path)
	})
	if u, ok := s.latest[r.ID]; ok {
		r.State, r.Text = u.State, u.Text
	}
	if !finalState(r.State) && s.gone {
		r.State, r.Text = StateUnknown, ErrStateUnknown.Error()
	}
}

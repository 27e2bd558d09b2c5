package history

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"mqttchat/mqttconn"
)

// Defaults of the message log.
const (
	DefaultMaxSegment = 64 << 20
	DefaultMaxTotal   = 1 << 30
	DefaultMaxAge     = 30 * 24 * time.Hour
	DefaultQueue      = 1 << 16 // 65,536 events (up to ~6 MB while they wait): over half a second of a 100,000 msg/s flood

	// maxKeptBuf is the largest encode buffer kept between records: a larger
	// one (a record of a large payload) is dropped after use, so one 16 MiB
	// message does not pin 16 MiB (or the ~22 MiB of its base64) for the
	// life of the process.
	maxKeptBuf = 1 << 20
	syncEvery  = time.Second
	// gatherEvery is how long the writer lets records gather after a batch
	// nobody waits on, before it takes the next.
	gatherEvery = 4 * time.Millisecond
)

// flushEvery is how long written records may wait in the buffer when
// nobody waits on them (a variable for tests).
var flushEvery = 100 * time.Millisecond

// Options tune a Writer. Zero values take the defaults.
type Options struct {
	MaxSegment int64         // a segment's size before the next one starts
	MaxTotal   int64         // retention by total size of the broker's folder
	MaxAge     time.Duration // retention by age
	Queue      int           // events waiting to be written before Record counts them as not written
	// OnError is called once, from the writer's goroutine, when writing fails
	// (a read-only or full disk); from then on events are counted, not written.
	OnError func(error)
	// OnPanic, when set, receives a panic of the writer's goroutine.
	OnPanic func(r any, stack []byte)
	// OnWarn is called from the writer's goroutine when the writer met
	// trouble and repaired it: its folder was deleted (or its segment
	// removed) while it ran, and it made them again and goes on writing.
	OnWarn func(error)
}

func (o *Options) setDefaults() {
	if o.MaxSegment <= 0 {
		o.MaxSegment = DefaultMaxSegment
	}
	if o.MaxTotal == 0 {
		o.MaxTotal = DefaultMaxTotal
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Queue <= 0 {
		o.Queue = DefaultQueue
	}
}

// Writer appends connection events to a broker's log folder from its own
// goroutine. Record never blocks.
type Writer struct {
	dir  string
	opts Options
	stop chan struct{}
	done chan struct{}

	// The queue: Record appends under mu and signals ready (one slot, so a
	// flood wakes the writer once per batch it takes, not once a record);
	// the writer takes the whole batch at once and gives the slice back
	// as spare to be filled again.
	mu      sync.Mutex
	pending []item
	drained bool          // the writer has taken its last batch (closing)
	ready   chan struct{} // a batch waits
	urgent  chan struct{} // a record someone waits on (done) waits
	spare   []item        // owned by the writer goroutine

	flushReq chan chan struct{} // Flush's requests
	once     sync.Once

	notWritten atomic.Uint64
	closed     atomic.Bool
	err        atomic.Pointer[error]

	// owned by the writer goroutine
	f        *os.File
	idx      *indexWriter  // nil when the index could not be written: readers then read more
	bw       *bufio.Writer // writes to out, so that a new segment can take over what it holds
	out      fileWriter
	inFile   uint64 // records (or their start) that reached the file since the last check that it is still in its folder
	inBuf    uint64 // records wholly in the buffer
	size     int64
	dirty    bool
	buffered uint64   // records in bw not yet flushed to the file: lost if a flush fails
	acks     []func() // to call once what is buffered reaches the file
	lastSync time.Time
	failed   error
	buf      []byte
}

// OpenWriter repairs the folder's torn segments, applies retention and
// starts a new segment of this process's own.
func OpenWriter(dir string, opts Options) (*Writer, error) {
	opts.setDefaults()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	segs, err := listSegments(dir)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for _, s := range segs {
		if _, err := repairSegment(s.path); err != nil {
			return nil, fmt.Errorf("history: repair %s: %w", filepath.Base(s.path), err)
		}
	}
	w := &Writer{dir: dir, opts: opts, ready: make(chan struct{}, 1), urgent: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}), flushReq: make(chan chan struct{}), lastSync: time.Now()}
	if err := w.rotate(); err != nil {
		return nil, err
	}
	if _, err := enforceRetention(dir, w.f.Name(), opts.MaxTotal, opts.MaxAge, time.Now()); err != nil {
		return nil, fmt.Errorf("history: retention: %w", err)
	}
	go w.run()
	return w, nil
}

// Dir is the folder written to.
func (w *Writer) Dir() string { return w.dir }

// item is one event on its way to the file. A message (nearly every event
// of a flood) travels as its Message alone, other events as a pointer to a
// copy: the garbage collector scans the queue's slots in every cycle, so
// their size counts (96 bytes each, not an Event's 240).
type item struct {
	msg  mqttconn.Message
	ev   *mqttconn.Event // nil for a message
	done func()
}

// itemOf is the queue's form of ev.
func itemOf(ev mqttconn.Event, done func()) item {
	if ev.Kind == mqttconn.KindMessage {
		return item{msg: ev.Message, done: done}
	}
	c := ev // not &ev: that would put every message's event on the heap
	return item{ev: &c, done: done}
}

// event is the event an item carries, as recordOf takes it.
func (it *item) event() mqttconn.Event {
	if it.ev != nil {
		return *it.ev
	}
	return mqttconn.Event{Kind: mqttconn.KindMessage, Time: it.msg.Time, Message: it.msg}
}

// Record queues an event to be written. It never blocks: when the queue is
// full, or writing has failed, the event is counted as not written.
func (w *Writer) Record(ev mqttconn.Event) { w.RecordThen(ev, nil) }

// RecordThen is Record with done called once the record has reached the
// file — or at once when it cannot be written, so that whoever waits (the
// broker, for its acknowledgement) is not left waiting for ever.
func (w *Writer) RecordThen(ev mqttconn.Event, done func()) {
	if w.closed.Load() {
		w.notWritten.Add(1)
		call(done)
		return
	}
	w.mu.Lock()
	if w.drained || len(w.pending) >= w.opts.Queue {
		w.mu.Unlock()
		w.notWritten.Add(1)
		call(done)
		return
	}
	w.pending = append(w.pending, itemOf(ev, done))
	w.mu.Unlock()
	signal := w.ready
	if done != nil { // someone waits on it: not gathered
		signal = w.urgent
	}
	select {
	case signal <- struct{}{}:
	default: // a wake-up is due already
	}
}

// take is the writer's next batch: everything recorded so far, in order.
// last marks the final batch: Record counts anything later as not written.
func (w *Writer) take(last bool) []item {
	w.mu.Lock()
	items := w.pending
	w.pending = w.spare[:0]
	w.drained = last
	w.mu.Unlock()
	w.spare = nil
	return items
}

// writeBatch writes a batch and keeps its slice, emptied, as the next spare.
func (w *Writer) writeBatch(items []item) {
	for _, it := range items {
		w.write(it)
	}
	clear(items) // no payload kept alive by a slot
	w.spare = items[:0]
}

// queued is the number of records waiting for the writer.
func (w *Writer) queued() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending)
}

// Flush writes what was recorded so far to the file (no fsync) and returns
// once it is there, or after timeout: a search of the history finds what
// arrived a moment ago.
func (w *Writer) Flush(timeout time.Duration) {
	if w.closed.Load() {
		return
	}
	reply := make(chan struct{})
	select {
	case w.flushReq <- reply:
	case <-time.After(timeout):
		return
	}
	select {
	case <-reply:
	case <-time.After(timeout):
	}
}

// Sink is the form mqttconn.Config.Sink takes.
func (w *Writer) Sink(ev mqttconn.Event, ack func()) { w.RecordThen(ev, ack) }

func call(f func()) {
	if f != nil {
		f()
	}
}

// NotWritten counts events that were not written.
func (w *Writer) NotWritten() uint64 { return w.notWritten.Load() }

// Err is why writing stopped, or nil while it works.
func (w *Writer) Err() error {
	if e := w.err.Load(); e != nil {
		return *e
	}
	return nil
}

// Close writes what is queued, flushes, fsyncs and closes.
func (w *Writer) Close() error {
	w.once.Do(func() {
		w.closed.Store(true)
		close(w.stop)
	})
	<-w.done
	return w.failed
}

func (w *Writer) run() {
	defer close(w.done)
	defer func() {
		if w.opts.OnPanic == nil {
			return
		}
		if r := recover(); r != nil {
			w.opts.OnPanic(r, debug.Stack())
		}
	}()
	// The flush timer runs only while something waits to be flushed, so an
	// idle writer costs nothing.
	flushTimer := time.NewTimer(flushEvery)
	flushTimer.Stop()
	armed := false
	// After a batch nobody waits on, the writer gathers for gatherEvery
	// before it takes the next (ready is nil meanwhile): in a flood it
	// wakes a few hundred times a second, not once a record (waking a
	// parked goroutine costs more CPU than writing a record). A record
	// someone waits on (urgent) is taken at once.
	gather := time.NewTimer(gatherEvery)
	gather.Stop()
	ready := w.ready
	// batch writes what was recorded; it says whether the batch held
	// acknowledgements a broker waits on (and keeps only a few messages in
	// flight for): those go to the file now, one write for the batch, not
	// after flushEvery.
	batch := func() (acks bool) {
		w.writeBatch(w.take(false))
		acks = len(w.acks) > 0
		if acks {
			w.flush(false)
		}
		if !armed && w.dirty {
			flushTimer.Reset(flushEvery)
			armed = true
		}
		return acks
	}
	for {
		select {
		case <-ready:
			if !batch() {
				ready = nil
				gather.Reset(gatherEvery)
			}
		case <-gather.C:
			ready = w.ready
		case <-w.urgent:
			batch()
		case reply := <-w.flushReq:
			w.writeBatch(w.take(false)) // what was recorded before the request
			w.flush(false)
			close(reply)
		case now := <-flushTimer.C:
			armed = false
			w.flush(now.Sub(w.lastSync) >= syncEvery)
			if w.dirty { // flushed but not yet synced: come back for the fsync
				flushTimer.Reset(flushEvery)
				armed = true
			}
		case <-w.stop:
			w.writeBatch(w.take(true))
			w.flush(true)
			w.closeIndex()
			if w.f != nil {
				unlock(w.f)
				if err := w.f.Close(); err != nil {
					w.fail(err)
				}
			}
			return
		}
	}
}

// write encodes one event and appends it, starting a new segment when full.
func (w *Writer) write(it item) {
	rec, ok := recordOf(it.event())
	if !ok {
		call(it.done)
		return
	}
	if w.failed != nil {
		w.notWritten.Add(1)
		call(it.done)
		return
	}
	if it.done != nil {
		w.acks = append(w.acks, it.done)
	}
	if len(rec.Payload) > maxKeptBuf/2 { // sized once, not by a doubling append's several copies
		if need := rec.sizeHint(); need > cap(w.buf) {
			w.buf = make([]byte, 0, need)
		}
	}
	w.buf = rec.AppendJSON(w.buf[:0])
	defer w.releaseBuf()
	if w.size > 0 && w.size+int64(len(w.buf)) > w.opts.MaxSegment {
		if err := w.rotate(); err != nil {
			w.notWritten.Add(1)
			w.lose(err)
			return
		}
		_, _ = enforceRetention(w.dir, w.f.Name(), w.opts.MaxTotal, w.opts.MaxAge, time.Now())
	}
	if w.bw.Available() < len(w.buf) { // the buffer goes to the file now, unchecked
		w.inFile += w.inBuf + 1
		w.inBuf = 0
	} else {
		w.inBuf++
	}
	n, err := w.bw.Write(w.buf)
	if w.idx != nil && n == len(w.buf) {
		w.idx.add(rec.Time, w.size, int64(n))
	}
	w.size += int64(n)
	w.dirty = true
	w.buffered++
	if err != nil {
		w.lose(err)
	}
}

// releaseBuf drops an encode buffer grown past maxKeptBuf.
func (w *Writer) releaseBuf() {
	if cap(w.buf) > maxKeptBuf {
		w.buf = nil
	}
}

// lose fails the writer and counts every record still in the buffer.
func (w *Writer) lose(err error) {
	w.notWritten.Add(w.buffered)
	w.buffered = 0
	w.fail(err)
	w.settleAcks()
}

// settleAcks calls the acknowledgements waiting on the buffer.
func (w *Writer) settleAcks() {
	for _, f := range w.acks {
		f()
	}
	clear(w.acks)
	w.acks = w.acks[:0]
}

// flush writes the buffer to the file, and fsyncs when asked.
func (w *Writer) flush(sync bool) {
	if w.failed != nil || w.bw == nil || !w.dirty {
		return
	}
	if w.segmentGone() {
		w.remake()
		if w.failed != nil {
			return
		}
	}
	if err := w.bw.Flush(); err != nil {
		w.lose(err)
		return
	}
	w.inFile, w.inBuf = 0, 0
	w.buffered = 0
	w.settleAcks()
	w.indexFlushed(false)
	if sync {
		if err := w.f.Sync(); err != nil {
			w.fail(err)
			return
		}
		w.lastSync = time.Now()
		w.dirty = false
	}
}

// rotate closes the current segment and starts a new one, locked.
func (w *Writer) rotate() error {
	if w.f != nil {
		w.flush(true)
		w.closeIndex()
		unlock(w.f)
		_ = w.f.Close()
	}
	path := filepath.Join(w.dir, SegmentName(time.Now(), os.Getpid()))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if _, err := tryLock(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("history: lock %s: %w", filepath.Base(path), err)
	}
	w.f, w.size = f, 0
	if w.idx, err = openIndexWriter(path); err != nil {
		w.idx = nil // the index only saves readers time: the log goes on without it
	}
	w.out.f = f
	if w.bw == nil {
		w.bw = bufio.NewWriterSize(&w.out, 256<<10)
	} else {
		w.bw.Reset(&w.out)
	}
	return nil
}

// fileWriter is the current segment, as the buffer's destination.
type fileWriter struct{ f *os.File }

func (o *fileWriter) Write(p []byte) (int, error) { return o.f.Write(p) }

// segmentGone reports that the segment is no longer in its folder: the
// folder (or the file) was deleted while mqttchat ran.
func (w *Writer) segmentGone() bool {
	if w.f == nil {
		return false
	}
	onDisk, err := os.Stat(w.f.Name())
	if err != nil {
		return os.IsNotExist(err)
	}
	open, err := w.f.Stat()
	return err == nil && !os.SameFile(onDisk, open)
}

// remake makes the folder again and moves writing to a new segment in it,
// with what the buffer holds; what reached the deleted file since the last
// check is counted as not written, and OnWarn says what happened.
func (w *Writer) remake() {
	lost := w.inFile
	w.inFile = 0
	if w.idx != nil {
		_ = w.idx.f.Close()
		w.idx = nil
	}
	unlock(w.f)
	_ = w.f.Close()
	w.f = nil
	if err := os.MkdirAll(w.dir, 0o700); err != nil {
		w.lose(err)
		return
	}
	path := filepath.Join(w.dir, SegmentName(time.Now(), os.Getpid()))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		w.lose(err)
		return
	}
	_, _ = tryLock(f)
	// The buffered records start the new segment; it has no index (readers
	// read it whole) until the next rotation.
	w.f, w.out.f, w.size = f, f, int64(w.bw.Buffered())
	w.notWritten.Add(lost)
	if w.opts.OnWarn != nil {
		w.opts.OnWarn(fmt.Errorf("history: the folder %s was deleted while mqttchat ran; it was made again and recording goes on (%d records written to it just before were lost with it)", w.dir, lost))
	}
}

// indexFlushed tells the index that the segment's bytes are in the file.
func (w *Writer) indexFlushed(final bool) {
	if w.idx == nil {
		return
	}
	if err := w.idx.flushed(final); err != nil {
		_ = w.idx.f.Close()
		w.idx = nil
	}
}

// closeIndex writes the last chunk and closes the index.
func (w *Writer) closeIndex() {
	if w.idx == nil || w.failed != nil {
		if w.idx != nil {
			_ = w.idx.f.Close()
			w.idx = nil
		}
		return
	}
	_ = w.idx.close()
	w.idx = nil
}

func (w *Writer) fail(err error) {
	if w.failed != nil {
		return
	}
	w.failed = fmt.Errorf("history: %w", err)
	w.err.Store(&w.failed)
	if w.opts.OnError != nil {
		w.opts.OnError(w.failed)
	}
}

// recordOf turns an event into a log record; ok is false for events that are
// not recorded.
func recordOf(ev mqttconn.Event) (Record, bool) {
	r := Record{Time: ev.Time, Dir: DirEvent}
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	errText := ""
	if ev.Err != nil {
		errText = ev.Err.Error()
	}
	switch ev.Kind {
	case mqttconn.KindMessage:
		m := ev.Message
		return Record{Time: m.Time, Dir: DirIn, Topic: m.Topic, QoS: m.QoS, Retain: m.Retained, Dup: m.Duplicate,
			Payload: m.Payload, HasPayload: true, Properties: m.Properties}, true
	case mqttconn.KindPublish:
		r = Record{Time: r.Time, Dir: DirOut, ID: ev.OutID, State: ev.State.String(), Text: errText}
		if m := ev.Message; m.Topic != "" {
			r.Topic, r.QoS, r.Retain, r.Payload, r.HasPayload = m.Topic, m.QoS, m.Retained, m.Payload, true
			r.Properties = m.Properties
			if !m.Time.IsZero() {
				r.Time = m.Time // the message's own time, by which Find looks it up
			}
		}
		return r, true
	case mqttconn.KindConnecting:
		r.Event, r.Text = "connecting", "attempt "+strconv.Itoa(ev.Attempt)+onNode(ev)
	case mqttconn.KindConnected:
		r.Event, r.Text = "connected", connectedText(ev)
	case mqttconn.KindConnectFailed:
		r.Event, r.Text = "connect_failed", nodePrefix(ev)+errText
	case mqttconn.KindLost:
		r.Event, r.Text = "lost", nodePrefix(ev)+errText
	case mqttconn.KindSubscribed:
		r.Event, r.Topic, r.QoS = "subscribed", ev.Filter, ev.Granted
	case mqttconn.KindSubscribeFailed:
		r.Event, r.Topic, r.QoS, r.Text = "subscribe_failed", ev.Filter, ev.QoS, errText
	case mqttconn.KindResubscribed:
		r.Event, r.Text = "resubscribed", filtersText(ev.Count)
	case mqttconn.KindTooLarge:
		// Not a message: its payload was never read. Recorded so that the
		// history says a message came and was not kept.
		r.Event, r.Topic, r.QoS = "too_large", ev.Message.Topic, ev.Message.QoS
		r.Text = strconv.Itoa(ev.Size) + " bytes, over the inbound size cap: acknowledged, not kept"
	default:
		return r, false
	}
	return r, true
}

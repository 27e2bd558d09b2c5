package topics

import (
	"slices"
	"strings"
	"time"

	"mqttchat/mqttconn/topic"
)

// Settings bound what the tree keeps. Zero fields take the defaults.
type Settings struct {
	MaxTopics     int // distinct topics held; messages on further topics are counted, not kept
	RecentValues  int // values kept per topic, for its diff and plot (at least 1)
	ValueBytes    int // each kept value is cut to this many bytes
	MaxValueBytes int // all kept values together (with their overhead); the oldest go first
}

// The default settings: 100,000 topics, 16 values of up to 1 KiB each per
// topic, 16 MiB of values in all.
const (
	DefaultMaxTopics     = 100_000
	DefaultRecentValues  = 16
	DefaultValueBytes    = 1 << 10
	DefaultMaxValueBytes = 16 << 20
)

func (s Settings) withDefaults() Settings {
	if s.MaxTopics <= 0 {
		s.MaxTopics = DefaultMaxTopics
	}
	if s.RecentValues <= 0 {
		s.RecentValues = DefaultRecentValues
	}
	if s.ValueBytes <= 0 {
		s.ValueBytes = DefaultValueBytes
	}
	if s.MaxValueBytes <= 0 {
		s.MaxValueBytes = DefaultMaxValueBytes
	}
	return s
}

// Value is one message kept for a topic.
type Value struct {
	At       time.Time
	Payload  []byte // cut to Settings.ValueBytes
	Size     int    // the whole payload's size
	QoS      byte
	Retained bool
	seq      uint64
}

// valueOverhead is what a kept value costs besides its payload bytes: the
// Value itself and its queue reference, counted in the byte budget.
const valueOverhead = 96

func valueCost(v Value) int { return len(v.Payload) + valueOverhead }

// Cut reports whether Payload is shorter than the message was.
func (v Value) Cut() bool { return len(v.Payload) < v.Size }

// node is one level of a topic. A node is a topic when it received a
// message (own > 0); it may have children too ("a" and "a/b").
type node struct {
	name     string // this level, raw
	topic    string // the whole topic, raw
	parent   *node
	kids     map[string]*node // by name, once there are more than mapFrom children
	order    []*node          // children: order[:sorted] sorted by name, the rest in arrival order
	sorted   int32
	idx      int32 // position in parent.order once sorted
	depth    int32
	head     int32 // oldest value in vals
	topics   int32 // topics at or below
	retBelow int32 // retained topics at or below
	expanded bool
	retained bool
	mark     uint32 // the search generation that matches at or below this node

	own        uint64  // messages on this topic
	total      uint64  // messages at or below
	last       int64   // unix nanoseconds of the last message at or below
	rate       rate    // at or below
	vals       []Value // ring, oldest at head
	preview    string  // the preview of the last value, once computed
	previewFor uint64  // own when the preview was computed
}

// mapFrom is how many children a node finds by a linear scan before it
// keeps a map: most nodes of a fleet have one or a few children, and a map
// costs hundreds of bytes.
const mapFrom = 8

// child is the child named level, or nil.
func (n *node) child(level string) *node {
	if n.kids != nil {
		return n.kids[level]
	}
	for _, k := range n.order {
		if k.name == level {
			return k
		}
	}
	return nil
}

// addChild appends a new child.
func (n *node) addChild(k *node) {
	n.order = append(n.order, k)
	switch {
	case n.kids != nil:
		n.kids[k.name] = k
	case len(n.order) > mapFrom:
		n.kids = make(map[string]*node, len(n.order))
		for _, c := range n.order {
			n.kids[c.name] = c
		}
	}
}

func (n *node) isTopic() bool { return n.own > 0 }

// sortKids sorts the children that arrived since the last sort into place.
func (n *node) sortKids() {
	if int(n.sorted) == len(n.order) {
		return
	}
	tail := n.order[n.sorted:]
	byName := func(a, b *node) int { return strings.Compare(a.name, b.name) }
	slices.SortFunc(tail, byName)
	if n.sorted > 0 {
		merged := make([]*node, 0, len(n.order))
		a, b := n.order[:n.sorted], tail
		for len(a) > 0 && len(b) > 0 {
			if a[0].name <= b[0].name {
				merged, a = append(merged, a[0]), a[1:]
			} else {
				merged, b = append(merged, b[0]), b[1:]
			}
		}
		merged = append(append(merged, a...), b...)
		n.order = merged
	}
	for i, k := range n.order {
		k.idx = int32(i)
	}
	n.sorted = int32(len(n.order))
}

// valueRef names a kept value in the order values were kept, so that the
// oldest can be dropped when the bytes run out.
type valueRef struct {
	n   *node
	seq uint64
}

// Tree holds every topic seen. It is not safe for concurrent use.
type Tree struct {
	set      Settings
	root     node
	topics   int
	total    uint64
	dropMsgs uint64 // messages on topics beyond MaxTopics
	dropVals uint64 // values dropped for the byte budget
	valBytes int
	fifo     []valueRef // the values kept, oldest first; a ref whose value was replaced stays until compacted
	fifoHead int
	kept     int // values kept in all topics' rings
	seq      uint64
	latest   time.Time // the newest message time

	search    string // what is searched, "" for none
	match     func(topic string) bool
	searchGen uint32
	hits      int // topics that match the search
	preview   func([]byte) string
}

// NewTree makes an empty tree; preview turns a (possibly cut) payload into a
// one-line, sanitized preview.
func NewTree(set Settings, preview func([]byte) string) *Tree {
	t := &Tree{set: set.withDefaults(), preview: preview}
	t.root.expanded = true
	t.root.depth = -1
	t.searchGen = 1
	return t
}

// Add records a message: O(depth). A payload no larger than ValueBytes is
// kept as it is, not copied: the caller must not change it afterwards (a
// received message's payload never is); a larger one's start is copied. A
// message on a new topic beyond MaxTopics is counted in Dropped and not kept.
func (t *Tree) Add(name string, payload []byte, retained bool, qos byte, at time.Time) {
	t.total++
	if at.After(t.latest) {
		t.latest = at
	}
	n := t.find(name)
	if n == nil {
		if t.topics >= t.set.MaxTopics {
			t.dropMsgs++
			return
		}
		n = t.create(name)
	}
	ns := at.UnixNano()
	newTopic := n.own == 0
	newRetained := retained && !n.retained
	n.own++
	if retained {
		n.retained = true
	}
	matches := newTopic && t.search != "" && t.match(name)
	for p := n; p != nil; p = p.parent {
		p.total++
		if ns > p.last {
			p.last = ns
		}
		p.rate.add(at)
		if newTopic {
			p.topics++
		}
		if newRetained {
			p.retBelow++
		}
		if matches {
			p.mark = t.searchGen
			p.expanded = true
		}
	}
	if newTopic {
		t.topics++
	}
	if matches {
		t.hits++
	}
	t.keep(n, payload, retained, qos, at)
}

// find returns the node of a topic, or nil. It allocates nothing.
func (t *Tree) find(name string) *node {
	n := &t.root
	rest := name
	for {
		level, after, more := strings.Cut(rest, "/")
		k := n.child(level)
		if k == nil {
			return nil
		}
		n = k
		if !more {
			return n
		}
		rest = after
	}
}

// create makes the nodes of a topic's levels that do not exist yet.
func (t *Tree) create(name string) *node {
	n := &t.root
	start := 0
	for {
		end := strings.IndexByte(name[start:], '/')
		last := end < 0
		if last {
			end = len(name)
		} else {
			end += start
		}
		level := name[start:end]
		k := n.child(level)
		if k == nil {
			k = &node{name: level, topic: name[:end], parent: n, depth: n.depth + 1}
			n.addChild(k)
		}
		n = k
		if last {
			return n
		}
		start = end + 1
	}
}

// keep adds a value to a topic's recent values within the budgets.
func (t *Tree) keep(n *node, payload []byte, retained bool, qos byte, at time.Time) {
	kept := payload
	if cap(payload) > t.set.ValueBytes {
		// A copy of the start: the value must not hold a large payload's
		// memory. One no larger than a value is kept as it is (a message's
		// payload is never changed after it arrived), not copied.
		kept = slices.Clone(payload[:min(len(payload), t.set.ValueBytes)])
	}
	t.seq++
	v := Value{At: at, Payload: kept, Size: len(payload), QoS: qos, Retained: retained, seq: t.seq}
	if len(n.vals) < t.set.RecentValues { // head is 0 until the ring is full
		n.vals = append(n.vals, v)
		t.kept++
	} else {
		t.valBytes -= valueCost(n.vals[n.head])
		n.vals[n.head] = v
		n.head = (n.head + 1) % int32(len(n.vals))
	}
	t.valBytes += valueCost(v)
	t.fifo = append(t.fifo, valueRef{n, v.seq})
	for t.valBytes > t.set.MaxValueBytes && t.fifoHead < len(t.fifo) {
		t.evict(t.fifo[t.fifoHead])
		t.fifo[t.fifoHead] = valueRef{}
		t.fifoHead++
	}
	// Compacted when half of it is gone: evicted at the head, or replaced
	// in their topic's ring (a busy topic replaces its oldest value with
	// every message, and the queue would grow by one ref a message).
	if t.fifoHead > 1024 && t.fifoHead*2 > len(t.fifo) || len(t.fifo)-t.fifoHead > 2*t.kept+1024 {
		t.compactFIFO()
	}
}

// evict drops a topic's oldest value if it is still the one ref names.
func (t *Tree) evict(ref valueRef) {
	n := ref.n
	if len(n.vals) == 0 || n.vals[n.head].seq != ref.seq {
		return // already replaced in the topic's own ring
	}
	if len(n.vals) == 1 { // the last value: keep its preview
		t.previewOf(n)
	}
	t.valBytes -= valueCost(n.vals[n.head])
	t.kept--
	// A new, exact array: the old one (up to RecentValues long) is freed.
	vals := make([]Value, 0, len(n.vals)-1)
	vals = append(vals, n.vals[n.head+1:]...)
	n.vals = append(vals, n.vals[:n.head]...)
	n.head = 0
	t.dropVals++
}

// compactFIFO drops the references to values that are gone, so that the
// queue stays as long as the values kept.
func (t *Tree) compactFIFO() {
	live := t.fifo[:0]
	for _, r := range t.fifo[t.fifoHead:] {
		if r.n == nil {
			continue
		}
		for _, v := range r.n.vals {
			if v.seq == r.seq {
				live = append(live, r)
				break
			}
		}
	}
	clear(t.fifo[len(live):])
	t.fifo = live
	t.fifoHead = 0
}

// values returns a topic's kept values, oldest first.
func (n *node) values() []Value {
	out := make([]Value, 0, len(n.vals))
	out = append(out, n.vals[n.head:]...)
	return append(out, n.vals[:n.head]...)
}

// lastValue is the newest kept value.
func (n *node) lastValue() (Value, bool) {
	if len(n.vals) == 0 {
		return Value{}, false
	}
	return n.vals[(int(n.head)+len(n.vals)-1)%len(n.vals)], true
}

// previewOf is the topic's last value as one line, computed once per value.
func (t *Tree) previewOf(n *node) string {
	if n.previewFor == n.own {
		return n.preview
	}
	v, ok := n.lastValue()
	if !ok {
		return n.preview
	}
	p := t.preview(v.Payload)
	if len(p) > 256 {
		p = p[:256]
	}
	n.preview, n.previewFor = p, n.own
	return p
}

// Stats are the tree's counts.
type Stats struct {
	Topics        int    // distinct topics held
	Messages      uint64 // messages added
	DroppedMsgs   uint64 // messages on topics beyond MaxTopics, not kept
	DroppedValues uint64 // recent values dropped for the byte budget
	ValueBytes    int    // bytes of values kept
	Retained      int    // topics known to hold a retained message
}

// Stats returns the tree's counts.
func (t *Tree) Stats() Stats {
	return Stats{Topics: t.topics, Messages: t.total, DroppedMsgs: t.dropMsgs, DroppedValues: t.dropVals, ValueBytes: t.valBytes, Retained: int(t.root.retBelow)}
}

// Values returns a topic's kept values, oldest first, or nil.
func (t *Tree) Values(name string) []Value {
	if n := t.find(name); n != nil {
		return n.values()
	}
	return nil
}

// AddOlder puts values read back from the history before the ones kept
// (for a longer plot or diff); it keeps at most RecentValues in all.
func (t *Tree) AddOlder(name string, older []Value) {
	n := t.find(name)
	if n == nil || len(older) == 0 {
		return
	}
	vals := append(slices.Clone(older), n.values()...)
	if len(vals) > t.set.RecentValues {
		vals = vals[len(vals)-t.set.RecentValues:]
	}
	for _, v := range n.vals {
		t.valBytes -= valueCost(v)
	}
	for i := range vals {
		if len(vals[i].Payload) > t.set.ValueBytes {
			vals[i].Payload = vals[i].Payload[:t.set.ValueBytes]
		}
		if vals[i].seq == 0 {
			t.seq++
			vals[i].seq = t.seq
			t.fifo = append(t.fifo, valueRef{n, vals[i].seq})
		}
		t.valBytes += valueCost(vals[i])
	}
	t.kept += len(vals) - len(n.vals)
	n.vals, n.head = vals, 0
}

// SetRetained records that a topic holds a retained message or not (after
// a clear the screen saw succeed, or a re-check).
func (t *Tree) SetRetained(name string, held bool) {
	n := t.find(name)
	if n == nil || n.retained == held {
		return
	}
	n.retained = held
	d := int32(1)
	if !held {
		d = -1
	}
	for p := n; p != nil; p = p.parent {
		p.retBelow += d
	}
}

// RetainedUnder lists the topics at or below prefix (a topic, not a
// filter; "" for all) known to hold a retained message, sorted.
func (t *Tree) RetainedUnder(prefix string) []string {
	n := &t.root
	if prefix != "" {
		if n = t.find(prefix); n == nil {
			return nil
		}
	}
	var out []string
	var walk func(*node)
	walk = func(n *node) {
		if n.retBelow == 0 {
			return
		}
		if n.retained {
			out = append(out, n.topic)
		}
		n.sortKids()
		for _, k := range n.order {
			walk(k)
		}
	}
	walk(n)
	return out
}

// ParseSearch reads a search: a word holding '/', '+' or '#' is an MQTT
// topic filter (as in the live filter); any other word is a text found
// anywhere in a topic's name. "" is no search.
func ParseSearch(input string) (func(string) bool, error) {
	input = strings.TrimSpace(input)
	switch {
	case input == "":
		return nil, nil
	case strings.ContainsAny(input, "/+#"):
		if err := topic.ValidateFilter(input); err != nil {
			return nil, err
		}
		return func(name string) bool { return topic.Match(input, name) }, nil
	}
	return func(name string) bool { return strings.Contains(name, input) }, nil
}

// setSearch marks the nodes at or above a topic that matches and expands
// them; a nil match ends the search. O(topics).
func (t *Tree) setSearch(input string, match func(string) bool) {
	t.search, t.match = input, match
	t.searchGen++
	t.hits = 0
	if match == nil {
		t.search = ""
		return
	}
	var walk func(*node)
	walk = func(n *node) {
		if n.isTopic() && match(n.topic) {
			t.hits++
			for p := n; p != nil && p.mark != t.searchGen; p = p.parent {
				p.mark = t.searchGen
				p.expanded = true
			}
		}
		for _, k := range n.order {
			walk(k)
		}
	}
	walk(&t.root)
	t.root.mark = t.searchGen
}

// shown reports whether a node is drawn under the current search.
func (t *Tree) shown(n *node) bool { return t.search == "" || n.mark == t.searchGen }

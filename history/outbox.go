package history

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"mqttchat/mqttconn"
)

// Outbox keeps the QoS 1/2 messages of a persistent session that the broker
// has not acknowledged, so that they survive a restart of mqttchat. It is an
// append-only file of "add" and "done" lines, fsynced after each, compacted
// when opened, private to the user and locked against a second mqttchat.
type Outbox struct {
	mu       sync.Mutex
	f        *os.File
	lock     *os.File
	buf      []byte
	inFlight []mqttconn.InFlight // of the restored messages, in order
	held     []uint16            // inbound QoS 2 ids recorded, not released, at the last close
	node     string              // the cluster node that held the session, as last saved
}

var (
	_ mqttconn.InFlightStore = (*Outbox)(nil)
	_ mqttconn.HeldStore     = (*Outbox)(nil)
	_ mqttconn.NodeStore     = (*Outbox)(nil)
)

// stateSessionNode marks a line that names the cluster node (host:port)
// that holds the session (Text); the last such line counts.
const stateSessionNode = "session"

// stateHeld marks a line that lists the inbound QoS 2 packet ids recorded
// and not yet released when the session closed (Text: the ids, spaces
// between); the last such line counts.
const stateHeld = "held"

// stateInFlight marks a line that gives a message's packet id in flight
// (Text: the id, followed by " released" once PUBREC came, then " on
// host:port", the cluster node it was sent on, when known; "0": none).
const stateInFlight = "inflight"

// ErrSessionInUse is returned when another process holds the outbox.
var ErrSessionInUse = errors.New("another mqttchat is using this session (same broker and client id)")

// OutboxPath is where the outbox of a broker and client id lives.
func OutboxPath(server, clientID string) (string, error) {
	dir, err := StateDir()
	if err != nil {
		return "", err
	}
	return sessionPath(filepath.Join(dir, "sessions"), server, clientID), nil
}

// OpenOutbox locks and reads the outbox at path and returns the messages
// still waiting, in order. The file is rewritten to hold just those, with
// ids 1..n, the ids the client gives them again.
func OpenOutbox(path string) (*Outbox, []mqttconn.Message, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("outbox: %w", err)
	}
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("outbox: %w", err)
	}
	ok, err := tryLock(lock)
	if err != nil || !ok {
		lock.Close()
		if err == nil {
			err = ErrSessionInUse
		}
		return nil, nil, fmt.Errorf("outbox: %w", err)
	}
	pending, inFlight, held, node, err := readOutbox(path)
	if err != nil {
		unlock(lock)
		lock.Close()
		return nil, nil, err
	}
	o := &Outbox{lock: lock, inFlight: inFlight, held: held, node: node}
	if err := o.rewrite(path, pending); err != nil {
		o.Close()
		return nil, nil, err
	}
	msgs := make([]mqttconn.Message, len(pending))
	for i, r := range pending {
		msgs[i] = mqttconn.Message{Topic: r.Topic, Payload: r.Payload, QoS: r.QoS, Retained: r.Retain, Time: r.Time,
			Properties: r.Properties}
	}
	return o, msgs, nil
}

// RestoredInFlight are the packet ids in flight of the messages OpenOutbox
// returned, in the same order (mqttconn.Config.RestoredInFlight).
func (o *Outbox) RestoredInFlight() []mqttconn.InFlight { return o.inFlight }

// RestoredHeld are the inbound QoS 2 ids saved by the last SaveHeld
// (mqttconn.Config.RestoredHeld).
func (o *Outbox) RestoredHeld() []uint16 { return o.held }

// RestoredSessionNode is the cluster node that held the session when the
// outbox was last used (mqttconn.Config.SessionNode); "" when not known.
func (o *Outbox) RestoredSessionNode() string { return o.node }

// SessionNode implements mqttconn.NodeStore.
func (o *Outbox) SessionNode(node string) error {
	o.mu.Lock()
	same := node == o.node
	o.mu.Unlock()
	if same {
		return nil
	}
	if err := o.append(Record{Time: time.Now(), Dir: DirOut, State: stateSessionNode, Text: node}); err != nil {
		return err
	}
	o.mu.Lock()
	o.node = node
	o.mu.Unlock()
	return nil
}

// SaveHeld implements mqttconn.HeldStore.
func (o *Outbox) SaveHeld(ids []uint16) error {
	if len(ids) == 0 && len(o.held) == 0 {
		return nil
	}
	o.held = ids
	return o.append(Record{Time: time.Now(), Dir: DirIn, State: stateHeld, Text: formatHeld(ids)})
}

func formatHeld(ids []uint16) string {
	var b []byte
	for i, id := range ids {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendUint(b, uint64(id), 10)
	}
	return string(b)
}

func parseHeld(s string) []uint16 {
	var ids []uint16
	for _, f := range strings.Fields(s) {
		if n, err := strconv.ParseUint(f, 10, 16); err == nil && n != 0 {
			ids = append(ids, uint16(n))
		}
	}
	return ids
}

// readOutbox replays the file: what was added and not done, in order, the
// packet id each had in flight, the inbound QoS 2 ids held at the last
// close, and the cluster node that held the session.
func readOutbox(path string) (pending []Record, states []mqttconn.InFlight, held []uint16, node string, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil, "", nil
	}
	if err != nil {
		return nil, nil, nil, "", fmt.Errorf("outbox: %w", err)
	}
	defer f.Close()
	inFlight := map[uint64]mqttconn.InFlight{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 512<<20)
	for sc.Scan() {
		r, err := parseRecord(sc.Bytes())
		if err != nil {
			continue // a torn last line, or damage: skip it
		}
		if r.State == stateHeld {
			held = parseHeld(r.Text)
			continue
		}
		if r.State == stateSessionNode {
			node = r.Text
			continue
		}
		if r.State == stateInFlight {
			inFlight[r.ID] = parseInFlight(r.Text)
			continue
		}
		if r.State == "done" {
			pending = slices.DeleteFunc(pending, func(p Record) bool { return p.ID == r.ID })
			continue
		}
		if r.HasPayload {
			pending = append(pending, r)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, nil, "", fmt.Errorf("outbox: %s: %w", path, err)
	}
	states = make([]mqttconn.InFlight, len(pending))
	for i, r := range pending {
		states[i] = inFlight[r.ID]
	}
	return pending, states, held, node, nil
}

func formatInFlight(f mqttconn.InFlight) string {
	s := strconv.Itoa(int(f.PacketID))
	if f.Released {
		s += " released"
	}
	if f.Node != "" {
		s += " on " + f.Node
	}
	return s
}

func parseInFlight(s string) mqttconn.InFlight {
	id, rest, _ := strings.Cut(s, " ")
	n, err := strconv.ParseUint(id, 10, 16)
	if err != nil {
		return mqttconn.InFlight{}
	}
	f := mqttconn.InFlight{PacketID: uint16(n)}
	rest, f.Node, _ = strings.Cut(rest, "on ")
	f.Released = strings.TrimSpace(rest) == "released"
	return f
}

// rewrite replaces the file with the pending messages, ids 1..n, and keeps
// it open for appending.
func (o *Outbox) rewrite(path string, pending []Record) error {
	var buf []byte
	for i, r := range pending {
		r.ID = uint64(i + 1)
		buf = r.AppendJSON(buf)
		if i < len(o.inFlight) && o.inFlight[i].PacketID != 0 {
			f := Record{Time: r.Time, Dir: DirOut, ID: r.ID, State: stateInFlight, Text: formatInFlight(o.inFlight[i])}
			buf = f.AppendJSON(buf)
		}
	}
	if len(o.held) > 0 {
		h := Record{Time: time.Now(), Dir: DirIn, State: stateHeld, Text: formatHeld(o.held)}
		buf = h.AppendJSON(buf)
	}
	if o.node != "" {
		n := Record{Time: time.Now(), Dir: DirOut, State: stateSessionNode, Text: o.node}
		buf = n.AppendJSON(buf)
	}
	if err := writeFileAtomic(path, buf); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var err error
	o.f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

// Add implements mqttconn.OutboxStore.
func (o *Outbox) Add(id uint64, m mqttconn.Message) error {
	t := m.Time
	if t.IsZero() {
		t = time.Now()
	}
	return o.append(Record{Time: t, Dir: DirOut, ID: id, Topic: m.Topic, QoS: m.QoS, Retain: m.Retained,
		Payload: m.Payload, HasPayload: true, State: "queued", Properties: m.Properties})
}

// Done implements mqttconn.OutboxStore.
func (o *Outbox) Done(id uint64) error {
	return o.append(Record{Time: time.Now(), Dir: DirOut, ID: id, State: "done"})
}

// InFlight implements mqttconn.InFlightStore.
func (o *Outbox) InFlight(id uint64, packetID uint16, released bool) error {
	return o.InFlightOn(id, mqttconn.InFlight{PacketID: packetID, Released: released})
}

// InFlightOn implements mqttconn.NodeStore.
func (o *Outbox) InFlightOn(id uint64, f mqttconn.InFlight) error {
	return o.append(Record{Time: time.Now(), Dir: DirOut, ID: id, State: stateInFlight, Text: formatInFlight(f)})
}

func (o *Outbox) append(r Record) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil {
		return errors.New("outbox: closed")
	}
	o.buf = r.AppendJSON(o.buf[:0])
	if _, err := o.f.Write(o.buf); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if err := o.f.Sync(); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

// Close closes the file and releases the session.
func (o *Outbox) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	var err error
	if o.f != nil {
		err = o.f.Close()
		o.f = nil
	}
	if o.lock != nil {
		unlock(o.lock)
		_ = o.lock.Close()
		o.lock = nil
	}
	return err
}

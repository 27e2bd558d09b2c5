package mqttconn

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	packets5 "github.com/eclipse/paho.golang/packets"
)

// wireConn is the network connection of one MQTT connection, between paho
// and the socket. It sees every packet both ways (fixed header, packet id,
// return codes; never copying a payload), so it knows what paho does not
// tell: the real CONNACK return code, the real end of the connection, which
// ack answered which packet. It enforces the inbound size cap before paho
// allocates anything. Reads come from paho's one reader goroutine, writes
// from paho's writer and from our own; each Write is one whole packet
// (paho writes a packet with one call), and writes are serialised.
type wireConn struct {
	net.Conn
	r       *bufio.Reader
	nap     *coalescer // under r (or under its TLS); nil: reads never wait
	in      decoder
	pend    []byte // bytes read but not yet handed to paho: a fixed header, a PUBLISH's variable header
	pendBuf []byte
	hdrBuf  [5]byte

	maxIn      int                        // largest inbound PUBLISH handed on (remaining length)
	onTooLarge func(Message, int, func()) // an inbound PUBLISH over maxIn; ack acknowledges it to the broker

	onAck func(typ byte, id uint16, code byte) // PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK: ours, not paho's
	// inbound QoS 2 bookkeeping of the session: seenQoS2 is asked for each
	// inbound QoS 2 PUBLISH and says whether its id is still held (a
	// duplicate, not handed on); onPubrel and onPubrecOut follow the rest.
	seenQoS2    func(id uint16) (dup bool)
	onConnack   func(Packet) // before any packet after it is read
	onPubrel    func(id uint16)
	onPubrecOut func(id uint16)
	epoch       atomic.Uint64 // the client's connection number, once accepted
	publishedAt atomic.Int64  // when our last PUBLISH was written (UnixNano), 0: none yet
	inIDs       *inboundIDs   // the broker's packet ids in flight to us, followed both ways; nil: not followed

	// onQoS0, when set (MQTT 3.1.1), takes each inbound QoS 0 PUBLISH,
	// read here whole: paho only hands such a message on, and its reader,
	// router and handler goroutines cost more than the rest of the message's
	// way to the screen. viaPaho counts the PUBLISH packets handed to paho
	// that its handler has not delivered yet; while there are any, a QoS 0
	// PUBLISH goes through paho too, so messages keep the wire's order.
	onQoS0  func(Message)
	onQoS05 func(*packets5.Publish) // the same over MQTT 5: the PUBLISH parsed, properties and all
	viaPaho *atomic.Int64
	topics  topicCache // the last topics onQoS0 was given: a flood on a few costs no allocation

	connectReturned <-chan struct{} // MQTT 5: closed once paho.golang's Connect has returned (afterConnect)
	connected5      bool            // afterConnect's wait is over (the reader's goroutine only)

	v5     bool                                                // MQTT 5: acks and DISCONNECT are read by read5
	onAck5 func(typ byte, id uint16, code byte, reason string) // MQTT 5 acks of ours, with reason code and string

	wmu sync.Mutex
	out decoder
	// MQTT 5, guarded by wmu: the Will properties the CONNECT goes out
	// with (nil: as paho.golang wrote it), and its fixed header meanwhile.
	willProps, heldHeader []byte

	// The keep-alive in use, and what the wire saw of it (unix nanoseconds):
	// the first PINGREQ written that nothing read has answered yet, and the
	// last packet read. They tell a ping timeout from any other close of
	// ours (keepalive.go).
	keepAlive              atomic.Int64
	pingAt, lastIn, pongAt atomic.Int64 // pongAt: the last PINGRESP read
	mu                     sync.Mutex
	connack                *Packet // the CONNACK, once read
	err                    error   // why the connection ended
	done                   chan struct{}
	once                   sync.Once
}

// newWireConn wraps conn. observe sees every packet, each way, and must not
// block; it runs on paho's reader or a writer goroutine.
func newWireConn(conn net.Conn, maxIn int, observe func(Packet)) *wireConn {
	r, nap := readerFor(conn)
	w := &wireConn{Conn: conn, r: bufio.NewReaderSize(r, 64<<10), nap: nap, maxIn: maxIn, done: make(chan struct{})}
	w.in = decoder{emit: func(p Packet) {
		if w.inIDs != nil {
			w.inIDs.follow(p)
		}
		if p.Type == TypePubrel && w.onPubrel != nil {
			w.onPubrel(p.ID)
		}
		if p.Type == TypeConnack && w.connackPacket() == nil {
			c := p // a copy: taking p's address would put every packet on the heap
			w.mu.Lock()
			w.connack = &c
			w.mu.Unlock()
			if w.onConnack != nil {
				w.onConnack(p)
			}
		}
		if observe != nil {
			observe(p)
		}
	}}
	w.out = decoder{out: true, emit: func(p Packet) {
		if p.Type == TypePingreq {
			w.pingSent()
		}
		if w.inIDs != nil {
			w.inIDs.follow(p)
		}
		if p.Type == TypePubrec && w.onPubrecOut != nil {
			w.onPubrecOut(p.ID)
		}
		if p.Type == TypePublish {
			w.publishedAt.Store(time.Now().UnixNano())
		}
		if observe != nil {
			observe(p)
		}
	}}
	w.in.fields, w.out.fields = observe != nil, observe != nil // decode fields only for an observer
	// The level our CONNECT says, for the packets of both ways.
	w.in.level = &protoLevel{}
	w.out.level = w.in.level
	return w
}

// droppedAfterPublish says whether the connection ended (at end) within
// publishDropWindow of a PUBLISH we wrote: the broker refused that message
// (mosquitto drops the connection on a string it takes as malformed), not
// another client taking our client id.
func (w *wireConn) droppedAfterPublish(end time.Time) bool {
	at := w.publishedAt.Load()
	return at != 0 && end.Sub(time.Unix(0, at)) < publishDropWindow
}

// publishDropWindow is how soon after our PUBLISH a drop counts as its answer.
const publishDropWindow = time.Second

// Done is closed when the connection has ended: a read or write failed, or
// it was closed.
func (w *wireConn) Done() <-chan struct{} { return w.done }

// ended says whether the connection has ended (without a lock: for the
// write path).
func (w *wireConn) ended() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// Err says why the connection ended.
func (w *wireConn) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *wireConn) fail(err error) {
	w.once.Do(func() {
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
		close(w.done)
	})
}

// connackPacket is the CONNACK read, or nil.
func (w *wireConn) connackPacket() *Packet {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.connack
}

// errClosedByUs ends a connection we closed.
var errClosedByUs = errors.New("connection closed by the client")

func (w *wireConn) Close() error {
	w.fail(w.closeReason())
	return w.Conn.Close()
}

func (w *wireConn) Write(p []byte) (int, error) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	if w.faulted() {
		return 0, w.Err()
	}
	w.out.feed(p) // seen as handed on, so that it comes before its answer
	n, err := w.Conn.Write(p)
	if err != nil {
		w.fail(err)
	}
	return n, err
}

func (w *wireConn) Read(p []byte) (int, error) {
	for {
		if len(w.pend) > 0 {
			n := copy(p, w.pend)
			w.pend = w.pend[n:]
			return n, nil
		}
		if w.in.rem > 0 {
			n, err := w.r.Read(p[:min(len(p), w.in.rem)])
			w.in.body(p[:n])
			if err != nil {
				w.fail(err)
			}
			return n, err
		}
		b0, length, hdr, err := w.readHeader()
		if err != nil {
			w.fail(err)
			return 0, err
		}
		now := time.Now().UnixNano()
		w.lastIn.Store(now)
		if b0>>4 == TypePingresp {
			w.pongAt.Store(now)
		}
		w.nap.sawPacket(b0)
		if w.v5 {
			if took, err := w.read5(b0, length, hdr); err != nil {
				w.fail(err)
				return 0, err
			} else if took {
				continue
			}
		}
		if t := b0 >> 4; w.onAck != nil && isOurAck(t) {
			if err := w.readAck(b0, length); err != nil {
				w.fail(err)
				return 0, err
			}
			continue
		}
		if b0>>4 == TypePublish && length > w.maxIn {
			if err := w.dropPublish(b0, length); err != nil {
				w.fail(err)
				return 0, err
			}
			continue
		}
		if b0>>4 == TypePublish {
			ours := b0>>1&3 == 0 && w.readsQoS0()
			// What the library reads is checked whole first; what we read
			// ourselves, as far as its topic (readQoS05 checks the rest).
			if what := w.malformedPublish(b0, length, !ours); what != "" {
				return 0, w.malformedFault(what)
			}
			if ours {
				read := w.readQoS0
				if w.v5 {
					read = w.readQoS05
				}
				if err := read(b0, length, hdr); err != nil {
					w.fail(err)
					return 0, err
				}
				continue
			}
		}
		w.in.start(b0, length)
		if b0>>4 == TypePublish && b0>>1&3 == 2 && w.seenQoS2 != nil {
			prefix, err := w.readPublishPrefix(length)
			if err != nil {
				w.fail(err)
				return 0, err
			}
			if w.in.cur.Duplicate = w.seenQoS2(w.in.cur.ID); w.in.cur.Duplicate {
				// The same message again before its PUBREL: acknowledged
				// (seenQoS2 saw to it), never delivered twice.
				w.in.keep(prefix)
				if w.in.fields { // the preview, without reading it
					pv, _ := w.r.Peek(min(PreviewSize, length-len(prefix)))
					w.in.keep(pv)
				}
				if _, err := w.r.Discard(length - len(prefix)); err != nil {
					w.fail(err)
					return 0, err
				}
				w.in.finish()
				continue
			}
			w.pend = append(append(w.pendBuf[:0], hdr...), prefix...)
			w.pendBuf = w.pend[:0]
			w.in.body(prefix)
			w.handedToPaho()
			continue
		}
		if b0>>4 == TypePublish {
			w.handedToPaho()
		}
		w.pend = hdr
	}
}

// handedToPaho counts a PUBLISH that paho's handler is yet to deliver.
func (w *wireConn) handedToPaho() {
	if w.viaPaho != nil {
		w.viaPaho.Add(1)
	}
}

// readsQoS0 says whether the next QoS 0 PUBLISH is ours to read: there is
// a taker for it, and paho holds no message that must come before it.
func (w *wireConn) readsQoS0() bool {
	if w.viaPaho == nil || w.viaPaho.Load() != 0 {
		return false
	}
	if w.v5 {
		return w.onQoS05 != nil
	}
	return w.onQoS0 != nil
}

// readQoS0 reads an inbound QoS 0 PUBLISH whole (its size is within the
// cap, its topic within the packet: malformedPublish), lets the decoder see it and hands it to onQoS0. One allocation
// holds the packet; the payload is a slice of it, ours to keep.
func (w *wireConn) readQoS0(b0 byte, length int, _ []byte) error {
	buf := make([]byte, length)
	if _, err := io.ReadFull(w.r, buf); err != nil {
		return err
	}
	tlen := int(binary.BigEndian.Uint16(buf))
	w.in.start(b0, length)
	w.in.body(buf)
	topic := buf[2 : 2+tlen]
	var name string
	if t := w.in.cur.Topic; w.in.fields && len(t) == tlen && t == string(topic) {
		name = t // the packet tap's, decoded already: no second copy
	} else {
		name = w.topics.get(topic)
	}
	w.onQoS0(Message{
		Topic:     name,
		Payload:   buf[2+tlen:],
		Retained:  b0&1 != 0,
		Duplicate: b0&8 != 0,
	})
	return nil
}

// readPublishPrefix reads an inbound PUBLISH's topic length, topic and
// packet id (its variable header), and lets the decoder see them.
func (w *wireConn) readPublishPrefix(length int) ([]byte, error) {
	var two [2]byte
	if _, err := io.ReadFull(w.r, two[:]); err != nil {
		return nil, err
	}
	n := 2 + int(binary.BigEndian.Uint16(two[:])) + 2
	if n > length {
		return nil, fmt.Errorf("malformed PUBLISH: header of %d bytes in a packet of %d", n, length)
	}
	prefix := make([]byte, n)
	copy(prefix, two[:])
	if _, err := io.ReadFull(w.r, prefix[2:]); err != nil {
		return nil, err
	}
	w.in.scan(prefix) // the packet id, without consuming
	return prefix, nil
}

// limitWrites makes a write that is still running at t fail. A WebSocket
// connection does not take deadlines while writing: the one under it does.
func (w *wireConn) limitWrites(t time.Time) {
	conn := w.Conn
	if u, ok := conn.(interface{ UnderlyingConn() net.Conn }); ok {
		conn = u.UnderlyingConn()
	}
	_ = conn.SetWriteDeadline(t)
}

// isOurAck says whether inbound packets of type t answer packets that we,
// not paho, sent: they are handled here and never reach paho.
func isOurAck(t byte) bool {
	switch t {
	case TypePuback, TypePubrec, TypePubcomp, TypeSuback, TypeUnsuback:
		return true
	}
	return false
}

// readAck reads one of our acks whole and hands it to onAck.
func (w *wireConn) readAck(b0 byte, length int) error {
	if length < 2 || length > 2+maxAckCodes {
		return fmt.Errorf("malformed %s: %d bytes", Packet{Type: b0 >> 4}.TypeName(), length)
	}
	var buf [2 + maxAckCodes]byte
	if _, err := io.ReadFull(w.r, buf[:length]); err != nil {
		return err
	}
	w.in.start(b0, length)
	w.in.body(buf[:length])
	var code byte
	if length > 2 {
		code = buf[2]
	}
	w.onAck(b0>>4, binary.BigEndian.Uint16(buf[:2]), code)
	return nil
}

// maxAckCodes bounds the return codes of a SUBACK we read: we subscribe one
// filter per SUBSCRIBE.
const maxAckCodes = 64

// writeParts writes one packet given in pieces, with no other packet between them.
func (w *wireConn) writeParts(parts ...[]byte) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	for _, p := range parts {
		w.out.feed(p)
		_, err := w.Conn.Write(p)
		if err != nil {
			w.fail(err)
			return err
		}
	}
	return nil
}

// readHeader reads a fixed header: the first byte, the remaining length and
// the header's bytes as they were.
func (w *wireConn) readHeader() (b0 byte, length int, hdr []byte, err error) {
	b0, err = w.r.ReadByte()
	if err != nil {
		return 0, 0, nil, err
	}
	w.hdrBuf[0] = b0
	n, mult := 1, 1
	for {
		c, err := w.r.ReadByte()
		if err != nil {
			return 0, 0, nil, err
		}
		w.hdrBuf[n] = c
		n++
		length += int(c&0x7f) * mult
		mult *= 128
		if c&0x80 == 0 {
			break
		}
		if n == 5 {
			return 0, 0, nil, errors.New("malformed packet: remaining length longer than 4 bytes")
		}
	}
	return b0, length, w.hdrBuf[:n], nil
}

// dropPublish reads an inbound PUBLISH over the cap without keeping its
// payload, reports it, and has it acknowledged, so that the broker does not
// send it again on every reconnect.
func (w *wireConn) dropPublish(b0 byte, length int) error {
	var two [2]byte
	if _, err := io.ReadFull(w.r, two[:]); err != nil {
		return err
	}
	tlen := int(binary.BigEndian.Uint16(two[:]))
	if tlen+2 > length {
		return fmt.Errorf("malformed PUBLISH: topic of %d bytes in a packet of %d", tlen, length)
	}
	topic := make([]byte, tlen)
	if _, err := io.ReadFull(w.r, topic); err != nil {
		return err
	}
	qos := b0 >> 1 & 3
	rest := length - 2 - tlen
	var id uint16
	if qos > 0 {
		if rest < 2 {
			return errors.New("malformed PUBLISH: no packet id")
		}
		if _, err := io.ReadFull(w.r, two[:]); err != nil {
			return err
		}
		id = binary.BigEndian.Uint16(two[:])
		rest -= 2
	}
	if w.v5 { // the size said is the payload's, as over 3.1.1
		var err error
		if rest, err = w.skipProps5(rest); err != nil {
			return err
		}
	}
	if _, err := w.r.Discard(rest); err != nil {
		return err
	}
	p := Packet{Type: TypePublish, Flags: b0 & 0x0f, Length: length, ID: id, Dropped: true}
	if w.in.fields {
		p.Topic, p.PayloadLen = string(topic), rest
	}
	if w.in.emit != nil {
		p.Time = time.Now()
		w.in.emit(p)
	}
	m := Message{Topic: string(topic), QoS: qos, Retained: b0&1 != 0, Duplicate: b0&8 != 0}
	ack := func() {
		switch qos {
		case 1:
			_, _ = w.Write([]byte{TypePuback << 4, 2, byte(id >> 8), byte(id)})
		case 2:
			_, _ = w.Write([]byte{TypePubrec << 4, 2, byte(id >> 8), byte(id)})
		}
	}
	if w.onTooLarge != nil {
		w.onTooLarge(m, rest, ack)
	} else {
		ack()
	}
	return nil
}

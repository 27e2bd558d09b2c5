// Package scripted is an MQTT broker for tests whose every answer is
// written by the test: it accepts TCP connections on a loopback port and
// hands each to a script that reads and writes raw packets. With it a test
// plays a broker that misbehaves (an undefined CONNACK code, a take-over, a
// QoS 2 answered with PUBACK, a redelivery) or one that checks packet ids
// and DUP flags as strictly as Eclipse's conformance broker. It speaks
// MQTT 3.1.1; after an MQTT 5 CONNECT, Connack, Accept and SendPublish add
// the empty property list MQTT 5 wants and Publish reads past one (the
// script writes every other MQTT 5 packet itself).
package scripted

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Packet types.
const (
	Connect     byte = 1
	Connack     byte = 2
	Publish     byte = 3
	Puback      byte = 4
	Pubrec      byte = 5
	Pubrel      byte = 6
	Pubcomp     byte = 7
	Subscribe   byte = 8
	Suback      byte = 9
	Unsubscribe byte = 10
	Unsuback    byte = 11
	Pingreq     byte = 12
	Pingresp    byte = 13
	Disconnect  byte = 14
)

// Wait is how long a script waits for a packet the client is expected to
// send. It only bounds a test that is failing, so it is generous: under
// -race on a loaded machine a client can take seconds to answer.
const Wait = 20 * time.Second

// Packet is one packet read from the client.
type Packet struct {
	Type  byte
	Flags byte
	Body  []byte
	Level byte // the connection's protocol level when it was read: 5 for MQTT 5
}

// ID is the packet identifier of a packet that starts with one (all but PUBLISH).
func (p Packet) ID() uint16 {
	if len(p.Body) < 2 {
		return 0
	}
	return binary.BigEndian.Uint16(p.Body)
}

// Topic, packet id and payload of a PUBLISH.
func (p Packet) Publish() (topic string, id uint16, payload []byte) {
	if len(p.Body) < 2 {
		return "", 0, nil
	}
	n := int(binary.BigEndian.Uint16(p.Body))
	rest := p.Body[2+n:]
	if p.QoS() > 0 {
		id = binary.BigEndian.Uint16(rest)
		rest = rest[2:]
	}
	if p.Level == 5 { // past the property list
		size, shift := 0, 0
		for i, b := range rest {
			size |= int(b&0x7f) << shift
			shift += 7
			if b&0x80 == 0 {
				rest = rest[min(i+1+size, len(rest)):]
				break
			}
		}
	}
	return string(p.Body[2 : 2+n]), id, rest
}

// QoS of a PUBLISH.
func (p Packet) QoS() byte { return p.Flags >> 1 & 3 }

// Dup is the DUP flag of a PUBLISH.
func (p Packet) Dup() bool { return p.Flags&8 != 0 }

// Conn is one client connection as the script sees it.
type Conn struct {
	net.Conn
	N     int  // 1 for the first connection the broker accepted, and so on
	Level byte // the protocol level of the CONNECT read: 4 (MQTT 3.1.1) or 5
}

// Read reads the next packet, waiting at most d.
func (c *Conn) Read(d time.Duration) (Packet, error) {
	_ = c.SetReadDeadline(time.Now().Add(d))
	var h [1]byte
	if _, err := io.ReadFull(c.Conn, h[:]); err != nil {
		return Packet{}, err
	}
	length, mult := 0, 1
	for i := 0; ; i++ {
		var b [1]byte
		if _, err := io.ReadFull(c.Conn, b[:]); err != nil {
			return Packet{}, err
		}
		length += int(b[0]&0x7f) * mult
		mult *= 128
		if b[0]&0x80 == 0 {
			break
		}
		if i == 3 {
			return Packet{}, errors.New("malformed remaining length")
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.Conn, body); err != nil {
		return Packet{}, err
	}
	p := Packet{Type: h[0] >> 4, Flags: h[0] & 0x0f, Body: body}
	if p.Type == Connect && len(body) > 6 {
		c.Level = body[6] // after the protocol name "MQTT"
	}
	p.Level = c.Level
	return p, nil
}

// Expect reads packets until one of type t, answering PINGREQ on the way.
func (c *Conn) Expect(t byte, d time.Duration) (Packet, error) {
	deadline := time.Now().Add(d)
	for {
		p, err := c.Read(time.Until(deadline))
		if err != nil {
			return p, fmt.Errorf("waiting for packet type %d: %w", t, err)
		}
		if p.Type == t {
			return p, nil
		}
		if p.Type == Pingreq {
			c.Write(Pingresp, 0, nil)
			continue
		}
		return p, fmt.Errorf("packet type %d while waiting for %d", p.Type, t)
	}
}

// Write sends one packet.
func (c *Conn) Write(t, flags byte, body []byte) error {
	b := []byte{t<<4 | flags}
	n := len(body)
	for {
		d := byte(n % 128)
		n /= 128
		if n > 0 {
			d |= 0x80
		}
		b = append(b, d)
		if n == 0 {
			break
		}
	}
	_, err := c.Conn.Write(append(b, body...))
	return err
}

// Ack sends a packet that is just a packet id (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK).
func (c *Conn) Ack(t byte, id uint16) error {
	flags := byte(0)
	if t == Pubrel {
		flags = 2
	}
	return c.Write(t, flags, binary.BigEndian.AppendUint16(nil, id))
}

// Connack answers CONNECT; after an MQTT 5 CONNECT, with an empty
// property list.
func (c *Conn) Connack(sessionPresent bool, code byte) error {
	sp := byte(0)
	if sessionPresent {
		sp = 1
	}
	body := []byte{sp, code}
	if c.Level == 5 {
		body = append(body, 0)
	}
	return c.Write(Connack, 0, body)
}

// Accept reads CONNECT and accepts it in the client's protocol (MQTT 3.1.1
// or 5; the packets that follow are the script's to write).
func (c *Conn) Accept(sessionPresent bool) error {
	if _, err := c.Expect(Connect, Wait); err != nil {
		return err
	}
	return c.Connack(sessionPresent, 0)
}

// SendPublish sends a PUBLISH to the client (after an MQTT 5 CONNECT,
// with an empty property list).
func (c *Conn) SendPublish(topic string, qos byte, dup bool, id uint16, payload []byte) error {
	flags := qos << 1
	if dup {
		flags |= 8
	}
	body := binary.BigEndian.AppendUint16(nil, uint16(len(topic)))
	body = append(body, topic...)
	if qos > 0 {
		body = binary.BigEndian.AppendUint16(body, id)
	}
	if c.Level == 5 {
		body = append(body, 0)
	}
	return c.Write(Publish, flags, append(body, payload...))
}

// Broker accepts connections and runs the script on each, one at a time.
type Broker struct {
	ln   net.Listener
	mu   sync.Mutex
	n    int
	wg   sync.WaitGroup
	errs []error
}

// Start listens on a loopback port and runs script for every connection
// until the test ends. An error the script returns fails the test.
func Start(t testing.TB, script func(c *Conn) error) *Broker {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &Broker{ln: ln}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			b.n++
			c := &Conn{Conn: conn, N: b.n}
			b.mu.Unlock()
			b.wg.Add(1)
			go func() {
				defer b.wg.Done()
				defer conn.Close()
				if err := script(c); err != nil {
					b.mu.Lock()
					b.errs = append(b.errs, fmt.Errorf("connection %d: %w", c.N, err))
					b.mu.Unlock()
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		b.wg.Wait()
		for _, err := range b.Errors() {
			t.Error(err)
		}
	})
	return b
}

// URL is the broker's tcp:// address.
func (b *Broker) URL() string { return "tcp://" + b.ln.Addr().String() }

// Connections is how many connections were accepted so far.
func (b *Broker) Connections() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n
}

// Errors are the script errors so far.
func (b *Broker) Errors() []error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]error(nil), b.errs...)
}

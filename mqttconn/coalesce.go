package mqttconn

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"time"
)

// coalescer is the reader under a connection's buffer. In a flood of QoS 0
// messages the broker sends on its own, a packet or two at a time; reading
// each as it lands costs a read and a wake-up per packet, which on two
// shared cores is more than the rest of the message's way to the screen
// (and makes the broker and the publisher wake as often). So, after a small
// read whose packets were all QoS 0 PUBLISH, the next read waits a moment:
// the kernel gathers what comes meanwhile, and one read takes it all.
//
// Nothing waits on us then: once a read holds anything else (an
// acknowledgement, a QoS 1/2 message the broker's window holds until we
// answer, a PINGRESP), or is large (the data is already there), the next
// read goes at once. A message arriving alone is read at most coalesceWait
// late.
type coalescer struct {
	r     io.Reader
	small bool                // the last read was under coalesceBelow bytes
	other bool                // a packet of the last read was not a QoS 0 PUBLISH
	wait  func(time.Duration) // time.Sleep; tests count the waits
}

// coalesceBelow is the read size under which the next read waits.
const coalesceBelow = 16 << 10

// coalesceWait is the wait: at most this much later on the screen (the
// timer may round it up to a millisecond), and within the kernel's socket
// buffer at any rate under coalesceBelow per wait.
const coalesceWait = 500 * time.Microsecond

func (c *coalescer) Read(p []byte) (int, error) {
	if c.small && !c.other {
		if c.wait != nil {
			c.wait(coalesceWait)
		} else {
			time.Sleep(coalesceWait)
		}
	}
	n, err := c.r.Read(p)
	c.small, c.other = n < coalesceBelow, false
	return n, err
}

// sawPacket notes the first byte of each packet read, so that the next read
// knows whether the broker may be waiting for an answer.
func (c *coalescer) sawPacket(b0 byte) {
	if c == nil {
		return
	}
	if b0>>4 != TypePublish || b0>>1&3 != 0 {
		c.other = true
	}
}

// The wait belongs where a read takes what the kernel gathered: at the
// socket. Over TLS a read hands out one record, and mosquitto writes a
// record a packet, so waiting above TLS would wait for every message: the
// TLS we dial reads its socket through the coalescer (napSocket) and says
// so (coalescedConn). A WebSocket hands out one message a read with no
// socket of ours under it: its reads never wait.

// napSocket is the socket under our TLS, read through nap with a buffer
// of its own: TLS asks for little at a time (what its record needs), and
// each read of the socket must take all there is, or it would be small
// and wait again.
type napSocket struct {
	net.Conn
	r *bufio.Reader // over nap
}

func newNapSocket(conn net.Conn, nap *coalescer) napSocket {
	return napSocket{Conn: conn, r: bufio.NewReaderSize(nap, 64<<10)}
}

func (s napSocket) Read(p []byte) (int, error) { return s.r.Read(p) }

// coalescedConn is a connection (TLS) whose socket is read through nap.
type coalescedConn struct {
	net.Conn
	nap *coalescer
}

// readerFor is what a connection's buffer reads from, and the coalescer to
// tell of each packet (nil: none waits).
func readerFor(conn net.Conn) (io.Reader, *coalescer) {
	switch c := conn.(type) {
	case *coalescedConn:
		return conn, c.nap
	case *tls.Conn, interface{ UnderlyingConn() net.Conn }: // a record, a WebSocket message a read
		return conn, nil
	}
	nap := &coalescer{r: conn}
	return nap, nap
}

package mqttconn

import (
	"bytes"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eclipse/paho.mqtt.golang/packets"
)

// readConn is a net.Conn that reads from r.
type readConn struct {
	net.Conn
	r io.Reader
}

func (c readConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// benchRing is what the packets view's feed does for each packet: a
// non-blocking append under a lock into a bounded buffer, drained by
// someone else (here: when full).
type benchRing struct {
	mu    sync.Mutex
	items []Packet
}

func (r *benchRing) observe(p Packet) {
	r.mu.Lock()
	if len(r.items) >= 8192 {
		r.items = r.items[:0] // as if the screen drained it
	}
	r.items = append(r.items, p)
	r.mu.Unlock()
}

// BenchmarkWireFlood reads a flood of QoS 0 PUBLISH (64-byte payloads)
// through the wire wrapper, with no observer (headers only) and with the
// packets view's tap (fields decoded, pushed into a bounded ring): "paho"
// as paho reads a packet (packets.ReadPacket: how QoS 1/2 and MQTT 5 come
// in), "ours" as the client reads QoS 0 over 3.1.1 (whole, handed to
// onQoS0 as a Message; paho reads nothing). The tap's cost on the read
// path is a small part of a whole client's work per message.
func BenchmarkWireFlood(b *testing.B) {
	const n = 10000
	var stream []byte
	for range n {
		stream = append(stream, pkt(TypePublish<<4, str("bench/flood/sensor"), bytes.Repeat([]byte("x"), 64))...)
	}
	for _, path := range []string{"paho", "ours"} {
		for _, tc := range []struct {
			name    string
			observe func() func(Packet)
		}{
			{"tap=off", func() func(Packet) { return nil }},
			{"tap=view", func() func(Packet) { r := &benchRing{}; return r.observe }},
		} {
			b.Run(path+"/"+tc.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(stream)))
				observe := tc.observe()
				for range b.N {
					w := newWireConn(readConn{r: bytes.NewReader(stream)}, DefaultMaxIncoming, observe)
					w.nap.wait = func(time.Duration) {}
					if path == "paho" {
						for range n {
							if _, err := packets.ReadPacket(w); err != nil {
								b.Fatal(err)
							}
						}
						continue
					}
					got := 0
					w.viaPaho = new(atomic.Int64)
					w.onQoS0 = func(Message) { got++ }
					if _, err := w.Read(make([]byte, 16)); err != io.EOF || got != n {
						b.Fatalf("read %d messages (%v), want %d", got, err, n)
					}
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "msg/s")
			})
		}
	}
}

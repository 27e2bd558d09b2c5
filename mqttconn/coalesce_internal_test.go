package mqttconn

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// chunkReader hands out one chunk per Read, as a socket hands out what
// has arrived.
type chunkReader struct {
	chunks [][]byte
	reads  int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	r.reads++
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	if n == len(r.chunks[0]) {
		r.chunks = r.chunks[1:]
	} else {
		r.chunks[0] = r.chunks[0][n:]
	}
	return n, nil
}

// The wire's reads wait a moment only after a small read of QoS 0 PUBLISH
// packets alone: never after one that held a packet the broker may wait on
// us for (a QoS 1 PUBLISH, an acknowledgement, a PINGRESP), nor after a
// large one; and every packet still reaches paho whole.
func TestReadsCoalesceOnlyInAQoS0Flood(t *testing.T) {
	qos0 := pkt(TypePublish<<4, str("f/t"), []byte("x"))
	qos1 := pkt(TypePublish<<4|2, str("f/t"), []byte{0, 9}, []byte("y"))
	pingresp := []byte{TypePingresp << 4, 0}
	big := bytes.Repeat(qos0, coalesceBelow/len(qos0)+1)
	for _, tc := range []struct {
		name   string
		chunks [][]byte
		waits  []int // the reads (from 1; the last finds the end) that came after a wait
	}{
		{"QoS 0 flood in small reads", [][]byte{qos0, qos0, append(qos0, qos0...)}, []int{2, 3, 4}},
		{"a QoS 1 message in the read", [][]byte{qos0, qos1, qos0}, []int{2, 4}},
		{"a PINGRESP in the read", [][]byte{pingresp, qos0}, []int{3}},
		{"a large read", [][]byte{big, qos0}, []int{3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stream []byte
			for _, c := range tc.chunks {
				stream = append(stream, c...)
			}
			src := &chunkReader{chunks: tc.chunks}
			w := newWireConn(readConn{r: src}, 1<<20, nil)
			var waits []int
			w.nap.wait = func(d time.Duration) {
				if d <= 0 || d > 2*time.Millisecond {
					t.Errorf("waited %v", d)
				}
				waits = append(waits, src.reads+1)
			}
			got, err := io.ReadAll(w)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, stream) {
				t.Fatalf("paho read %d bytes, want the stream's %d", len(got), len(stream))
			}
			if !slices.Equal(waits, tc.waits) {
				t.Errorf("waited before reads %v, want %v", waits, tc.waits)
			}
		})
	}
}

// Over TLS the wait is at the socket, under the records: mosquitto writes
// a record a packet, and a wait above TLS would come before every message.
// 300 QoS 0 messages in 300 records, all sent before the client reads,
// arrive whole after a few waits, not one a message.
func TestTLSWaitsAtTheSocket(t *testing.T) {
	certs := brokertest.MakeCerts(t)
	cert, err := tls.LoadX509KeyPair(certs.ServerCert, certs.ServerKey)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const n = 300
	sent := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			sent <- err
			return
		}
		defer c.Close()
		for i := range n {
			if _, err := c.Write(pkt(TypePublish<<4, str("tls/t"), []byte(fmt.Sprint(i)))); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil // closed: the client reads what was sent, then the end
	}()
	pem, err := os.ReadFile(certs.CA)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	u, _ := url.Parse("ssl://" + ln.Addr().String())
	conn, err := dialTLS(&net.Dialer{Timeout: 10 * time.Second}, u, &tls.Config{RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	w := newWireConn(conn, 1<<20, nil)
	if w.nap == nil {
		t.Fatal("no coalescer under our TLS")
	}
	waits := 0
	w.nap.wait = func(time.Duration) { waits++ }
	got := 0
	w.viaPaho = new(atomic.Int64)
	w.onQoS0 = func(m Message) {
		if string(m.Payload) != fmt.Sprint(got) {
			t.Errorf("message %d is %q", got, m.Payload)
		}
		got++
	}
	if _, err := w.Read(make([]byte, 16)); err == nil {
		t.Fatal("read past the end")
	}
	if got != n {
		t.Fatalf("%d messages, want %d", got, n)
	}
	if waits > 10 {
		t.Errorf("%d waits for %d messages in %d records: the wait is above TLS", waits, n, n)
	}
}

// A WebSocket hands out one message a read, with no socket of ours under
// it: its reads never wait; a plain socket's do.
func TestWhereReadsWait(t *testing.T) {
	if _, nap := readerFor(wsLike{}); nap != nil {
		t.Error("a WebSocket's reads wait")
	}
	if _, nap := readerFor(readConn{}); nap == nil {
		t.Error("a plain connection's reads never wait")
	}
}

// wsLike is a connection with a WebSocket's UnderlyingConn.
type wsLike struct{ net.Conn }

func (wsLike) UnderlyingConn() net.Conn { return nil }

// Under TLS the socket is read whole, whatever little TLS asks for (what
// its record needs): otherwise each read of the socket would be small and
// the next would wait, a few messages a wait.
func TestTLSReadsTheSocketWhole(t *testing.T) {
	chunk := bytes.Repeat([]byte("r"), 3000)
	src := &chunkReader{chunks: [][]byte{chunk, chunk, chunk}}
	nap := &coalescer{r: src}
	waits := 0
	nap.wait = func(time.Duration) { waits++ }
	s := newNapSocket(readConn{}, nap)
	got := 0
	buf := make([]byte, 5) // as TLS asks: a record header
	for {
		n, err := s.Read(buf)
		got += n
		if err != nil {
			break
		}
	}
	if got != 3*len(chunk) {
		t.Fatalf("read %d bytes, want %d", got, 3*len(chunk))
	}
	// Three chunks and the end: four reads of the socket, a wait before
	// each but the first (every chunk was small).
	if src.reads != 4 || waits != 3 {
		t.Errorf("%d reads of the socket and %d waits, want 4 and 3", src.reads, waits)
	}
}

package mqttconn

import (
	"bytes"
	"io"
	"slices"
	"testing"
	"time"
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

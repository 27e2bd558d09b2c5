package packets

import (
	"fmt"
	"testing"

	"mqttchat/mqttconn"
)

// BenchmarkView draws 40 rows of a view holding 100 or 20,000 packets (the
// default cap): the cost follows the rows drawn. BenchmarkFrame is one
// 16 ms frame of a 100,000 msg/s flood arriving: 1,600 packets added, then
// a View.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{100, 20000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			m := newModel(120, 42, floodPackets(n))
			m = keys(m, "home", "down", "down", "down", "down", "down", "down") // an exchange marked
			b.ResetTimer()
			for range b.N {
				_ = m.View()
			}
		})
	}
}

func BenchmarkFrame(b *testing.B) {
	m := newModel(120, 42, floodPackets(20000))
	batch := floodPackets(1600)
	b.ResetTimer()
	for range b.N {
		m.Add(batch, 0)
		_ = m.View()
	}
}

// floodPackets are n packets of a session: QoS 1 publishes and their acks.
func floodPackets(n int) []mqttconn.Packet {
	ps := make([]mqttconn.Packet, n)
	for i := range ps {
		if i%2 == 0 {
			ps[i] = withPreview(mqttconn.Packet{Type: mqttconn.TypePublish, Flags: 2, ID: uint16(i/2%65535 + 1), Out: true, Topic: "bench/flood/sensor", PayloadLen: 64, Time: ms(float64(i))}, "{\"t\":21.5}")
		} else {
			ps[i] = mqttconn.Packet{Type: mqttconn.TypePuback, ID: uint16(i/2%65535 + 1), Time: ms(float64(i))}
		}
	}
	return ps
}

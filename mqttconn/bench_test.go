package mqttconn_test

import (
	"fmt"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// BenchmarkPublish sends b.N messages to mosquitto through the outbox and
// the pump and waits until the broker acknowledged all of them: the cost of
// our write path and of the in-flight window (-M) at loopback latency.
func BenchmarkPublish(b *testing.B) {
	for _, tc := range []struct {
		qos    byte
		window int
	}{{0, 20}, {1, 20}, {1, 200}, {2, 20}, {2, 200}} {
		b.Run(fmt.Sprintf("qos%d/M%d", tc.qos, tc.window), func(b *testing.B) {
			m := brokertest.StartMosquitto(b, "max_inflight_messages 1000")
			c, err := mqttconn.New(mqttconn.Config{Server: m.URL(), MaxInFlight: tc.window, OutboxLimit: 1 << 20})
			if err != nil {
				b.Fatal(err)
			}
			c.Start()
			defer c.Close()
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				if _, err := c.Publish(mqttconn.Message{Topic: "warm", QoS: 0}); err == nil {
					break
				} else if time.Now().After(deadline) {
					b.Fatal(err)
				}
			}
			payload := make([]byte, 64)
			b.ResetTimer()
			for range b.N {
				if _, err := c.Publish(mqttconn.Message{Topic: "bench/x", QoS: tc.qos, Payload: payload}); err != nil {
					b.Fatal(err)
				}
				if c.Queue().Len() > 10000 { // as the screen does, now and then
					c.Queue().Drain()
				}
			}
			for c.Pending() > 0 {
				time.Sleep(time.Millisecond)
			}
			c.Queue().Drain()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}

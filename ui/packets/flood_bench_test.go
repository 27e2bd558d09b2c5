package packets

import (
	"fmt"
	"net"
	"sort"
	"syscall"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// cpuTime is this process's user and system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawPublisher floods a broker with pre-encoded QoS 0 PUBLISH packets, so
// that publishing costs this process next to nothing.
func rawPublisher(b *testing.B, addr string, n int) func() {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	connect := []byte{0x10, 18, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 6, 'f', 'l', 'o', 'o', 'd', 'r'}
	if _, err := conn.Write(connect); err != nil {
		b.Fatal(err)
	}
	ack := make([]byte, 4)
	if _, err := conn.Read(ack); err != nil || ack[3] != 0 {
		b.Fatalf("publisher refused: %v %v", ack, err)
	}
	topic := "bench/flood"
	payload := make([]byte, 64)
	one := append([]byte{0x30, byte(2 + len(topic) + len(payload)), 0, byte(len(topic))}, topic...)
	one = append(one, payload...)
	var all []byte
	for range n {
		all = append(all, one...)
	}
	return func() {
		if _, err := conn.Write(all); err != nil {
			b.Error(err)
		}
		conn.Close()
	}
}

// floodRound receives n messages through mqttconn from mosquitto, with or
// without the packets view's tap (a Feed drained once per frame into a
// Model, as the screen does with the view closed), and returns this
// process's CPU time for it.
func floodRound(b *testing.B, url, addr string, n int, tap bool) time.Duration {
	cfg := mqttconn.Config{Server: url, Subscriptions: []mqttconn.Subscription{{Filter: "bench/#"}}}
	var feed *Feed
	if tap {
		feed = NewFeed(8192)
		cfg.OnPacket = feed.Observe
	}
	c, err := mqttconn.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	c.Start()
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		evs, _ := c.Queue().Drain()
		done := false
		for _, e := range evs {
			done = done || e.Kind == mqttconn.KindSubscribed
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("not subscribed")
		}
	}
	stop := make(chan struct{})
	viewDone := make(chan struct{})
	go func() { // the screen's drain, with the view closed
		defer close(viewDone)
		if feed == nil {
			return
		}
		m := New(Settings{}, DefaultStyles())
		for {
			select {
			case <-feed.Ready():
				time.Sleep(16 * time.Millisecond)
				ps, dropped := feed.Drain()
				m.Add(ps, dropped)
			case <-stop:
				return
			}
		}
	}()
	publish := rawPublisher(b, addr, n)
	start := cpuTime(b)
	go publish()
	got := 0
	for deadline := time.Now().Add(60 * time.Second); got < n; {
		select {
		case <-c.Queue().Ready():
			time.Sleep(16 * time.Millisecond) // a frame, as the screen gathers
			evs, _ := c.Queue().Drain()
			for _, e := range evs {
				if e.Kind == mqttconn.KindMessage {
					got++
				}
			}
		case <-time.After(time.Until(deadline)):
			b.Fatalf("%d of %d messages", got, n)
		}
	}
	used := cpuTime(b) - start
	close(stop)
	<-viewDone
	return used
}

// BenchmarkTapFlood: the CPU this process spends receiving a flood of
// 100,000 QoS 0 messages of 64 bytes, without and with the packets tap
// (view closed), in alternating rounds; reports the median of each and
// their ratio.
func BenchmarkTapFlood(b *testing.B) {
	const n, rounds = 100000, 5
	m := brokertest.StartMosquitto(b)
	for range b.N {
		var off, on []time.Duration
		for range rounds {
			off = append(off, floodRound(b, m.URL(), m.Addr(), n, false))
			on = append(on, floodRound(b, m.URL(), m.Addr(), n, true))
		}
		med := func(d []time.Duration) time.Duration {
			sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
			return d[len(d)/2]
		}
		b.ReportMetric(float64(med(off).Microseconds())/1000, "ms-cpu-off")
		b.ReportMetric(float64(med(on).Microseconds())/1000, "ms-cpu-tap")
		b.ReportMetric(float64(med(on))/float64(med(off)), "ratio")
		fmt.Printf("off %v\non  %v\n", off, on)
	}
}

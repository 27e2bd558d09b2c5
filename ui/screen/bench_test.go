package screen

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"mqttchat/mqttconn"
)

// benchView measures View at 200×60 with n messages held.
func benchView(b *testing.B, n int) {
	m := New(newFakeConn(), Options{Broker: "127.0.0.1:1883", ClientID: "bench", Subscriptions: []mqttconn.Subscription{{Filter: "#"}}})
	m = step(m, tea.WindowSizeMsg{Width: 200, Height: 60})
	evs := make([]mqttconn.Event, 0, n)
	for i := range n {
		// Mixed heights: JSON on one line, text over two and six lines (cut to four).
		payload := fmt.Sprintf(`{"seq":%d,"t":21.5,"pad":"0123456789abcdef0123456789abcdef"}`, i)
		switch i % 3 {
		case 1:
			payload = fmt.Sprintf("message %d\nsecond line", i)
		case 2:
			payload = fmt.Sprintf("message %d\n2\n3\n4\n5\n6", i)
		}
		evs = append(evs, msgEvent(fmt.Sprintf("sensors/%d/temp", i%100), payload, time.Duration(i)*time.Millisecond))
	}
	m = step(m, eventsMsg{events: evs, received: uint64(n)})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkView100(b *testing.B)   { benchView(b, 100) }
func BenchmarkView50000(b *testing.B) { benchView(b, 50000) }

// BenchmarkViewAfterBatch is the cost of a frame in a flood: a batch of new
// messages arrives, then the screen is drawn (new rows are rendered once).
func BenchmarkViewAfterBatch(b *testing.B) {
	m := New(newFakeConn(), Options{})
	m = step(m, tea.WindowSizeMsg{Width: 200, Height: 60})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		evs := make([]mqttconn.Event, 1600) // one 16 ms frame at 100,000 messages/s
		for j := range evs {
			evs[j] = msgEvent("flood/topic", fmt.Sprint("payload ", i), 0)
			i++
		}
		m = step(m, eventsMsg{events: evs})
		_ = m.View()
	}
}

// BenchmarkFilter50000 is the cost of one keystroke in the live filter with
// 50,000 messages held: the whole window is matched again.
func BenchmarkFilter50000(b *testing.B) {
	l := newMessageList(50000, 1<<30, 0, testStyles())
	l.setSize(200, 60)
	for i := range 50000 {
		l.push(newMessageEntry(entryIn, mqttconn.Message{Topic: fmt.Sprintf("sensors/%d/temp", i%100),
			Payload: []byte(fmt.Sprintf(`{"seq":%d,"t":21.5,"pad":"0123456789abcdef0123456789abcdef"}`, i))}, analysis{}))
	}
	f, err := parseFilter("sensors/+/temp 21.5")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		l.setFilter(f)
	}
}

// BenchmarkTenMegabytePayload is a 10 MB message arriving in a flood of small
// ones: detection (as the drain does it) plus a frame.
func BenchmarkTenMegabytePayload(b *testing.B) {
	big := make([]byte, 10<<20)
	for i := range big {
		big[i] = 'a' + byte(i%26)
	}
	m := New(newFakeConn(), Options{})
	m = step(m, tea.WindowSizeMsg{Width: 200, Height: 60})
	for b.Loop() {
		ev := msgEvent("big", "", 0)
		ev.Message.Payload = big
		msg := eventsMsg{events: []mqttconn.Event{ev, msgEvent("small", "x", 0)}, analyses: []analysis{analyze(big), analyze([]byte("x"))}}
		m = step(m, msg)
		_ = m.View()
	}
}

// BenchmarkStagesPerMessage splits a flood's per-message cost on the UI
// side by stage, for 64-byte text messages in batches of 1,600 (one frame
// at 100,000 msg/s): detection (the drain, off the UI goroutine), Update,
// and View once per batch. Read ns/op and allocs/op per message.
func BenchmarkStagesPerMessage(b *testing.B) {
	const batch = 1600
	payload := []byte("abcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefgh")
	// flood is a model at 120×36 subscribed to flood/#, and one batch of
	// messages with their analyses, ready for Update.
	flood := func() (Model, eventsMsg) {
		m := New(newFakeConn(), Options{Subscriptions: []mqttconn.Subscription{{Filter: "flood/#"}}})
		m = step(m, tea.WindowSizeMsg{Width: 120, Height: 36})
		msg := eventsMsg{events: make([]mqttconn.Event, batch), analyses: make([]analysis, batch)}
		for j := range msg.events {
			msg.events[j] = mqttconn.Event{Kind: mqttconn.KindMessage, Time: time.Now(), Message: mqttconn.Message{Topic: "flood/x", Payload: payload, Time: time.Now()}}
			msg.analyses[j] = analyze(payload)
		}
		return m, msg
	}
	perMessage := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/message")
	}
	b.Run("detection", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for range batch {
				_ = analyze(payload)
			}
		}
		perMessage(b)
	})
	b.Run("update", func(b *testing.B) {
		m, msg := flood()
		b.ReportAllocs()
		for b.Loop() {
			m = step(m, msg)
		}
		perMessage(b)
	})
	// "view" draws without colours (the tests' profile), "view-256" for a
	// 256-colour terminal such as tmux, where colours are converted.
	for _, prof := range []struct {
		name    string
		profile termenv.Profile
	}{{"view", termenv.Ascii}, {"view-256", termenv.ANSI256}} {
		b.Run(prof.name, func(b *testing.B) {
			lipgloss.SetColorProfile(prof.profile)
			defer lipgloss.SetColorProfile(termenv.Ascii)
			m, msg := flood()
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				m = step(m, msg)
				b.StartTimer()
				_ = m.View()
			}
			perMessage(b)
		})
	}
}

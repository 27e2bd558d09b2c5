package packets

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
)

// names is "PUBLISH→ PUBREC←…" for packets.
func names(ps []mqttconn.Packet) string {
	var parts []string
	for _, p := range ps {
		d := "←"
		if p.Out {
			d = "→"
		}
		parts = append(parts, fmt.Sprintf("%s%s%d", p.TypeName(), d, p.ID))
	}
	return strings.Join(parts, " ")
}

// TestExchange selects each packet of the session and checks the others
// its exchange marks, and the round trip.
func TestExchange(t *testing.T) {
	qos2out := "PUBLISH→2 PUBREC←2 PUBREL→2 PUBCOMP←2"
	qos2in := "PUBLISH←1 PUBREC→1 PUBREL←1 PUBCOMP→1"
	want := []struct {
		exchange string
		rtt      time.Duration
	}{
		{"CONNECT→0 CONNACK←0", 3 * time.Millisecond},
		{"CONNECT→0 CONNACK←0", 3 * time.Millisecond},
		{"SUBSCRIBE→1 SUBACK←1", 1500 * time.Microsecond},
		{"SUBSCRIBE→1 SUBACK←1", 1500 * time.Microsecond},
		{qos2out, 5 * time.Millisecond},
		{qos2in, 4500 * time.Microsecond},
		{qos2out, 5 * time.Millisecond},
		{qos2in, 4500 * time.Microsecond},
		{qos2out, 5 * time.Millisecond},
		{qos2in, 4500 * time.Microsecond},
		{qos2out, 5 * time.Millisecond},
		{qos2in, 4500 * time.Microsecond},
		{"PUBLISH→3 PUBACK←3", 2 * time.Millisecond},
		{"PUBLISH→3 PUBACK←3", 2 * time.Millisecond},
		{"PINGREQ→0 PINGRESP←0", 1250 * time.Microsecond},
		{"PINGREQ→0 PINGRESP←0", 1250 * time.Microsecond},
		{"", 0}, // QoS 0: no exchange
	}
	m := keys(newModel(80, 10, session()), "home")
	for i, w := range want {
		ps, rtt := m.Exchange()
		if got := names(ps); got != w.exchange || rtt != w.rtt {
			t.Errorf("packet %d: %q in %v, want %q in %v", i, got, rtt, w.exchange, w.rtt)
		}
		m = keys(m, "down")
	}
}

// A packet id used again opens a new exchange; a re-sent PUBLISH (DUP)
// belongs to the one it repeats; an exchange still open says so.
func TestExchangeIDReused(t *testing.T) {
	p := func(typ byte, out bool, id uint16, flags byte, n float64) mqttconn.Packet {
		return mqttconn.Packet{Type: typ, Out: out, ID: id, Flags: flags, Time: ms(n)}
	}
	ps := []mqttconn.Packet{
		p(mqttconn.TypePublish, true, 5, 2, 0), p(mqttconn.TypePuback, false, 5, 0, 1),
		p(mqttconn.TypePublish, true, 5, 2, 2), p(mqttconn.TypePublish, true, 5, 2|8, 1000), p(mqttconn.TypePuback, false, 5, 0, 1002),
		p(mqttconn.TypePublish, true, 5, 4, 2000),
	}
	m := newModel(80, 10, ps)
	for i, want := range []string{"PUBLISH→5 PUBACK←5", "PUBLISH→5 PUBACK←5", "PUBLISH→5 PUBLISH→5 PUBACK←5", "PUBLISH→5 PUBLISH→5 PUBACK←5", "PUBLISH→5 PUBLISH→5 PUBACK←5", "PUBLISH→5"} {
		m = keys(m, "home")
		for range i {
			m = keys(m, "down")
		}
		if got, _ := m.Exchange(); names(got) != want {
			t.Errorf("packet %d: %q, want %q", i, names(got), want)
		}
	}
	if !strings.Contains(plain(m), "· open") {
		t.Errorf("an open exchange not said:\n%s", plain(m))
	}
	// The answer arrives: the exchange grows while selected.
	m.Add([]mqttconn.Packet{p(mqttconn.TypePubrec, false, 5, 0, 2001)}, 0)
	m = keys(m, "up", "down") // the selection follows the newest: back to the PUBLISH
	m = keys(m, "up")
	if got, _ := m.Exchange(); names(got) != "PUBLISH→5 PUBREC←5" {
		t.Errorf("after PUBREC: %q", names(got))
	}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		filter, want, title string
	}{
		{"", "17 rows", "packets: 17"},
		{"pubrec", "PUBREC←2 PUBREC→1", "filter PUBREC"},
		{"PUB", "", "filter PUBLISH PUBACK PUBREC PUBREL PUBCOMP"},
		{"publish 2", "PUBLISH→2", "filter PUBLISH id 2"},
		{"2", "PUBLISH→2 PUBREC←2 PUBREL→2 PUBCOMP←2", "id 2"},
		{"ping", "PINGREQ→0 PINGRESP←0", "PINGREQ PINGRESP"},
		{"sub,suback", "SUBACK←1", "filter SUBACK"},
		{"bogus 3", "PUBLISH→3 PUBACK←3", `(no packet type "BOGUS")`},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			m := keys(typeText(keys(newModel(120, 30, session()), "/"), tc.filter), "enter")
			var got []mqttconn.Packet
			for _, s := range m.shown {
				r, _ := m.at(s)
				got = append(got, r.p)
			}
			g := names(got)
			if tc.filter == "" {
				g = fmt.Sprintf("%d rows", len(got))
			}
			if tc.want != "" && g != tc.want {
				t.Errorf("shown %q, want %q", g, tc.want)
			}
			if !strings.Contains(plain(m), tc.title) {
				t.Errorf("title lacks %q:\n%s", tc.title, plain(m))
			}
		})
	}
	// Esc drops the filter, and then does nothing here.
	m := keys(typeText(keys(newModel(80, 10, session()), "/"), "ping"), "enter")
	if !m.HandlesEsc() {
		t.Error("esc not handled with a filter")
	}
	if m = keys(m, "esc"); len(m.shown) != 17 || m.HandlesEsc() {
		t.Errorf("after esc: %d shown, handles esc %v", len(m.shown), m.HandlesEsc())
	}
}

// The window is capped by count and by bytes; what goes is counted, and
// so are the packets the feed dropped.
func TestCaps(t *testing.T) {
	many := func(n int, topic string) []mqttconn.Packet {
		ps := make([]mqttconn.Packet, n)
		for i := range ps {
			ps[i] = mqttconn.Packet{Type: mqttconn.TypePublish, Topic: topic, ID: uint16(i), Time: ms(float64(i))}
		}
		return ps
	}
	m := New(Settings{MaxRows: 100}, DefaultStyles())
	m.SetSize(80, 10)
	for range 5 {
		m.Add(many(60, "a"), 7)
	}
	if m.Len() != 100 || m.letGo != 200 || !strings.Contains(plain(m), "200 older let go") || !strings.Contains(plain(m), "7 not shown") {
		t.Errorf("len %d let go %d:\n%s", m.Len(), m.letGo, plain(m))
	}
	if p, _ := m.Selected(); p.ID != 59 {
		t.Errorf("selected %d, want the newest", p.ID)
	}
	m = keys(m, "home")
	m.Add(many(60, "a"), 7)
	if p, _ := m.Selected(); p.ID != 20 || m.sel != 0 {
		t.Errorf("selected %d at %d: with the selected row let go, the oldest held should be selected", p.ID, m.sel)
	}
	b := New(Settings{MaxBytes: 10000}, DefaultStyles())
	b.Add(many(100, strings.Repeat("t", 500)), 0)
	if b.bytes > 10000 || b.Len() == 0 || b.Len() > 20 {
		t.Errorf("%d bytes in %d rows", b.bytes, b.Len())
	}
}

// Sanitized: a topic or preview cannot reach the terminal raw.
func TestNoControlBytes(t *testing.T) {
	p := withPreview(mqttconn.Packet{Type: mqttconn.TypePublish, Topic: "a\x1b]0;x\x07", PayloadLen: 40}, "\x1b[2J\r")
	m := newModel(120, 5, []mqttconn.Packet{p})
	v := m.View()
	if strings.ContainsAny(v, "\x07\r") || strings.Contains(ansi.Strip(v), "\x1b") {
		t.Errorf("control bytes in %q", v)
	}
}

// Observe never blocks: past its limit the feed counts what it drops.
func TestFeed(t *testing.T) {
	f := NewFeed(10)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				f.Observe(mqttconn.Packet{ID: uint16(i)})
			}
		}()
	}
	wg.Wait()
	<-f.Ready()
	ps, dropped := f.Drain()
	if len(ps) != 10 || dropped != 390 {
		t.Errorf("%d held, %d dropped", len(ps), dropped)
	}
	f.Observe(mqttconn.Packet{})
	if ps, dropped := f.Drain(); len(ps) != 1 || dropped != 390 {
		t.Errorf("%d held, %d dropped", len(ps), dropped)
	}
}

func TestKeysFollowState(t *testing.T) {
	m := newModel(80, 10, session())
	if k := m.Keys(); k.ClearFilter.Enabled() || !k.Filter.Enabled() || k.ApplyFilter.Enabled() {
		t.Error("keys without a filter")
	}
	m = keys(m, "/")
	if k := m.Keys(); !m.Typing() || k.Up.Enabled() || !k.ApplyFilter.Enabled() {
		t.Error("keys while typing")
	}
	m = keys(typeText(m, "ping"), "enter")
	if k := m.Keys(); m.Typing() || !k.ClearFilter.Enabled() {
		t.Error("keys with a filter")
	}
}

// The ring holds what a plain slice capped the same way would, through
// growth, wrap-around, count and byte caps, whatever the batch sizes.
func TestRingAgainstSlice(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		set := Settings{MaxRows: 1 + rnd.IntN(300), MaxBytes: 2000 + rnd.IntN(60000)}
		m := New(set, DefaultStyles())
		m.SetSize(80, 12)
		var model []mqttconn.Packet
		bytes := 0
		id := 0
		for range 50 {
			batch := make([]mqttconn.Packet, rnd.IntN(120))
			for i := range batch {
				id++
				batch[i] = mqttconn.Packet{Type: mqttconn.TypePuback, ID: uint16(id), Topic: strings.Repeat("t", rnd.IntN(400))}
			}
			m.Add(batch, 0)
			for _, p := range batch {
				model = append(model, p)
				bytes += rowSize(p)
			}
			for len(model) > set.MaxRows || (bytes > set.MaxBytes && len(model) > 1) {
				bytes -= rowSize(model[0])
				model = model[1:]
			}
			if m.Len() != len(model) || m.bytes != bytes || int(m.next-m.first) != len(model) || len(m.shown) != len(model) {
				t.Fatalf("round %d: %d rows (%d bytes), want %d (%d)", round, m.Len(), m.bytes, len(model), bytes)
			}
			if len(model) > 0 && (m.sel < 0 || m.sel >= len(m.shown) || m.top < 0 || m.top > m.sel) {
				t.Fatalf("round %d: selection %d, top %d of %d", round, m.sel, m.top, len(m.shown))
			}
			if rnd.IntN(4) == 0 {
				m = keys(m, []string{"up", "home", "end", "pgup"}[rnd.IntN(4)])
			}
			for i, p := range model {
				if r, ok := m.at(m.first + uint64(i)); !ok || r.p.ID != p.ID {
					t.Fatalf("round %d: row %d is %d, want %d", round, i, r.p.ID, p.ID)
				}
			}
		}
	}
}

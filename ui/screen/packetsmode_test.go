package screen

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
	"mqttchat/ui/packets"
)

// TestPacketsViewInTheScreen: packets observed on the wire reach the view
// through the feed; F7 shows them, the filter (/) narrows them, Tab gives
// the composer the keys, F6 goes to the topics view and F7 from there back,
// Esc and /packets leave.
func TestPacketsViewInTheScreen(t *testing.T) {
	c := newFakeConn()
	feed := packets.NewFeed(100)
	m := New(c, Options{Broker: "127.0.0.1:1883", Topic: "chat/room", Packets: feed})
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if m.Init() == nil {
		t.Fatal("no init command")
	}
	pub := mqttconn.Packet{Type: mqttconn.TypePublish, Flags: 4, ID: 7, Out: true, Topic: "chat/room", PayloadLen: 2, Time: t0}
	for _, p := range []mqttconn.Packet{
		{Type: mqttconn.TypeConnack, Code: mqttconn.CodeNotAuthorised, Time: t0},
		pub,
		{Type: mqttconn.TypePubrec, ID: 7, Time: t0.Add(2e6)},
		{Type: mqttconn.TypePubrel, Flags: 2, ID: 7, Out: true, Time: t0.Add(3e6)},
		{Type: mqttconn.TypePubcomp, ID: 7, Time: t0.Add(4e6)},
	} {
		feed.Observe(p)
	}
	m, cmd := stepCmd(m, waitForEvents(c, nil, feed, spares{})()) // packets alone wake the drain
	if cmd == nil {
		t.Fatal("the drain is not re-armed")
	}
	m = step(m, keyMsg(tea.KeyF7))
	if m.mode != modePackets || m.focus != focusList {
		t.Fatalf("F7: mode %v focus %v", m.mode, m.focus)
	}
	s := plain(m)
	for _, want := range []string{"packets: 5", "← CONNACK", "not authorised", "→ PUBLISH", "id 7 · QoS 2 · chat/room", "← PUBCOMP",
		"exchange: PUBLISH→ PUBREC← PUBREL→ PUBCOMP← · id 7 · round trip 4.00 ms"} {
		if !strings.Contains(s, want) {
			t.Fatalf("the view lacks %q:\n%s", want, s)
		}
	}
	if h := ansiStripHelp(m); !strings.Contains(h, "f7 packets view / chat") || !strings.Contains(h, "filter") {
		t.Fatalf("help line: %s", h)
	}
	// The filter by type.
	m = step(m, runes("/"))
	for _, r := range "pubrel" {
		m = step(m, runes(string(r)))
	}
	m = step(m, keyMsg(tea.KeyEnter))
	if s := plain(m); !strings.Contains(s, "packets: 1 of 5 · filter PUBREL") || strings.Contains(s, "← PUBCOMP") {
		t.Fatalf("filtered:\n%s", s)
	}
	m = step(m, keyMsg(tea.KeyEsc)) // drops the filter, stays
	if m.mode != modePackets || !strings.Contains(plain(m), "packets: 5") {
		t.Fatalf("esc with a filter: mode %v", m.mode)
	}
	// Tab: the composer has the keys, a letter is typed, not a key of the view.
	m = step(m, keyMsg(tea.KeyTab))
	m = step(m, runes("/"))
	if m.focus != focusText || m.packets.Typing() || m.composer.text.Value() != "/" {
		t.Fatalf("tab: focus %v, text %q", m.focus, m.composer.text.Value())
	}
	m = step(m, keyMsg(tea.KeyTab))
	// F6 to the topics view, F7 back.
	m = step(m, keyMsg(tea.KeyF6))
	if m.mode != modeTopics {
		t.Fatalf("F6 from packets: mode %v", m.mode)
	}
	m = step(m, keyMsg(tea.KeyF7))
	if m.mode != modePackets {
		t.Fatalf("F7 from topics: mode %v", m.mode)
	}
	m = step(m, keyMsg(tea.KeyEsc))
	if m.mode != modeNormal {
		t.Fatalf("esc: mode %v", m.mode)
	}
	// /packets with a filter opens it filtered.
	if _, err := m.runCommand("/packets pubcomp 7"); err != nil {
		t.Fatal(err)
	}
	if m.mode != modePackets || !strings.Contains(plain(m), "filter PUBCOMP id 7") {
		t.Fatalf("/packets: mode %v\n%s", m.mode, plain(m))
	}
}

// Without a feed the view is empty and says so; no drain runs.
func TestPacketsViewWithoutFeed(t *testing.T) {
	m, _ := newTestModel(80, 20)
	m = step(m, keyMsg(tea.KeyF7))
	if !strings.Contains(plain(m), "no packet yet") {
		t.Errorf("empty view:\n%s", plain(m))
	}
}

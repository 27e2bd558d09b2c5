package screen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// typeLine types a line into the text field and presses Enter.
func typeLine(m Model, line string) (Model, tea.Cmd) {
	m = typeText(m, line)
	return stepCmd(m, keyMsg(tea.KeyEnter))
}

func TestSubAndUnsubCommands(t *testing.T) {
	m, c := newTestModel(140, 24)
	m, cmd := typeLine(m, "/sub sensors/+/temp 1")
	if cmd == nil {
		t.Fatal("/sub returned no command")
	}
	m = step(m, cmd())
	if len(c.subs) != 1 || c.subs[0] != "+sensors/+/temp/1" || m.composer.text.Value() != "" {
		t.Fatalf("subs %v, text %q", c.subs, m.composer.text.Value())
	}
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "sensors/+/temp", QoS: 1, Granted: 1, Time: t0}))
	s := plain(m)
	if !strings.Contains(s, "subscribed to sensors/+/temp (asked QoS 1, granted 1)") || !strings.Contains(s, "● sensors/+/temp q1 · 0") ||
		!strings.Contains(s, "subscribed: # (q0 …), chat/room (q1 …), sensors/+/temp (q1)") {
		t.Fatalf("after /sub:\n%s", s)
	}
	m, cmd = typeLine(m, "/unsub sensors/+/temp")
	cmd()
	m = step(m, batch(mqttconn.Event{Kind: mqttconn.KindUnsubscribed, Filter: "sensors/+/temp", Time: t0}))
	if s := plain(m); strings.Contains(s, "● sensors/+/temp") || !strings.Contains(s, "unsubscribed from sensors/+/temp") {
		t.Fatalf("after /unsub:\n%s", s)
	}
}

func TestCommandErrorsKeepTheLine(t *testing.T) {
	cases := map[string]string{
		"/sub":            "/sub FILTER [qos] [nl] [rap] [rh=0|1|2]: give a topic filter",
		"/sub a/#/b":      `/sub: "a/#/b": '#' must be the last level`,
		"/sub a 3":        `/sub: "3" is not a QoS`,
		"/unsub nothing":  `/unsub: not subscribed to "nothing"`,
		"/qos 7":          `/qos: "7" is not a QoS`,
		"/retain maybe":   "/retain: say on or off",
		"/topic a/+":      "/topic: topic name must not contain + or #",
		"/file":           "/file PATH: give a file to publish",
		"/clear-retained": "/clear-retained: topic is empty",
		"/frobnicate":     "unknown command /frobnicate",
		"/filter a/#/b x": "/filter: '#' must be the last level",
	}
	for line, want := range cases {
		m, c := newTestModel(120, 24)
		m, cmd := typeLine(m, line)
		if cmd != nil {
			cmd()
		}
		if !strings.Contains(plain(m), "✗ "+want) {
			t.Errorf("%s: no error %q:\n%s", line, want, plain(m))
		}
		if m.composer.text.Value() != line || len(c.published) != 0 {
			t.Errorf("%s: line not kept (%q) or something sent", line, m.composer.text.Value())
		}
	}
}

func TestCommandsThatSetTheComposer(t *testing.T) {
	m, c := newTestModel(120, 24)
	m, _ = typeLine(m, "/topic a/b")
	m, _ = typeLine(m, "/qos 2")
	m, _ = typeLine(m, "/retain on")
	if m.composer.topic.Value() != "a/b" || m.composer.qos != 2 || !m.composer.retain {
		t.Fatalf("composer: %q %d %v", m.composer.topic.Value(), m.composer.qos, m.composer.retain)
	}
	// "//" sends a literal line that starts with "/".
	m, cmd := typeLine(m, "//not a command")
	m = step(m, cmd())
	if len(c.published) != 1 || string(c.published[0].Payload) != "/not a command" {
		t.Fatalf("// sent %+v", c.published)
	}
	m, _ = typeLine(m, "/help")
	if s := plain(m); !strings.Contains(s, "/quit  — quit") {
		t.Fatalf("/help:\n%s", s)
	}
	m, _ = typeLine(m, "/clear")
	if m.list.Len() != 0 {
		t.Fatalf("/clear left %d rows", m.list.Len())
	}
	if _, cmd := typeLine(m, "/quit"); cmd == nil {
		t.Fatal("/quit did not quit")
	}
}

func TestHintAndTabCompletion(t *testing.T) {
	m, _ := newTestModel(120, 24)
	m = typeText(m, "/")
	if s := plain(m); !strings.Contains(s, "/sub  /unsub  /topic") {
		t.Fatalf("hint for /:\n%s", s)
	}
	m = typeText(m, "su")
	m = step(m, keyMsg(tea.KeyTab))
	if v := m.composer.text.Value(); v != "/sub " || m.focus != focusText {
		t.Fatalf("tab completion: %q, focus %v", v, m.focus)
	}
	if s := plain(m); !strings.Contains(s, "/sub FILTER [qos] [nl] [rap] [rh=0|1|2] — subscribe now; MQTT 5 options: nl not our own messages") {
		t.Fatalf("hint for /sub:\n%s", s)
	}
	m.composer.text.SetValue("/cl")
	m = step(m, keyMsg(tea.KeyTab))
	if v := m.composer.text.Value(); v != "/clear" {
		t.Fatalf("common prefix: %q", v)
	}
	// Not on a / line, Tab moves focus.
	m.composer.text.SetValue("hello")
	m = step(m, keyMsg(tea.KeyTab))
	if m.focus != focusTopic {
		t.Fatal("tab on a text line did not move focus")
	}
}

func TestFileAndClearRetainedAskFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blob.bin")
	os.WriteFile(path, []byte{1, 2, 3, 0xff}, 0o600)
	m, c := newTestModel(140, 24)
	m, cmd := typeLine(m, "/file "+path)
	m = step(m, cmd())
	if !strings.Contains(plain(m), "Publish the file "+path+"?") || !strings.Contains(plain(m), "4 bytes · Topic chat/room · QoS 0 · retain off") {
		t.Fatalf("/file prompt:\n%s", plain(m))
	}
	m, cmd = stepCmd(arm(m), runes("y"))
	cmd()
	if len(c.published) != 1 || string(c.published[0].Payload) != "\x01\x02\x03\xff" {
		t.Fatalf("/file sent %+v", c.published)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	os.WriteFile(big, make([]byte, 3000), 0o600)
	m, cmd = typeLine(m, "/file "+big)
	m = step(m, cmd())
	if !strings.Contains(plain(m), "2.9 KiB (3000 bytes) · Topic chat/room") {
		t.Fatalf("/file prompt for a larger file:\n%s", plain(m))
	}
	m = step(arm(m), runes("n"))
	m.composer.text.Reset()
	m, cmd = typeLine(m, "/file /no/such/file")
	m = step(m, cmd())
	if !strings.Contains(plain(m), "✗ /file: open /no/such/file: no such file or directory") {
		t.Fatalf("missing file:\n%s", plain(m))
	}
	m.composer.text.Reset()
	m, _ = typeLine(m, "/clear-retained sensors/old")
	if !strings.Contains(plain(m), "Clear the retained message of sensors/old?") {
		t.Fatalf("/clear-retained question:\n%s", plain(m))
	}
	m, cmd = stepCmd(arm(m), runes("y"))
	cmd()
	if p := c.published[1]; p.Topic != "sensors/old" || !p.Retained || len(p.Payload) != 0 {
		t.Fatalf("/clear-retained sent %+v", p)
	}
}

func TestRoomsCountOverlappingFilters(t *testing.T) {
	m := New(newFakeConn(), Options{Subscriptions: []mqttconn.Subscription{{Filter: "#"}, {Filter: "sensors/#"}, {Filter: "sensors/+/temp"}, {Filter: "other"}}})
	m = step(m, tea.WindowSizeMsg{Width: 140, Height: 24})
	m = step(m, keyMsg(tea.KeyF4)) // paused: what arrives is not on screen, so unread
	m = step(m, batch(
		msgEvent("sensors/kitchen/temp", "21", 0),
		msgEvent("sensors/kitchen/hum", "40", 0),
		msgEvent("chat", "hi", 0),
		msgEvent("$SYS/uptime", "5", 0), // # does not match $ topics
	))
	want := map[string]uint64{"#": 3, "sensors/#": 2, "sensors/+/temp": 1, "other": 0}
	for _, r := range m.rooms.rooms {
		if r.received != want[r.filter] || r.unread != want[r.filter] {
			t.Errorf("room %s: %d received, %d unread; want %d", r.filter, r.received, r.unread, want[r.filter])
		}
	}
	// Selecting a room shows only its messages and marks it read; "all" shows everything.
	m = step(m, keyMsg(tea.KeyF4))
	m.setFocus(focusRooms)
	m = step(m, keyMsg(tea.KeyDown))
	m = step(m, keyMsg(tea.KeyDown))
	if r := m.rooms.current(); r == nil || r.filter != "sensors/#" || r.unread != 0 || m.list.visibleLen() != 2 {
		t.Fatalf("selected %v, %d visible", r, m.list.visibleLen())
	}
	// New messages while a room is open count as read there only.
	m = step(m, batch(msgEvent("sensors/x", "1", time.Second)))
	if r := m.rooms.find("sensors/#"); r.unread != 0 || m.rooms.find("#").unread != 1 {
		t.Fatal("unread counts wrong while a room is open")
	}
	// Seen in "all" counts as read too: following the newest, nothing is unread.
	m = step(m, keyMsg(tea.KeyHome))
	m = step(m, batch(msgEvent("sensors/y", "2", time.Second)))
	if n := m.rooms.find("sensors/#").unread + m.rooms.find("#").unread; n != 0 {
		t.Fatalf("%d unread although shown in all", n)
	}
	m = step(m, keyMsg(tea.KeyHome))
	if m.list.visibleLen() != m.list.Len() {
		t.Fatal("all does not show everything")
	}
	// Each subscription has its colour on its messages' topics.
	if e := m.list.at(0); e.colour != m.rooms.find("#").colour {
		t.Fatalf("colour %d", e.colour)
	}
	// Rates and ages follow the clock.
	m = step(m, tickMsg{at: t0.Add(10 * time.Second)})
	if s := plain(m); !strings.Contains(s, "/s · 10s ago") {
		t.Fatalf("no rate or age:\n%s", s)
	}
}

func TestRoomsPaneGolden(t *testing.T) {
	for _, w := range []int{100, 140} {
		m := New(newFakeConn(), Options{Subscriptions: []mqttconn.Subscription{{Filter: "sensors/#", QoS: 1}, {Filter: "chat/+"}, {Filter: "$SYS/#"}}})
		m = step(m, tea.WindowSizeMsg{Width: w, Height: 18})
		m = step(m, batch(
			mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "sensors/#", QoS: 1, Granted: 0, Time: t0},
			mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "chat/+", Granted: 0, Time: t0},
			mqttconn.Event{Kind: mqttconn.KindSubscribeFailed, Filter: "$SYS/#", Err: mqttconn.ErrRefused, Time: t0},
			msgEvent("sensors/a", "1", time.Second), msgEvent("sensors/b", "2", 2*time.Second), msgEvent("chat/x", "hi", 3*time.Second),
		))
		m = step(m, tickMsg{at: t0.Add(5 * time.Second)})
		m.setFocus(focusRooms)
		m = step(m, keyMsg(tea.KeyDown))
		golden(t, fmt.Sprintf("rooms_%d", w), plain(m))
	}
	// Narrow terminals hide the pane; F3 hides and shows it.
	m, _ := newTestModel(80, 24)
	if strings.Contains(plain(m), "rooms") {
		t.Fatal("pane shown at 80 columns")
	}
	m, _ = newTestModel(120, 24)
	m = step(m, keyMsg(tea.KeyF3))
	if strings.Contains(plain(m), "│  rooms") || m.list.width != 120 {
		t.Fatal("F3 did not hide the pane")
	}
	m = step(m, keyMsg(tea.KeyF3))
	if !strings.Contains(plain(m), "│  rooms") {
		t.Fatal("F3 did not show the pane")
	}
}

func TestPauseKeepsCounting(t *testing.T) {
	m, _ := newTestModel(120, 16)
	m = step(m, batch(msgEvent("t", "before", 0)))
	m = step(m, keyMsg(tea.KeyF4))
	m = step(m, batch(msgEvent("t", "during1", time.Second), msgEvent("t", "during2", time.Second)))
	s := plain(m)
	if strings.Contains(s, "during") || !strings.Contains(s, "paused — 2 new") || !strings.Contains(s, "received: 2") {
		t.Fatalf("paused:\n%s", s)
	}
	m = step(m, keyMsg(tea.KeyF4))
	if s := plain(m); !strings.Contains(s, "during2") || strings.Contains(s, "paused") {
		t.Fatalf("resumed:\n%s", s)
	}
	// Space in the list pauses too.
	m.setFocus(focusList)
	m = step(m, runes(" "))
	if !m.list.paused {
		t.Fatal("space in the list did not pause")
	}
}

func TestRateAndSparkline(t *testing.T) {
	var r rateMeter
	for i, total := range []uint64{0, 10, 30, 30, 100} {
		_ = i
		r.sample(total)
	}
	if r.current() != 70 {
		t.Fatalf("current %d", r.current())
	}
	if got := r.sparkline(20); got != "▁▂▃▁█" {
		t.Fatalf("sparkline %q", got)
	}
	for range 100 {
		r.sample(r.seen + 5)
	}
	if len(r.samples) != sparkSeconds || len([]rune(r.sparkline(20))) != 20 {
		t.Fatalf("%d samples, sparkline %q", len(r.samples), r.sparkline(20))
	}
}

func TestQuitAsksWhileOthersUseTheBuiltInBroker(t *testing.T) {
	m, _ := newTestModel(140, 24)
	m = step(m, tickMsg{at: t0, otherClients: 2})
	m = step(m, keyMsg(tea.KeyCtrlC))
	if m.mode != modeQuestion || !strings.Contains(plain(m), "2 other clients use the built-in broker: quitting disconnects them.") {
		t.Fatalf("first ctrl+c:\n%s", plain(m))
	}
	// n (once the question has been seen) stays; then two Ctrl+C quit.
	m = step(arm(m), runes("n"))
	if m.question != nil || m.mode != modeNormal {
		t.Fatal("n did not cancel the quit")
	}
	m, _ = stepCmd(m, keyMsg(tea.KeyCtrlC))
	_, cmd := stepCmd(m, keyMsg(tea.KeyCtrlC))
	if cmd == nil {
		t.Fatal("second ctrl+c did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("second ctrl+c is not a quit")
	}
}

func TestClickARoom(t *testing.T) {
	m := New(newFakeConn(), Options{Subscriptions: []mqttconn.Subscription{{Filter: "a"}, {Filter: "b"}}})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 20})
	m = step(m, batch(msgEvent("a", "1", 0), msgEvent("b", "2", 0)))
	// Pane rows: 2 is its title, 3 "all", 4 room a, 6 room b.
	m, _ = stepCmd(m, tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, X: 110, Y: 2 + 4})
	if r := m.rooms.current(); r == nil || r.filter != "b" || m.focus != focusRooms || m.list.visibleLen() != 1 {
		t.Fatalf("click selected %v", m.rooms.current())
	}
}

// TestQuitAsksWhileMessagesAreUndelivered: a QoS 1/2 message queued during
// an outage is lost by quitting, so the first Ctrl+C says so; with a
// persistent session's disk outbox it is kept, and quitting does not ask.
func TestQuitAsksWhileMessagesAreUndelivered(t *testing.T) {
	m, c := newTestModel(160, 24)
	c.pending = 2
	m = step(m, keyMsg(tea.KeyCtrlC))
	if !strings.Contains(plain(m), "2 messages are not delivered yet: quitting drops them") {
		t.Fatalf("first ctrl+c:\n%s", plain(m))
	}
	if _, cmd := stepCmd(m, keyMsg(tea.KeyCtrlC)); cmd == nil {
		t.Fatal("second ctrl+c did not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("second ctrl+c is not a quit")
	}

	// Both costs at once are named together.
	m, c = newTestModel(200, 24)
	c.pending = 1
	m = step(m, tickMsg{at: t0, otherClients: 1})
	m = step(m, keyMsg(tea.KeyCtrlC))
	if !strings.Contains(plain(m), "1 message is not delivered yet: quitting drops it") || !strings.Contains(plain(m), "1 other client uses the built-in broker: quitting disconnects it.") {
		t.Fatalf("both:\n%s", plain(m))
	}

	// Kept on disk: no question.
	c = newFakeConn()
	c.pending = 3
	m = New(c, Options{OutboxKept: true})
	if _, cmd := stepCmd(m, keyMsg(tea.KeyCtrlC)); cmd == nil {
		t.Fatal("ctrl+c asked although the outbox is kept on disk")
	}
	// Nothing pending: no question either.
	m, _ = newTestModel(80, 24)
	if _, cmd := stepCmd(m, keyMsg(tea.KeyCtrlC)); cmd == nil {
		t.Fatal("ctrl+c asked with nothing to lose")
	}
}

// TestNarrowingHidesTheRoomsPaneAndItsFocus: when the terminal narrows
// below the width that shows the rooms pane, the focus leaves it, so j/k
// no longer change rooms out of sight.
func TestNarrowingHidesTheRoomsPaneAndItsFocus(t *testing.T) {
	m, _ := newTestModel(120, 24)
	m.setFocus(focusRooms)
	m = step(m, tea.WindowSizeMsg{Width: 60, Height: 24})
	if m.rooms.visible(m.width) {
		t.Fatal("precondition: the rooms pane still shows at 60 columns")
	}
	if m.focus == focusRooms {
		t.Fatal("the focus stayed in the hidden rooms pane")
	}
}

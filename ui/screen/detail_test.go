package screen

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
)

// openLast selects the newest message and opens it.
func openLast(t *testing.T, m Model) (Model, tea.Cmd) {
	t.Helper()
	m.setFocus(focusList)
	m = step(m, keyMsg(tea.KeyEnd))
	m, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	if m.detail == nil {
		t.Fatal("the message did not open")
	}
	return m, cmd
}

func TestDetailViewsGolden(t *testing.T) {
	m, _ := newTestModel(80, 24)
	ev := msgEvent("sensors/kitchen", `{"t":21.5,"unit":"°C","ok":true,"tags":["a","b"]}`, 0)
	ev.Message.QoS, ev.Message.Retained = 1, true
	m = step(m, batch(ev))
	m, _ = openLast(t, m)
	for _, k := range []struct{ key, name string }{{"j", "json"}, {"t", "text"}, {"x", "hex"}, {"b", "base64"}} {
		m = step(m, runes(k.key))
		golden(t, "detail_"+k.name+"_80x24", plain(m))
	}
	if !strings.Contains(plain(m), "◀ received · sensors/kitchen · QoS 1 · retained · 2026-11-26 09:30:00.000 · 50 …") {
		t.Fatalf("header:\n%s", plain(m))
	}
	m = step(m, keyMsg(tea.KeyEsc))
	if m.detail != nil || !m.list.hasSel {
		t.Fatal("esc did not return to the list where it was")
	}
}

func TestHostileBytesInListAndEveryDetailView(t *testing.T) {
	hostileTopic := "evil/\x1b]0;title\x07/\u202e"
	for _, p := range []string{
		"\x1b]52;c;cm0gLXJmIC8=\x07", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\x1b]0;owned\x07",
		"\x1b[2J\x1b[H", "text\rEVIL", "a\x9b2Jb", "a\u009b2Jb", "x\u202eexe.txt", "a\u200db", "nul\x00", "\xff\xfe",
		`{"k":"\u001b[31m` + "\u202e" + `"}`,
	} {
		for _, w := range []int{40, 80, 120} {
			m, _ := newTestModel(w, 24)
			m = step(m, batch(msgEvent(hostileTopic, p, 0)))
			views := []string{m.View()}
			m, _ = openLast(t, m)
			for _, k := range []string{"t", "j", "x", "b"} {
				m = step(m, runes(k))
				views = append(views, m.View())
			}
			for i, v := range views {
				// Our own escapes are SGR only; strip them and no ESC or control may remain.
				s := ansi.Strip(v)
				for _, r := range s {
					if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || r == 0x200d) {
						t.Fatalf("payload %q, width %d, view %d holds %U:\n%s", p, w, i, r, s)
					}
				}
				if _, n := widest(v); n > w {
					t.Fatalf("payload %q, width %d, view %d: a line is %d wide", p, w, i, n)
				}
			}
		}
	}
}

func TestBigPayloadIsReadBackFromHistory(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<12) // 64 KiB
	var asked time.Time
	c := newFakeConn()
	m := New(c, Options{LoadPayload: func(at time.Time, topic string, sent bool) ([]byte, error) {
		asked = at
		if topic != "big" || sent {
			return nil, errors.New("wrong message")
		}
		return big, nil
	}})
	m = step(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = step(m, batch(msgEvent("big", string(big), time.Second)))
	if e, _ := m.list.selected(); e != nil {
		t.Fatal("selection before focus")
	}
	m, cmd := openLast(t, m)
	if cmd == nil || !strings.Contains(plain(m), "reading the whole 64.0 KiB from the history") {
		t.Fatalf("no read-back:\n%s", plain(m))
	}
	m = step(m, cmd())
	if !asked.Equal(t0.Add(time.Second)) || len(m.detail.full) != len(big) || strings.Contains(plain(m), "reading") {
		t.Fatalf("read back %d bytes for %v", len(m.detail.full), asked)
	}
	m = step(m, runes("c"))
	// Without history: said, not silently cut.
	m2 := New(newFakeConn(), Options{})
	m2 = step(m2, tea.WindowSizeMsg{Width: 100, Height: 24})
	m2 = step(m2, batch(msgEvent("big", string(big), 0)))
	m2, _ = openLast(t, m2)
	if !strings.Contains(plain(m2), "only the first 4.0 KiB of 64.0 KiB are held") {
		t.Fatalf("no explanation:\n%s", plain(m2))
	}
}

func TestCopyThroughOSC52(t *testing.T) {
	var term bytes.Buffer
	c := newFakeConn()
	m := New(c, Options{Clipboard: &term})
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 24})
	m = step(m, batch(msgEvent("sensors/温度", "21.5 °C\nline two", 0)))
	m, _ = openLast(t, m)
	m, cmd := stepCmd(m, runes("c"))
	m = step(m, cmd())
	seq := term.String()
	if !strings.HasPrefix(seq, "\x1b]52;c;") || !strings.HasSuffix(seq, "\x07") {
		t.Fatalf("not an OSC 52 sequence: %q", seq)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(seq, "\x1b]52;c;"), "\x07"))
	if err != nil || string(raw) != "21.5 °C\nline two" {
		t.Fatalf("clipboard gets %q (%v)", raw, err)
	}
	if !strings.Contains(plain(m), "copied 17 bytes (payload) to the terminal's clipboard") {
		t.Fatalf("no notice:\n%s", plain(m))
	}
	term.Reset()
	m, cmd = stepCmd(m, runes("y"))
	cmd()
	raw, _ = base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(term.String(), "\x1b]52;c;"), "\x07"))
	if string(raw) != "sensors/温度" {
		t.Fatalf("topic copy gives %q", raw)
	}
	// In hex view the copy is the dump as shown.
	m = step(m, runes("x"))
	term.Reset()
	_, cmd = stepCmd(m, runes("c"))
	cmd()
	raw, _ = base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(term.String(), "\x1b]52;c;"), "\x07"))
	if !strings.HasPrefix(string(raw), "00000000  32 31 2e 35") {
		t.Fatalf("hex copy gives %q", raw)
	}
	// Too large: refused with a reason, nothing written.
	term.Reset()
	msg := copyToClipboard(&term, "payload", strings.Repeat("x", maxClipboard+1))().(copiedMsg)
	if msg.err == nil || term.Len() != 0 {
		t.Fatal("an oversize copy was sent")
	}
}

func TestSendEmptyPayloadAndConfirmRetained(t *testing.T) {
	m, c := newTestModel(100, 24)
	// Ctrl+X (nano's exit) and Ctrl+R (a shell's search) do nothing to
	// what is published.
	m = step(m, tea.KeyMsg{Type: tea.KeyCtrlX})
	m = step(m, tea.KeyMsg{Type: tea.KeyCtrlR})
	if len(c.published) != 0 || m.composer.retain {
		t.Fatalf("ctrl+x/ctrl+r: %+v, retain %v", c.published, m.composer.retain)
	}
	m, cmd := stepCmd(m, alt("e"))
	cmd()
	if len(c.published) != 1 || len(c.published[0].Payload) != 0 || c.published[0].Retained {
		t.Fatalf("empty send: %+v", c.published)
	}
	m = step(m, alt("r")) // retain on
	m, _ = stepCmd(m, alt("e"))
	if len(c.published) != 1 || m.mode != modeQuestion || !strings.Contains(plain(m), "Publish an empty retained message? It clears the topic's retained message.") ||
		!strings.Contains(plain(m), "Topic chat/room · QoS 0 · retain on") {
		t.Fatalf("no question:\n%s", plain(m))
	}
	m = step(arm(m), runes("n"))
	if m.question != nil || m.mode != modeNormal || len(c.published) != 1 {
		t.Fatal("n did not cancel")
	}
	m, _ = stepCmd(m, alt("e"))
	m, cmd = stepCmd(arm(m), runes("y"))
	cmd()
	if len(c.published) != 2 || !c.published[1].Retained || len(c.published[1].Payload) != 0 {
		t.Fatalf("confirmed retained empty: %+v", c.published)
	}
	// Enter on an empty text field still does nothing.
	if _, cmd := stepCmd(m, keyMsg(tea.KeyEnter)); cmd != nil {
		t.Fatal("enter on empty sent something")
	}
}

func TestMouseClickSelectsThenOpens(t *testing.T) {
	m, _ := newTestModel(80, 24)
	var evs []mqttconn.Event
	for i := range 5 {
		evs = append(evs, msgEvent("t", fmt.Sprint("row", i), time.Duration(i)*time.Second))
	}
	m = step(m, batch(evs...))
	// The list is bottom-aligned: the last of its rows holds row4.
	y := listTop + m.list.height - 2
	click := tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: y}
	m, _ = stepCmd(m, click)
	if e, ok := m.list.selected(); !ok || string(e.payload) != "row3" || m.focus != focusList {
		t.Fatalf("click selected %v, focus %v", e, m.focus)
	}
	m, _ = stepCmd(m, click)
	if m.detail == nil || string(m.detail.e.payload) != "row3" {
		t.Fatal("second click did not open the message")
	}
	// A click on a blank row above the messages does nothing.
	m = step(m, keyMsg(tea.KeyEsc))
	m, _ = stepCmd(m, tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: listTop})
	if m.detail != nil {
		t.Fatal("blank row opened something")
	}
}

func TestKindsInTheList(t *testing.T) {
	m, _ := newTestModel(100, 24)
	m = step(m, batch(
		msgEvent("bin", "\x1f\x8b\x08\x00\xff\x00", 0),
		msgEvent("json", "{ \"a\" : [1, 2] }", 0),
		msgEvent("empty", "", 0),
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 9, State: mqttconn.StateSent, Time: t0,
			Message: mqttconn.Message{Topic: "gone", Retained: true, Time: t0}},
	))
	s := plain(m)
	if !strings.Contains(s, "▶ you → gone [retained] [empty] ✓ sent") {
		t.Errorf("an empty outgoing row is not spaced as the others:\n%s", s)
	}
	for _, want := range []string{"◀ bin [binary] 1f 8b 08 00 ff 00", `◀ json {"a":[1,2]}`, "◀ empty [empty]"} {
		if !strings.Contains(s, want) {
			t.Errorf("list lacks %q:\n%s", want, s)
		}
	}
}

func TestUnicodeLinesUpGolden(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		m, _ := newTestModel(w, 14)
		m = step(m, batch(
			msgEvent("工厂/温度", "二十一度半 ok", 0),
			msgEvent("emoji", "👨\u200d👩\u200d👧 family 👍🏽 thumbs 🇩🇪 flag", time.Second),
			msgEvent("combining", "e\u0301 cafe\u0301 n\u0303", 2*time.Second),
			msgEvent("mixed", "ascii 漢字 ascii 😀 ascii", 3*time.Second),
		))
		v := m.View()
		if i, n := widest(v); n > w {
			t.Errorf("width %d line %d is %d wide", w, i, n)
		}
		golden(t, fmt.Sprintf("unicode_%d", w), ansi.Strip(v))
	}
}

func TestHostileListGolden(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		m, _ := newTestModel(w, 20)
		m = step(m, batch(
			msgEvent("osc52", "\x1b]52;c;cm0gLXJmIC8=\x07", 0),
			msgEvent("osc8", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", 0),
			msgEvent("title/\x1b]0;owned\x07", "hi", 0),
			msgEvent("clear", "\x1b[2Jcleared", 0),
			msgEvent("cr", "safe\rEVIL", 0),
			msgEvent("csi8", "a\x9b2Jb", 0),
			msgEvent("bidi\u202e", "invoice\u202egnp.exe", 0),
			msgEvent("zwj", "a\u200db", 0),
			msgEvent("nul", "a\x00b", 0),
			msgEvent("invalid", "ok\xff\xc3(", 0),
		))
		golden(t, fmt.Sprintf("hostile_list_%d", w), plain(m))
	}
}

func TestAltEnterAddsALine(t *testing.T) {
	m, c := newTestModel(80, 24)
	m = typeText(m, "one")
	m = step(m, tea.KeyMsg{Type: tea.KeyEnter, Alt: true})
	m = typeText(m, "two")
	if v := m.composer.text.Value(); v != "one\ntwo" {
		t.Fatalf("alt+enter: %q", v)
	}
	_, cmd := stepCmd(m, keyMsg(tea.KeyEnter))
	cmd()
	if string(c.published[0].Payload) != "one\ntwo" {
		t.Fatalf("sent %q", c.published[0].Payload)
	}
}

// TestDetailWrapSidewaysAndEnds: long lines wrap by default; w turns
// wrapping off, then ←/→ scroll; Home/End and g/G go to the ends; the rule
// says which line is at the top. Goldens at 40, 80 and 120 columns.
func TestDetailWrapSidewaysAndEnds(t *testing.T) {
	var text strings.Builder
	text.WriteString("first: " + strings.Repeat("long line of words ", 12) + "END\n")
	for i := range 40 {
		fmt.Fprintf(&text, "line %d\n", i+2)
	}
	text.WriteString("last line")
	for _, w := range []int{40, 80, 120} {
		m, _ := newTestModel(w, 16)
		m = step(m, batch(msgEvent("notes/long", text.String(), 0)))
		m, _ = openLast(t, m)
		golden(t, fmt.Sprintf("detail_wrapped_%d", w), plain(m))
		if !strings.Contains(plain(m), "line 1 of") {
			t.Fatalf("%d: no line indicator", w)
		}
		m = step(m, runes("w"))
		golden(t, fmt.Sprintf("detail_unwrapped_%d", w), plain(m))
		m = step(m, keyMsg(tea.KeyRight))
		right := plain(m)
		if !strings.Contains(right, "across") || strings.Contains(right, "first: long") {
			t.Fatalf("%d: → did not scroll sideways:\n%s", w, right)
		}
		m = step(m, keyMsg(tea.KeyLeft))
		m = step(m, runes("G"))
		golden(t, fmt.Sprintf("detail_end_%d", w), plain(m))
		if !strings.Contains(plain(m), "last line") {
			t.Fatalf("%d: G did not go to the last line", w)
		}
		m = step(m, keyMsg(tea.KeyHome))
		if !strings.Contains(plain(m), "first: long") || !strings.Contains(plain(m), "line 1 of 42") {
			t.Fatalf("%d: home:\n%s", w, plain(m))
		}
	}
}

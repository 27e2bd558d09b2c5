package screen

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/mqttconn"
	"mqttchat/ui/payload"
)

// propsEvent is a message from bob with every MQTT 5 property.
func propsEvent(at time.Duration) mqttconn.Event {
	ev := msgEvent("sensors/kitchen", `{"t":21.5,"unit":"°C"}`, at)
	ev.Message.QoS = 1
	ev.Message.Properties = &mqttconn.Properties{
		PayloadFormat: 1, ContentType: "application/json", ResponseTopic: "chat/replies/alice",
		CorrelationData: []byte("req-42"), MessageExpiry: 90 * time.Second,
		User:            []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "bob"}, {Key: "k", Value: "v1"}, {Key: "k", Value: "v2"}},
		SubscriptionIDs: []int{7, 9}, TopicAlias: 3,
	}
	return ev
}

// TestGoldenDetailProperties: the detail view shows every property above
// the payload, at three widths; the expiry lapses with the model's clock.
func TestGoldenDetailProperties(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m, _ := newTestModel(w, 30)
			m = step(m, tickMsg{at: t0.Add(10 * time.Second)})
			m = step(m, batch(propsEvent(0)))
			m, _ = openLast(t, m)
			golden(t, fmt.Sprintf("detail_props_%d", w), plain(m))
			if !strings.Contains(plain(m), "lapses 2026-11-26 09:31:30") {
				t.Fatalf("before the expiry:\n%s", plain(m))
			}
			m = step(m, keyMsg(tea.KeyDown))
			top := m.detail.vp.YOffset
			m = step(m, tickMsg{at: t0.Add(90 * time.Second)})
			if v := plain(m); !strings.Contains(v, "lapsed 2026-11-26 09:31:30") || m.detail.vp.YOffset != top {
				t.Fatalf("at the expiry (offset %d, was %d):\n%s", m.detail.vp.YOffset, top, v)
			}
		})
	}
}

// TestGoldenListMarksProperties: a row whose message has properties beyond
// the sender's name is marked; a name alone shows as the sender only.
func TestGoldenListMarksProperties(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m, _ := newTestModel(w, 14)
			named := msgEvent("chat/room", "hi all", time.Second)
			named.Message.Properties = &mqttconn.Properties{User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "alice"}}}
			aliased := msgEvent("chat/room", "through an alias", 2*time.Second)
			aliased.Message.Properties = &mqttconn.Properties{TopicAlias: 2, SubscriptionIDs: []int{1}}
			m = step(m, batch(msgEvent("chat/room", "no properties", 0), named, aliased, propsEvent(3*time.Second)))
			v := plain(m)
			golden(t, fmt.Sprintf("props_list_%d", w), v)
			if strings.Count(v, "[prop") != 1 { // "[props]", or cut at the edge
				t.Fatalf("want one marked row:\n%s", v)
			}
		})
	}
}

func TestContentTypeChoosesTheView(t *testing.T) {
	for _, tc := range []struct {
		ctype, payload string
		want           payload.Mode
	}{
		{"", `{"a":1}`, payload.ModeJSON},
		{"application/json", `42`, payload.ModeJSON},
		{"application/json; charset=utf-8", `not json`, payload.ModeJSON},
		{"Application/Vnd.API+JSON", `true`, payload.ModeJSON},
		{"text/plain", `{"a":1}`, payload.ModeText},
		{"text/csv", "a,b\x00\x01\x02\x03", payload.ModeText},
		{"image/png", `{"a":1}`, payload.ModeJSON},
		{"image/png", "\x89PNG\x00\x00\x00\x01", payload.ModeHex},
		{"%%% not a type", `{"a":1}`, payload.ModeJSON},
		{"%%% not a type", `plain`, payload.ModeText},
	} {
		m, _ := newTestModel(80, 24)
		ev := msgEvent("t", tc.payload, 0)
		if tc.ctype != "" {
			ev.Message.Properties = &mqttconn.Properties{ContentType: tc.ctype}
		}
		m = step(m, batch(ev))
		m, _ = openLast(t, m)
		if m.detail.mode != tc.want {
			t.Errorf("content type %q, payload %q: %v view, want %v", tc.ctype, tc.payload, m.detail.mode, tc.want)
		}
	}
}

// TestPropertyBlockLines: each property in words, and what is only in
// some messages.
func TestPropertyBlockLines(t *testing.T) {
	s := testStyles()
	for _, tc := range []struct {
		name      string
		props     mqttconn.Properties
		payloadOK bool
		want      []string
		not       []string
	}{
		{"unspecified bytes", mqttconn.Properties{ContentType: "x"}, true, []string{"payload format    unspecified bytes"}, []string{"expiry", "alias"}},
		{"UTF-8 but not", mqttconn.Properties{PayloadFormat: 1}, false, []string{"UTF-8 text (but the payload is not valid UTF-8)"}, nil},
		{"bad indicator", mqttconn.Properties{PayloadFormat: 7}, true, []string{"7 (not a valid indicator)"}, nil},
		{"text correlation", mqttconn.Properties{CorrelationData: []byte("req 42 ü")}, true, []string{"correlation data  req 42 ü"}, []string{"hex"}},
		{"binary correlation", mqttconn.Properties{CorrelationData: []byte{0, 0xff, 'a'}}, true, []string{"correlation data  hex 00 ff 61 (3 bytes)"}, nil},
		{"control correlation", mqttconn.Properties{CorrelationData: []byte("a\nb")}, true, []string{"hex 61 0a 62 (3 bytes)"}, nil},
		{"long binary correlation", mqttconn.Properties{CorrelationData: make([]byte, 300)}, true, []string{"00 00 … (300 bytes)"}, nil},
		{"short expiry", mqttconn.Properties{MessageExpiry: 5 * time.Second}, true, []string{"message expiry    5 s · lapses 2026-11-26 09:30:05"}, []string{"(5s)"}},
		{"long expiry", mqttconn.Properties{MessageExpiry: 2 * time.Hour}, true, []string{"7200 s (2h0m0s) · lapses 2026-11-26 11:30:00"}, nil},
		{"one subscription", mqttconn.Properties{SubscriptionIDs: []int{4}}, true, []string{"subscription id   4"}, []string{"ids"}},
		{"repeated keys in order", mqttconn.Properties{User: []mqttconn.UserProperty{{Key: "k", Value: "2"}, {Key: "k", Value: "1"}}}, true,
			[]string{"user property     k = 2\n  user property     k = 1"}, []string{"sender"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ansi.Strip(strings.Join(propertyLines(&tc.props, t0, t0, tc.payloadOK, 0, s), "\n"))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("holds %q:\n%s", w, got)
				}
			}
		})
	}
	if propertyLines(nil, t0, t0, true, 80, s) != nil {
		t.Fatal("a message without properties has a block")
	}
}

// TestHostileProperties: every property string goes through the sanitizer:
// no control or bidi character reaches the screen, no line is too wide.
func TestHostileProperties(t *testing.T) {
	bad := "\x1b]52;c;cm0gLXJmIC8=\x07\x1b[2J\r\u202e\u200d\x9b" + strings.Repeat("界", 80)
	ev := msgEvent("t", "x", 0)
	ev.Message.Properties = &mqttconn.Properties{ContentType: bad, ResponseTopic: bad, CorrelationData: []byte(bad),
		User: []mqttconn.UserProperty{{Key: bad, Value: bad}, {Key: mqttconn.NameProperty, Value: bad}}}
	for _, w := range []int{40, 80, 120} {
		m, _ := newTestModel(w, 24)
		m = step(m, batch(ev))
		views := []string{m.View()}
		m, _ = openLast(t, m)
		for range 6 {
			views = append(views, m.View())
			m = step(m, keyMsg(tea.KeyPgDown))
		}
		m = step(m, runes("w")) // not wrapped: long lines are cut, not drawn past the edge
		views = append(views, m.View())
		for i, v := range views {
			for _, r := range ansi.Strip(v) {
				if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || r == 0x200d) {
					t.Fatalf("width %d, view %d holds %U", w, i, r)
				}
			}
			if _, n := widest(v); n > w {
				t.Fatalf("width %d, view %d: a line is %d wide", w, i, n)
			}
		}
	}
}

// TestReplayedPropertiesShowAsLive: a message from the history shows its
// sender, its mark and its properties as it did live.
func TestReplayedPropertiesShowAsLive(t *testing.T) {
	m := New(newFakeConn(), Options{Earlier: replayed(propsEvent(0))})
	m = step(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m = step(m, tickMsg{at: t0.Add(time.Hour)})
	if v := plain(m); !strings.Contains(v, "◀ bob ▸ sensors/kitchen q1 [props]") {
		t.Fatalf("the replayed row:\n%s", v)
	}
	m, _ = openLast(t, m)
	v := plain(m)
	for _, want := range []string{"◀ received from bob · sensors/kitchen", "content type      application/json", "lapsed 2026-11-26 09:31:30",
		"user property     k = v2", "topic alias       3", `"unit": "°C"`} {
		if !strings.Contains(v, want) {
			t.Fatalf("lacks %q:\n%s", want, v)
		}
	}
}

// TestGoldenDetailLongProperties: long values wrap once, at the value
// column's width: every piece but the last fills it (an unbroken value
// as much as words), at three widths.
func TestGoldenDetailLongProperties(t *testing.T) {
	long := strings.Repeat("N", 300)
	words := strings.TrimSpace(strings.Repeat("lorem ipsum dolor ", 12))
	for _, w := range []int{40, 80, 120} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m, _ := newTestModel(w, 40)
			ev := msgEvent("t", "x", 0)
			ev.Message.Properties = &mqttconn.Properties{ContentType: words, User: []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: long}}}
			m = step(m, batch(ev))
			m, _ = openLast(t, m)
			v := plain(m)
			golden(t, fmt.Sprintf("detail_props_long_%d", w), v)
			// The unbroken name (on the line after its key: it does not
			// fit beside it): full pieces of the value column's width,
			// then what is left; never a short piece between full ones.
			col := w - 2 - propLabelWidth
			if w < 3*(2+propLabelWidth) {
				col = w - 4
			}
			var pieces []int
			for _, l := range strings.Split(v, "\n") {
				l = strings.TrimSuffix(strings.TrimSpace(l), " (the sender's name)")
				if l != "" && strings.Trim(l, "N") == "" {
					pieces = append(pieces, len(l))
				}
			}
			total := 0
			for i, n := range pieces {
				total += n
				if n > col || i < len(pieces)-1 && n != col {
					t.Fatalf("pieces %v of the name at a column of %d:\n%s", pieces, col, v)
				}
			}
			if total != len(long) {
				t.Fatalf("pieces %v hold %d of %d:\n%s", pieces, total, len(long), v)
			}
		})
	}
}

// TestWrapFirst: the first line is cut where ansi.Wrap cuts it, the rest
// goes on without the space it broke at, styles kept on both sides.
func TestWrapFirst(t *testing.T) {
	tests := []struct {
		in          string
		w           int
		first, rest string // ANSI stripped
	}{
		{"abc def ghi", 5, "abc", "def ghi"},
		{"abcdefghij", 4, "abcd", "efghij"},
		{"short", 10, "short", ""},
		{"\x1b[31mabc def\x1b[0m ghi", 5, "abc", "def ghi"},
		{"界界界 x", 4, "界界", "界 x"},
		{"abc", 0, "", "abc"},
	}
	for _, tt := range tests {
		first, rest := wrapFirst(tt.in, tt.w)
		if ansi.Strip(first) != tt.first || ansi.Strip(rest) != tt.rest || ansi.StringWidth(first) > max(tt.w, 0) {
			t.Errorf("wrapFirst(%q, %d) = %q, %q; want %q, %q", tt.in, tt.w, first, rest, tt.first, tt.rest)
		}
		if strings.Contains(tt.in, "\x1b[31m") && !strings.Contains(rest, "\x1b[31m") {
			t.Errorf("wrapFirst(%q): the style did not carry over to %q", tt.in, rest)
		}
	}
}

package screen

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// colourSGR finds any SGR sequence that sets a colour (foreground or
// background, 16, 256 or true colour).
var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m`)

// TestNoColorKeepsAttributes: under NO_COLOR the screen has no colour at
// all, yet the selected row is in reverse video and the detail view's
// current tab and header are bold/reverse. Goldens keep the attributes
// (rendered with the ANSI profile, escapes shown as ␛).
func TestNoColorKeepsAttributes(t *testing.T) {
	lipgloss.SetColorProfile(termenv.ANSI)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	for _, w := range []int{40, 80, 120} {
		m := New(newFakeConn(), Options{NoColor: true, Broker: "127.0.0.1:1883", ClientID: "nocolor", Topic: "chat/room"})
		m = step(m, tea.WindowSizeMsg{Width: w, Height: 14})
		m = step(m, batch(msgEvent("chat/room", "first", 0), msgEvent("chat/room", "second", 1)))
		m.setFocus(focusList)
		m = step(m, keyMsg(tea.KeyUp))
		list := m.View()
		m = step(m, keyMsg(tea.KeyEnter))
		detail := m.View()
		for name, v := range map[string]string{"list": list, "detail": detail} {
			if loc := colourSGR.FindStringIndex(v); loc != nil {
				t.Fatalf("%d %s: a colour under NO_COLOR: %q", w, name, v[loc[0]:min(loc[1]+10, len(v))])
			}
			golden(t, "nocolor_"+name+"_"+itoa(w), strings.ReplaceAll(v, "\x1b", "␛"))
		}
		if !strings.Contains(list, "\x1b[7m") {
			t.Fatalf("%d: the selected row is not in reverse video", w)
		}
		if !strings.Contains(detail, "\x1b[1;7m") && !strings.Contains(detail, "\x1b[7;1m") {
			t.Fatalf("%d: the current view's tab is not bold reverse", w)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

package sanitize

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Mode is how the terminal in use counts the cells of a string, and so which
// sequences the sanitizer may pass through as they are.
type Mode int32

const (
	// Grapheme is a terminal that draws a grapheme cluster (👍🏽, 👨‍👩‍👧, ❤️) as
	// one character of the width x/ansi gives it, as x/vt, WezTerm, kitty,
	// Ghostty and foot do. Only the clusters on whose width x/ansi (lipgloss)
	// and uniseg (bubbles' text input) disagree are rewritten.
	Grapheme Mode = iota
	// Codepoint is a terminal that adds up code point widths (wcwidth), as
	// tmux 3.3, GNU screen, xterm and most others do: 👍🏽 takes 4 cells
	// there, ❤️ one. Every cluster whose width x/ansi, uniseg and the code
	// point sum do not all agree on is rewritten: its base character stays,
	// the modifiers, joiners and selectors become visible \u escapes.
	Codepoint
	// ASCII is a terminal or locale that cannot show UTF-8 (LANG=C): every
	// character outside printable ASCII becomes an escape, and Frame turns
	// our own glyphs into ASCII.
	ASCII
)

// Modes are the names ParseMode takes, in order.
var Modes = []string{"grapheme", "codepoint", "ascii"}

// String is the mode's name, as ParseMode reads it.
func (m Mode) String() string {
	if m >= 0 && int(m) < len(Modes) {
		return Modes[m]
	}
	return fmt.Sprintf("Mode(%d)", int32(m))
}

// ParseMode reads a mode's name.
func ParseMode(s string) (Mode, error) {
	for i, name := range Modes {
		if strings.EqualFold(s, name) {
			return Mode(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not a width mode (use %s)", s, strings.Join(Modes, ", "))
}

// current is the mode String and Bytes use.
var current atomic.Int32

// SetMode sets the mode String, Bytes and Frame use. The command line sets
// it once, before the screen starts; the default is Grapheme.
func SetMode(m Mode) { current.Store(int32(m)) }

// CurrentMode is the mode String and Bytes use.
func CurrentMode() Mode { return Mode(current.Load()) }

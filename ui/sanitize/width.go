package sanitize

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
	"github.com/rivo/uniseg"
)

// The screen is measured by three counters that do not agree on every
// sequence: x/ansi (lipgloss, Bubble Tea's renderer) and uniseg (bubbles'
// text input) count grapheme clusters, while a terminal that does not
// cluster (tmux 3.3, screen, xterm) adds up the widths of the code points.
// A row measured narrower than it is drawn wraps and shifts every line
// below it. So agree keeps only the clusters every counter of the mode gives
// the same width, and rewrites the others into parts they do agree on.

// agree rewrites the grapheme clusters of s (already free of controls) whose
// width the counters of mode m disagree on.
func agree(s string, m Mode) string {
	if isPlainASCII(s) || allAgree(s, m) {
		return s
	}
	var out strings.Builder
	out.Grow(len(s) + 16)
	rest, state := s, -1
	var c string
	var w int
	for len(rest) > 0 {
		c, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if clusterAgrees(c, w, m) {
			out.WriteString(c)
			continue
		}
		rewrite(&out, c, m)
	}
	return out.String()
}

// allAgree reports whether every cluster of s measures the same to every
// counter of mode m.
func allAgree(s string, m Mode) bool {
	rest, state := s, -1
	var c string
	var w int
	for len(rest) > 0 {
		c, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if !clusterAgrees(c, w, m) {
			return false
		}
	}
	return true
}

// clusterAgrees reports whether cluster c, of uniseg width w, has the same
// width for x/ansi, and in Codepoint mode for the sum of code point widths.
func clusterAgrees(c string, w int, m Mode) bool {
	if len(c) == 1 {
		return true // ASCII
	}
	if ansi.StringWidth(c) != w {
		return false
	}
	return m != Codepoint || CodepointWidth(c) == w
}

// rewrite writes cluster c as its base character followed by its other
// code points: each one that stands alone (an emoji after a joiner) as
// itself when the counters agree on it, every modifier, joiner, selector,
// mark and regional indicator as a visible \u escape.
func rewrite(out *strings.Builder, c string, m Mode) {
	first := true
	for _, r := range c {
		if (first || standsAlone(r)) && runeAgrees(r, m) {
			out.WriteRune(r)
		} else {
			fmt.Fprintf(out, `\u%04x`, r)
		}
		first = false
	}
}

// standsAlone reports whether r starts a cluster of its own when written
// after an escape: not a mark, joiner, selector, modifier, tag or regional
// indicator.
func standsAlone(r rune) bool {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf):
		return false
	case r >= 0x1f3fb && r <= 0x1f3ff, // emoji modifiers (skin tones)
		r >= 0x1f1e6 && r <= 0x1f1ff, // regional indicators
		r >= 0xe0000 && r <= 0xe0fff, // tags and variation selectors supplement
		r >= 0x1160 && r <= 0x11ff,   // Hangul jamo vowels and finals
		r >= 0xd7b0 && r <= 0xd7ff:
		return false
	}
	return true
}

// runeAgrees reports whether r alone measures the same to every counter of
// mode m.
func runeAgrees(r rune, m Mode) bool {
	s := string(r)
	w := uniseg.StringWidth(s)
	return r >= 0x20 && ansi.StringWidth(s) == w && (m != Codepoint || CodepointWidth(s) == w)
}

// CodepointWidth is the width of s on a terminal that does not cluster: the
// sum of each code point's wcwidth, with marks, format characters and
// Hangul medial and final jamo taking no cell.
func CodepointWidth(s string) int {
	n := 0
	for _, r := range s {
		n += codepointWidth(r)
	}
	return n
}

func codepointWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf),
		r >= 0x1160 && r <= 0x11ff, r >= 0xd7b0 && r <= 0xd7ff:
		return 0
	}
	return narrow.RuneWidth(r)
}

// narrow is go-runewidth without East Asian ambiguous widths, whatever the
// locale: x/ansi and uniseg count those characters as one cell too.
var narrow = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

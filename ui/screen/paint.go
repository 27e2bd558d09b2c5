package screen

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// paint is a style's escape sequences around a text, taken once from
// lipgloss: a row costs string joins, not a lipgloss Render per piece (each
// Render converts its colours again for the terminal: for a 256-colour
// terminal, a search of the palette for the nearest colour). It holds for
// styles without padding, margins, borders, width or underline, applied to
// one line of sanitized text (no tabs, no line breaks): the row styles.
type paint struct{ pre, suf string }

func newPaint(s lipgloss.Style) paint {
	r := s.Render("X")
	i := strings.IndexByte(r, 'X')
	if i < 0 {
		return paint{}
	}
	return paint{pre: r[:i], suf: r[i+1:]}
}

// on is text in the style, as the style's Render would draw it.
func (p paint) on(text string) string {
	if text == "" || p.pre == "" {
		return text
	}
	return p.pre + text + p.suf
}

// rowPaints are the styles of the list's rows, painted for the terminal's
// colour profile and background they were taken under.
type rowPaints struct {
	profile termenv.Profile
	dark    bool

	time, incoming, mine, flag, payload, event, warn, good, pending, hint, topic paint
	palette                                                                      []paint
}

// rows are the row styles' paints, taken again when the colour profile or
// the background changed since (tests switch profiles; a program sets them
// once, before the first frame). Styles are used from the UI goroutine only.
func (s *Styles) rows() *rowPaints {
	profile, dark := lipgloss.ColorProfile(), lipgloss.HasDarkBackground()
	if p := s.paints; p != nil && p.profile == profile && p.dark == dark {
		return p
	}
	p := &rowPaints{profile: profile, dark: dark,
		time: newPaint(s.Time), incoming: newPaint(s.Incoming), mine: newPaint(s.Mine), flag: newPaint(s.Flag),
		payload: newPaint(s.Payload), event: newPaint(s.Event), warn: newPaint(s.Warn), good: newPaint(s.Good),
		pending: newPaint(s.Pending), hint: newPaint(s.Hint), topic: newPaint(s.Topic)}
	for _, st := range s.Palette {
		p.palette = append(p.palette, newPaint(st))
	}
	s.paints = p
	return p
}

// topicPaint is topicStyle's paint.
func (p *rowPaints) topicPaint(colour int) paint {
	if colour < 0 || len(p.palette) == 0 {
		return p.topic
	}
	return p.palette[colour%len(p.palette)]
}

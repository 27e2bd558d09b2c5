package screen

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"mqttchat/ui/paint"
)

// rowPaints are the styles of the list's rows, painted for the terminal's
// colour profile and background they were taken under.
type rowPaints struct {
	profile termenv.Profile
	dark    bool

	time, incoming, mine, flag, payload, event, warn, good, pending, hint, topic paint.Paint
	palette                                                                      []paint.Paint
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
		time: paint.New(s.Time), incoming: paint.New(s.Incoming), mine: paint.New(s.Mine), flag: paint.New(s.Flag),
		payload: paint.New(s.Payload), event: paint.New(s.Event), warn: paint.New(s.Warn), good: paint.New(s.Good),
		pending: paint.New(s.Pending), hint: paint.New(s.Hint), topic: paint.New(s.Topic)}
	for _, st := range s.Palette {
		p.palette = append(p.palette, paint.New(st))
	}
	s.paints = p
	return p
}

// topicPaint is topicStyle's paint.
func (p *rowPaints) topicPaint(colour int) paint.Paint {
	if colour < 0 || len(p.palette) == 0 {
		return p.topic
	}
	return p.palette[colour%len(p.palette)]
}

package screen

import (
	"github.com/charmbracelet/lipgloss"

	"mqttchat/ui/payload"
)

// Styles are every style the screen uses, built once. Colours adapt to the
// terminal's background. With NO_COLOR set (no-color.org) only the colours
// go: bold, italic, underline and reverse video stay, so the selected row,
// the current view and the status bar can still be seen.
type Styles struct {
	Time, Incoming, Mine, Topic, Flag, Payload lipgloss.Style
	Event, Warn, Good, Pending                 lipgloss.Style
	StatusBar, StatusKey, StatusGood           lipgloss.Style
	StatusWarn, StatusPending                  lipgloss.Style
	Title, TitleFocused, Label, LabelFocused   lipgloss.Style
	Error, Hint                                lipgloss.Style
	Selected, DetailHeader, ModeActive         lipgloss.Style
	HelpKey, QuestionTitle                     lipgloss.Style
	JSON                                       payload.JSONStyles
	Palette                                    []lipgloss.Style // one colour per subscription

	paints *rowPaints // the row styles as escape sequences (rows), taken once
}

// topicStyle is the style of a subscription's colour, or the plain topic
// style for -1.
func (s *Styles) topicStyle(colour int) lipgloss.Style {
	if colour < 0 || len(s.Palette) == 0 {
		return s.Topic
	}
	return s.Palette[colour%len(s.Palette)]
}

// DefaultStyles returns the styles with colours.
func DefaultStyles() Styles { return NewStyles(false) }

// NewStyles returns the styles, without any colour when noColor.
func NewStyles(noColor bool) Styles {
	c := func(light, dark string) lipgloss.TerminalColor {
		if noColor {
			return lipgloss.NoColor{}
		}
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	var (
		subtle  = c("#8a8a8a", "#6c6c6c")
		accent  = c("#5a3fc0", "#a78bfa")
		mine    = c("#0b6e99", "#67d4ff")
		topic   = c("#7a4a00", "#f5c26b")
		good    = c("#1a7f37", "#4ade80")
		warn    = c("#b42318", "#f87171")
		pending = c("#9a6700", "#fbbf24")
		barBg   = c("#e4e4e7", "#27272a")
		barFg   = c("#18181b", "#e4e4e7")
	)
	bar := lipgloss.NewStyle().Background(barBg).Foreground(barFg)
	if noColor {
		bar = bar.Reverse(true) // the bar stands out without a background colour
	}
	return Styles{
		Time:          lipgloss.NewStyle().Foreground(subtle),
		Incoming:      lipgloss.NewStyle().Foreground(subtle),
		Mine:          lipgloss.NewStyle().Foreground(mine).Bold(true),
		Topic:         lipgloss.NewStyle().Foreground(topic),
		Flag:          lipgloss.NewStyle().Foreground(accent),
		Payload:       lipgloss.NewStyle(),
		Event:         lipgloss.NewStyle().Foreground(subtle).Italic(true),
		Warn:          lipgloss.NewStyle().Foreground(warn),
		Good:          lipgloss.NewStyle().Foreground(good),
		Pending:       lipgloss.NewStyle().Foreground(pending),
		StatusBar:     bar,
		StatusKey:     bar.Bold(true),
		StatusGood:    bar.Foreground(good).Bold(true),
		StatusWarn:    bar.Foreground(warn).Bold(true),
		StatusPending: bar.Foreground(pending).Bold(true),
		Title:         lipgloss.NewStyle().Foreground(subtle),
		TitleFocused:  lipgloss.NewStyle().Foreground(accent).Bold(true),
		Label:         lipgloss.NewStyle().Foreground(subtle),
		LabelFocused:  lipgloss.NewStyle().Foreground(accent).Bold(true),
		Error:         lipgloss.NewStyle().Foreground(warn),
		Hint:          lipgloss.NewStyle().Foreground(subtle),
		Selected:      lipgloss.NewStyle().Reverse(true),
		DetailHeader:  lipgloss.NewStyle().Bold(true),
		ModeActive:    lipgloss.NewStyle().Reverse(true).Bold(true),
		HelpKey:       lipgloss.NewStyle().Bold(true),
		QuestionTitle: lipgloss.NewStyle().Foreground(warn).Bold(true),
		Palette: []lipgloss.Style{
			lipgloss.NewStyle().Foreground(topic),
			lipgloss.NewStyle().Foreground(c("#0f766e", "#5eead4")),
			lipgloss.NewStyle().Foreground(c("#a21caf", "#f0abfc")),
			lipgloss.NewStyle().Foreground(c("#1d4ed8", "#93c5fd")),
			lipgloss.NewStyle().Foreground(c("#b45309", "#fdba74")),
			lipgloss.NewStyle().Foreground(c("#15803d", "#86efac")),
			lipgloss.NewStyle().Foreground(c("#be123c", "#fda4af")),
			lipgloss.NewStyle().Foreground(c("#4338ca", "#c4b5fd")),
		},
		JSON: payload.JSONStyles{
			Key:     lipgloss.NewStyle().Foreground(mine),
			String:  lipgloss.NewStyle().Foreground(good),
			Number:  lipgloss.NewStyle().Foreground(topic),
			Literal: lipgloss.NewStyle().Foreground(accent),
			Punct:   lipgloss.NewStyle().Foreground(subtle),
		},
	}
}

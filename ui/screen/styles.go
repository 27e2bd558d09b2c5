package screen

import (
	"github.com/charmbracelet/lipgloss"

	"mqttchat/ui/payload"
)

// Styles are every style the screen uses, built once. Colours adapt to the
// terminal's background; with NO_COLOR set, lipgloss renders none.
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
}

// topicStyle is the style of a subscription's colour, or the plain topic
// style for -1.
func (s *Styles) topicStyle(colour int) lipgloss.Style {
	if colour < 0 || len(s.Palette) == 0 {
		return s.Topic
	}
	return s.Palette[colour%len(s.Palette)]
}

// DefaultStyles returns the styles for the terminal lipgloss detected.
func DefaultStyles() Styles {
	var (
		subtle  = lipgloss.AdaptiveColor{Light: "#8a8a8a", Dark: "#6c6c6c"}
		accent  = lipgloss.AdaptiveColor{Light: "#5a3fc0", Dark: "#a78bfa"}
		mine    = lipgloss.AdaptiveColor{Light: "#0b6e99", Dark: "#67d4ff"}
		topic   = lipgloss.AdaptiveColor{Light: "#7a4a00", Dark: "#f5c26b"}
		good    = lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#4ade80"}
		warn    = lipgloss.AdaptiveColor{Light: "#b42318", Dark: "#f87171"}
		pending = lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#fbbf24"}
		barBg   = lipgloss.AdaptiveColor{Light: "#e4e4e7", Dark: "#27272a"}
		barFg   = lipgloss.AdaptiveColor{Light: "#18181b", Dark: "#e4e4e7"}
	)
	bar := lipgloss.NewStyle().Background(barBg).Foreground(barFg)
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
			lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#0f766e", Dark: "#5eead4"}),
			lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#a21caf", Dark: "#f0abfc"}),
			lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#1d4ed8", Dark: "#93c5fd"}),
			lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#b45309", Dark: "#fdba74"}),
			lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#15803d", Dark: "#86efac"}),
			lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#be123c", Dark: "#fda4af"}),
			lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#4338ca", Dark: "#c4b5fd"}),
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

package screen

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// answerGuard is how long a question must have been on screen, with no
// other key pressed, before y or n answers it. Update cannot know when a
// frame reached the terminal, so a key typed just before the question was
// drawn (a word being typed, a double click, a second Enter) must not answer.
const answerGuard = 400 * time.Millisecond

// typingGuard replaces answerGuard once text was typed while the question
// shows: a person typing a word at half a second a key must not have its
// y taken for an answer, so after typing only a y or n after a real pause
// answers.
const typingGuard = 1500 * time.Millisecond

// questionKeys answer a question. Esc declines at once (declining costs
// nothing); y and n count only once the question is armed.
type questionKeys struct {
	Yes     key.Binding
	No      key.Binding
	Decline key.Binding
}

func newQuestionKeys() questionKeys {
	return questionKeys{
		Yes:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:      key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "no")),
		Decline: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "no")),
	}
}

// ShortHelp is the help line while a question shows.
func (k questionKeys) ShortHelp() []key.Binding { return []key.Binding{k.Yes, k.No, k.Decline} }

// FullHelp lists the keys of a question.
func (k questionKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// answer is what a key did to a question.
type answer int

const (
	answerNone answer = iota // not an answer: the guard restarts
	answerYes
	answerNo
	answerTyped // text: it goes to the message field, the question stays
)

// question guards an action that changes what the broker holds or ends the
// program. It names what it guards in words and is answered only by a
// deliberate key: a single y or n pressed after the guard, never a rune of
// a typed or pasted burst.
type question struct {
	title   string         // what it guards, as a question
	details []string       // the facts in words: file, size, topic, QoS, retain
	yes     tea.Cmd        // what y does
	no      func() tea.Cmd // what n or Esc does, if anything
	// giveBack is the command line that asked, given back to the message
	// field (or one Up away) when the answer is no: nothing typed is lost.
	giveBack string
	quit     bool // the quit question: a second Ctrl+C also quits
	back     mode // the mode to return to
	gen      int  // the guard's generation; a questionArmedMsg of an older one is stale
	armed    bool // the guard has passed since the last key
	typed    int  // runes that went to the message field while it showed
	early    bool // y or n came before the guard passed, and was refused
	keys     questionKeys
}

// questionArmedMsg says the guard of generation gen has passed.
type questionArmedMsg struct{ gen int }

// arm restarts the guard and returns the command that ends it.
func (q *question) arm() tea.Cmd {
	q.gen++
	q.armed = false
	gen := q.gen
	return tea.Tick(q.guard(), func(time.Time) tea.Msg { return questionArmedMsg{gen: gen} })
}

// guard is how long the question waits, with no key pressed, before y or
// n answers it: longer once text was typed while it showed.
func (q *question) guard() time.Duration {
	if q.typed > 0 {
		return typingGuard
	}
	return answerGuard
}

// update reads a key. A multi-rune message (a word typed fast) or a paste
// never answers; text keys go to the message field; any key that does not
// answer restarts the guard. A y or n before the guard has passed is part of
// the text being typed when text was typed since the question appeared (the
// "y" of "okay"), and otherwise refused visibly: press it again.
func (q question) update(msg tea.KeyMsg) (question, answer, tea.Cmd) {
	if key.Matches(msg, q.keys.Decline) {
		return q, answerNo, nil
	}
	single := msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && !msg.Paste && !msg.Alt
	yes, no := key.Matches(msg, q.keys.Yes), key.Matches(msg, q.keys.No)
	if single && (yes || no) {
		switch {
		case q.armed && yes:
			return q, answerYes, nil
		case q.armed && no:
			return q, answerNo, nil
		case q.typed == 0:
			q.early = true
			return q, answerNone, q.arm()
		}
	}
	q.early = false
	result := answerNone
	if msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace {
		result = answerTyped
		q.typed += max(len(msg.Runes), 1) // before arm: typing lengthens the guard
	}
	return q, result, q.arm()
}

// View draws the question as a band of full width: a rule, the title, the
// details and the keys, wrapped so that no word is cut.
func (q *question) View(s *Styles, width int) []string {
	rule := s.Warn.Render(strings.Repeat("━", width))
	lines := []string{rule}
	add := func(text string, style func(...string) string) {
		for _, l := range strings.Split(ansi.Wrap(text, max(width-2, 1), ""), "\n") {
			lines = append(lines, style(" "+l))
		}
	}
	add(q.title, s.QuestionTitle.Render)
	for _, d := range q.details {
		add(d, s.Payload.Render)
	}
	keys := "y yes · n or esc no"
	if q.quit {
		keys = "y or ctrl+c quits · n or esc stays"
	}
	if q.early {
		keys = "too soon after the question appeared: press y or n again · " + keys
	}
	if q.typed > 0 {
		keys += " · what you type goes to the message field; after a pause, y or n answers"
	}
	add(keys, s.Hint.Render)
	return append(lines, rule)
}

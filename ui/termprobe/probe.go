// Package termprobe finds out, before the screen starts, how the terminal
// counts the width of text: it writes a few sample sequences, asks for the
// cursor position after each (DSR 6n, answered by a cursor position report),
// and ends with a device attributes request (DA1) that every terminal
// answers, so the read ends on that reply rather than on a timeout that a
// late reply would outlive (a late report would reach the screen as keys:
// ESC[1;3R is Alt+F3). It also tells whether the locale is UTF-8 and whether
// the terminal can position the cursor at all.
package termprobe

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"

	"mqttchat/ui/sanitize"
)

// Timeout is how long Probe waits, in all, for a terminal that answers
// nothing.
const Timeout = time.Second

// Samples are the sequences measured: one of each class that terminals
// draw differently (a skin tone, a variation selector 16, a ZWJ sequence,
// a flag).
var Samples = []string{"👍🏽", "❤️", "👨\u200d👩\u200d👧", "🇩🇪"}

// Sample is one measured sequence.
type Sample struct {
	Text     string
	Measured int // the width x/ansi gives it
	Drawn    int // the cursor's advance; -1 when the terminal did not report it
}

// Result is what the probe found.
type Result struct {
	Answered bool // the terminal answered the device attributes request
	Samples  []Sample
}

// Clusters reports whether the terminal drew every sample as wide as x/ansi
// measures it.
func (r Result) Clusters() bool {
	if !r.Answered || len(r.Samples) == 0 {
		return false
	}
	for _, s := range r.Samples {
		if s.Drawn != s.Measured {
			return false
		}
	}
	return true
}

// Mode is the sanitizer's mode for this terminal: Grapheme where it
// clusters, Codepoint otherwise (also when it did not answer: that mode's
// text measures the same on either kind).
func (r Result) Mode() sanitize.Mode {
	if r.Clusters() {
		return sanitize.Grapheme
	}
	return sanitize.Codepoint
}

// String says what was found, for the log and --print-config.
func (r Result) String() string {
	if !r.Answered {
		return "the terminal did not answer"
	}
	parts := make([]string, 0, len(r.Samples))
	for _, s := range r.Samples {
		drawn := "?"
		if s.Drawn >= 0 {
			drawn = fmt.Sprint(s.Drawn)
		}
		parts = append(parts, fmt.Sprintf("%s %s cells (x/ansi %d)", s.Text, drawn, s.Measured))
	}
	return "the terminal draws " + strings.Join(parts, ", ")
}

// ErrNotTerminal is returned when in or out is not a terminal: nothing is
// written then.
var ErrNotTerminal = errors.New("not a terminal")

// Probe measures Samples on the terminal in/out, waiting at most timeout
// in all, and leaves the line it wrote on erased. It writes nothing when
// either is not a terminal or TERM cannot position the cursor.
func Probe(in, out *os.File, timeout time.Duration) (Result, error) {
	if !term.IsTerminal(int(in.Fd())) || !term.IsTerminal(int(out.Fd())) {
		return Result{}, ErrNotTerminal
	}
	if !CanPosition(os.Getenv("TERM")) {
		return Result{}, fmt.Errorf("TERM=%s cannot position the cursor", os.Getenv("TERM"))
	}
	old, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return Result{}, fmt.Errorf("raw mode: %w", err)
	}
	defer term.Restore(int(in.Fd()), old) //nolint:errcheck // nothing better to do
	if _, err := out.WriteString(request(Samples)); err != nil {
		return Result{}, err
	}
	replies, err := readReplies(in, timeout)
	_, _ = out.WriteString("\r" + ansi.EraseEntireLine)
	return result(Samples, replies), err
}

// request is what Probe writes: each sample from the line's start, then a
// cursor position request, and at the end a device attributes request.
func request(samples []string) string {
	var b strings.Builder
	for _, s := range samples {
		b.WriteString("\r" + s + ansi.RequestCursorPositionReport)
	}
	b.WriteString("\r" + ansi.EraseEntireLine + ansi.RequestPrimaryDeviceAttributes)
	return b.String()
}

// result pairs the reports with the samples, in order.
func result(samples []string, r replies) Result {
	res := Result{Answered: r.da1}
	for i, s := range samples {
		drawn := -1
		if i < len(r.columns) {
			drawn = r.columns[i] - 1 // written from column 1
		}
		res.Samples = append(res.Samples, Sample{Text: s, Measured: ansi.StringWidth(s), Drawn: drawn})
	}
	return res
}

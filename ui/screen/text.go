package screen

import (
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"syscall"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/sanitize"
	"mqttchat/ui/words"
)

// The small text helpers every part uses, in one place.

// The words every part uses (ui/words).
var (
	plural    = words.Plural
	humanSize = words.Size
	ago       = words.Ago
	thousands = words.Thousands
)

// errText is an error as a short line in words, sanitized: broker and
// network errors can carry text from the network. Go's terse words for
// the common ends of a connection become sentences.
func errText(err error) string {
	switch {
	case err == nil:
		return "unknown reason"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), err.Error() == "EOF":
		return "the broker closed the connection"
	case errors.Is(err, syscall.ECONNRESET):
		return "the connection was reset (by the broker or the network)"
	case errors.Is(err, syscall.EPIPE):
		return "the connection broke while sending"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "no answer from the broker in time"
	}
	return sanitize.String(err.Error())
}

// firstKey is the first key of a binding, for inline hints.
func firstKey(b key.Binding) string { return b.Help().Key }

// sgr matches the styling sequences lipgloss and the bubbles fields emit.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// displayStyled passes the text of an already styled line through the
// sanitizer's display form, keeping its styling: what the user types is
// shown, like everything else, in a form every width measurer agrees on
// (an emoji with a skin tone in a terminal that does not cluster). The
// line is then cut to width, since the field measured the original.
func displayStyled(line string, width int) string {
	if isASCII(line) {
		return line
	}
	var b strings.Builder
	last := 0
	for _, loc := range sgr.FindAllStringIndex(line, -1) {
		b.WriteString(sanitize.Display(line[last:loc[0]], sanitize.CurrentMode()))
		b.WriteString(line[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(sanitize.Display(line[last:], sanitize.CurrentMode()))
	out := b.String()
	if ansi.StringWidth(out) > width {
		out = ansi.Truncate(out, width, "…")
	}
	return out
}

// isASCII reports whether s holds only ASCII bytes (escapes included).
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

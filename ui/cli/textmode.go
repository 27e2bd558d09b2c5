package cli

import (
	"fmt"
	"os"
	"strings"

	"mqttchat/ui/sanitize"
	"mqttchat/ui/termprobe"
)

// checkWidthMode reads the width_mode setting: "auto" or a mode's name.
func checkWidthMode(v string) (string, error) {
	if strings.EqualFold(v, "auto") {
		return "auto", nil
	}
	m, err := sanitize.ParseMode(v)
	if err != nil {
		return "", fmt.Errorf("%q is not a width mode (use auto, %s)", v, strings.Join(sanitize.Modes, ", "))
	}
	return m.String(), nil
}

// checkCursor refuses a terminal that cannot position the cursor: the screen
// would be a mess of scrolled lines there.
func checkCursor(term string) error {
	if termprobe.CanPosition(term) {
		return nil
	}
	if term == "" {
		return usagef("TERM is not set, so the terminal cannot be driven: set it to the terminal's type (e.g. TERM=xterm-256color) or run mqttchat in a terminal emulator")
	}
	return usagef("TERM=%s cannot position the cursor, which mqttchat's screen needs: run it in a terminal emulator (xterm, tmux, …) or set TERM to the terminal's real type", term)
}

// chooseTextMode decides how text is shown: the width_mode setting when it
// names a mode; otherwise ASCII under a locale that is not UTF-8, and else
// what the probe finds (Codepoint when the terminal does not answer). why
// says how it was decided, for the log.
func chooseTextMode(setting string, in, out *os.File, getenv func(string) string) (m sanitize.Mode, why string) {
	if setting != "auto" {
		m, _ := sanitize.ParseMode(setting)
		return m, "set by width_mode"
	}
	if !termprobe.UTF8Locale(getenv) {
		return sanitize.ASCII, fmt.Sprintf("the locale is not UTF-8 (LC_ALL=%q LC_CTYPE=%q LANG=%q)", getenv("LC_ALL"), getenv("LC_CTYPE"), getenv("LANG"))
	}
	res, err := termprobe.Probe(in, out, termprobe.Timeout)
	if err != nil {
		return sanitize.Codepoint, "probe failed: " + err.Error()
	}
	return res.Mode(), "probed: " + res.String()
}

package cli

import (
	"os"
	"strings"
	"testing"

	"mqttchat/ui/sanitize"
)

func TestWidthModeSetting(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, tc := range []struct {
		args []string
		env  string
		want string // in --print-config, or the error
		code int
	}{
		{nil, "", `width_mode             = "auto"`, 0},
		{[]string{"--width-mode", "codepoint"}, "", `width_mode             = "codepoint"                    # --width-mode`, 0},
		{nil, "ascii", `width_mode             = "ascii"                        # MQTTCHAT_WIDTH_MODE`, 0},
		{[]string{"--width-mode", "wide"}, "", `mqttchat: --width-mode: "wide" is not a width mode (use auto, grapheme, codepoint, ascii)`, 2},
		{nil, "cells", `mqttchat: MQTTCHAT_WIDTH_MODE: "cells" is not a width mode (use auto, grapheme, codepoint, ascii)`, 2},
	} {
		t.Setenv("MQTTCHAT_WIDTH_MODE", tc.env)
		code, out, errOut := runCLI(t, append(tc.args, "--print-config")...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v %q: status %d\n%s%s\nwant %d and %q", tc.args, tc.env, code, out, errOut, tc.code, tc.want)
		}
	}
}

func TestCheckCursor(t *testing.T) {
	for term, want := range map[string]string{
		"xterm-256color": "",
		"tmux-256color":  "",
		"dumb":           "TERM=dumb cannot position the cursor",
		"":               "TERM is not set",
	} {
		err := checkCursor(term)
		if (err == nil) != (want == "") || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("TERM=%q: %v, want %q", term, err, want)
		}
		if _, usage := err.(usageError); err != nil && !usage {
			t.Errorf("TERM=%q: %T is not a usage error (exit 2)", term, err)
		}
	}
}

// TestChooseTextMode: the setting wins; then a locale that is not UTF-8
// gives ASCII; then the probe decides, and where it cannot run (no
// terminal), the mode that fits every terminal.
func TestChooseTextMode(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, tc := range []struct {
		setting string
		env     map[string]string
		want    sanitize.Mode
		why     string
	}{
		{"grapheme", map[string]string{"LANG": "C"}, sanitize.Grapheme, "set by width_mode"},
		{"auto", map[string]string{"LANG": "C"}, sanitize.ASCII, "the locale is not UTF-8"},
		{"auto", map[string]string{}, sanitize.ASCII, "the locale is not UTF-8"},
		{"auto", map[string]string{"LANG": "en_US.UTF-8"}, sanitize.Codepoint, "probe failed: not a terminal"},
	} {
		m, why := chooseTextMode(tc.setting, r, w, func(k string) string { return tc.env[k] })
		if m != tc.want || !strings.Contains(why, tc.why) {
			t.Errorf("%s %v: %v (%s), want %v (%s)", tc.setting, tc.env, m, why, tc.want, tc.why)
		}
	}
}

package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"mqttchat/mqttconn/brokertest"
)

// lastLine is the last line the program wrote before it exited, without
// the terminal's control sequences.
func lastLine(raw []byte) string {
	text := regexp.MustCompile(`\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\a\x1b]*(\a|\x1b\\)|\x1b[=>]`).ReplaceAllString(string(raw), "")
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(text, "\r", "")), "\n")
	return lines[len(lines)-1]
}

// TestPersistentSessionWithUnwritableStateExitsTwo: -c cannot keep its
// outbox when the state folder cannot be written: one line, status 2, and
// no screen left behind.
func TestPersistentSessionWithUnwritableStateExitsTwo(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		notADir := filepath.Join(t.TempDir(), "file")
		os.WriteFile(notADir, []byte("x"), 0o600)
		closed := brokertest.FreeAddr(t)
		host, port, _ := strings.Cut(closed, ":")
		s := p.start(t, 100, 20, []string{"XDG_STATE_HOME=" + notADir + "/state"}, "-c", "-i", "me", "-h", host, "-p", port)
		if code := s.waitExit(); code != 2 {
			t.Fatalf("exit status %d, want 2; output %q", code, s.rawOutput())
		}
		line := lastLine(s.rawOutput())
		if !strings.HasPrefix(line, "mqttchat: --disable-clean-session: ") || !strings.Contains(line, "not a directory") {
			t.Fatalf("last line %q", line)
		}
	})
}

// TestFileRefusesDevicesAndFIFOs: /file on /dev/zero or a FIFO says why in
// the composer, and the chat goes on (it used to run out of memory with the
// terminal left raw, or hang).
func TestFileRefusesDevicesAndFIFOs(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		env, _, _ := builtinEnv(t)
		fifo := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		s := p.start(t, 200, 20, env, "-t", "room")
		s.waitFor("connected", "subscribed to room")
		cases := []struct{ path, want string }{
			{"/dev/zero", "/file: /dev/zero: not a regular file (it is a character device)"},
			{fifo, "/file: " + fifo + ": not a regular file (it is a FIFO (named pipe))"},
		}
		for _, tc := range cases {
			s.typeKeys("/file " + tc.path + "\r")
			s.waitFor(tc.want)
			s.waitFor("┃ /file " + tc.path) // the line is given back, not lost
			s.typeKeys("\x15")              // Ctrl+U empties it
		}
		s.typeKeys("still here\r")
		s.waitFor("still here ✓ sent")
		s.typeKeys("\x03")
		if code := s.waitExit(); code != 0 {
			t.Fatalf("exit status %d", code)
		}
	})
}

// TestCommandLineRefusalsThroughTheBinary: what a person types that must be
// refused, as main prints it: one line, status 2, no ESC, no password.
func TestCommandLineRefusalsThroughTheBinary(t *testing.T) {
	bin := binary(t)
	cases := []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"-h"}, "mqttchat: -h is the broker's host and needs one (as in mosquitto): for help, use --help"},
		{nil, []string{"-p", "0x5dbf"}, `invalid argument "0x5dbf" for "-p, --port" flag: not a whole number (decimal digits only)`},
		{nil, []string{"-i", "id\x1b]2;PWNED\a"}, `--id: "id\x1b]2;PWNED\a" holds a control character (U+001B)`},
		{[]string{"MQTTCHAT_CLIENT_ID=a\nb"}, nil, `MQTTCHAT_CLIENT_ID: "a\nb" holds a control character (U+000A)`},
		{nil, []string{"-u", "me", "--pw-file", "/dev/zero"}, "--pw-file: /dev/zero: not a regular file (it is a character device)"},
		{nil, []string{"--cafile", "/dev/zero"}, "--cafile: /dev/zero: not a regular file (it is a character device)"},
		{[]string{"MQTTCHAT_URL=mqtt://u:hunter2@broker:x"}, nil, `MQTTCHAT_URL: port "x" is not a number`},
		{nil, []string{"--history-size", "NaN"}, `--history-size: "NaN" is not a size`},
	}
	for _, tc := range cases {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir(),
			"MQTTCHAT_URL=", "MQTTCHAT_USERNAME=", "MQTTCHAT_PASSWORD=", "MQTTCHAT_CLIENT_ID=")
		cmd.Env = append(cmd.Env, tc.env...)
		var stderr, stdout bytes.Buffer
		cmd.Stderr, cmd.Stdout = &stderr, &stdout
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%q %q: %v, want exit status 2", tc.env, tc.args, err)
		}
		out := stderr.String()
		if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "mqttchat: ") || !strings.Contains(out, tc.want) ||
			strings.ContainsAny(out, "\x1b\a") || strings.Contains(out, "hunter2") || stdout.Len() != 0 {
			t.Errorf("%q %q: stderr %q, stdout %q; want one line with %q", tc.env, tc.args, out, stdout.String(), tc.want)
		}
	}
}

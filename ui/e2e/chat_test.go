package e2e

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// builtinEnv moves the built-in broker to free loopback ports.
func builtinEnv(t testing.TB) (env []string, tcpAddr, wsAddr string) {
	tcpAddr, wsAddr = brokertest.FreeAddr(t), brokertest.FreeAddr(t)
	return []string{"MQTTCHAT_BUILTIN_ADDR=" + tcpAddr, "MQTTCHAT_BUILTIN_WS_ADDR=" + wsAddr}, tcpAddr, wsAddr
}

// TestPersonChatsThroughTheBuiltInBroker: start with no broker named, see the
// built-in broker, receive from another client over TCP and over WebSocket,
// type and send, quit with Ctrl+C and status 0.
func TestPersonChatsThroughTheBuiltInBroker(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		env, tcpAddr, wsAddr := builtinEnv(t)
		s := p.start(t, 110, 30, env, "-t", "chat/room")
		s.waitFor("connected", "built-in broker", "ws://"+wsAddr+"/mqtt", "subscribed to chat/room")

		peer := brokertest.Connect(t, "tcp://"+tcpAddr, "peer")
		peer.Subscribe(t, "chat/#", 1)
		peer.Publish(t, "chat/room", 0, false, "hello from a device 温度")
		s.waitFor("◀ chat/room hello from a device 温度", "received: 1")

		browser := brokertest.Connect(t, "ws://"+wsAddr+"/mqtt", "browser")
		browser.Publish(t, "chat/room", 1, false, "hello over websocket")
		s.waitFor("hello over websocket", "received: 2")

		s.typeKeys("hi there")
		s.waitFor("┃ hi there")
		s.typeKeys("\r")
		s.waitFor("▶ you → chat/room hi there ✓ sent")
		if m := peer.WaitMessage(t, "chat/room", 20*time.Second); m == nil {
			t.Fatal("peer got nothing")
		}
		deadline := time.Now().Add(20 * time.Second)
		for peer.Count("chat/room") < 3 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := peer.Count("chat/room"); n != 3 {
			t.Fatalf("peer got %d messages on chat/room, want 3 (two from others, one typed)", n)
		}

		// Ctrl+C; once the screen has counted the peers (each second) it
		// asks first, and a second Ctrl+C quits.
		s.quitAnswering()
	})
}

// TestSecondCopyJoinsTheFirst: a second mqttchat started the same way finds
// the port taken and connects to the first one's broker: two terminals chat.
func TestSecondCopyJoinsTheFirst(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		env, _, _ := builtinEnv(t)
		a := p.start(t, 100, 24, env, "-t", "room")
		a.waitFor("connected", "built-in broker", "subscribed to room")
		b := p.start(t, 100, 24, env, "-t", "room")
		b.waitFor("connected", "subscribed to room")
		if strings.Contains(b.text(), "built-in broker") {
			t.Fatalf("second copy started its own broker:\n%s", b.text())
		}
		b.typeKeys("from b\r")
		a.waitFor("◀ room from b")
		a.typeKeys("from a\r")
		b.waitFor("◀ room from a")
	})
}

// TestTwoFreshCopiesChat: two copies started with no flags at all (each
// on the built-in broker of the first) talk by typing text and Enter only:
// each shows the other's message once and its own once, marked echoed.
func TestTwoFreshCopiesChat(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		env, _, _ := builtinEnv(t)
		a := p.start(t, 100, 24, env)
		a.waitFor("connected", "built-in broker", "subscribed to #", "to chat/lobby")
		b := p.start(t, 100, 24, env)
		b.waitFor("connected", "subscribed to #", "to chat/lobby")
		b.typeKeys("hello from b\r")
		b.waitFor("▶ you → chat/lobby hello from b ✓ sent · echoed")
		a.waitFor("◀ chat/lobby hello from b")
		a.typeKeys("hi b, a here\r")
		a.waitFor("▶ you → chat/lobby hi b, a here ✓ sent · echoed")
		b.waitFor("◀ chat/lobby hi b, a here")
		time.Sleep(300 * time.Millisecond) // a late duplicate row would show by now
		for name, s := range map[string]*screen{"a": a, "b": b} {
			txt := s.text()
			if strings.Count(txt, "hello from b") != 1 || strings.Count(txt, "hi b, a here") != 1 {
				t.Fatalf("%s shows a message more or less than once:\n%s", name, txt)
			}
		}
	})
}

// TestAgainstMosquittoWithLossAndReturn: a real mosquitto, named with -h/-p;
// it stops and comes back: the screen shows the loss, the return and the
// re-subscription, a QoS 1 message typed during the outage is queued and then
// acknowledged, and messages flow again.
func TestAgainstMosquittoWithLossAndReturn(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		m := brokertest.StartMosquitto(t)
		host, port, _ := strings.Cut(m.Addr(), ":")
		s := p.start(t, 120, 30, nil, "-h", host, "-p", port, "-t", "room", "-q", "1")
		s.waitFor("● connected", "subscribed to room (QoS 1)")

		m.Stop()
		s.waitFor("connection lost")
		s.typeKeys("typed offline\r")
		s.waitFor("typed offline … queued")

		m.Start()
		s.waitFor("reconnected after", "re-subscribed 1 filter", "● connected")
		s.waitFor("typed offline ✓ acknowledged")

		peer := brokertest.Connect(t, m.URL(), "peer")
		peer.Publish(t, "room", 1, false, "back again")
		s.waitFor("◀ room q1 back again")
		s.typeKeys("\x03")
		if code := s.waitExit(); code != 0 {
			t.Fatalf("exit status %d", code)
		}
	})
}

// TestHostilePayloadCannotReachTheTerminal: escape sequences in a topic and a
// payload arrive as visible text; not one ESC from them reaches the terminal.
func TestHostilePayloadCannotReachTheTerminal(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		env, tcpAddr, _ := builtinEnv(t)
		s := p.start(t, 120, 24, env)
		s.waitFor("● connected", "subscribed to #") // QoS 0 sent before would be lost
		peer := brokertest.Connect(t, "tcp://"+tcpAddr, "evil")
		peer.Publish(t, "evil/\x1b]0;TITLE\x07", 0, false, "\x1b]52;c;UFdORUQ=\x07\x1b]8;;http://x\x1b\\link\x1b[2Jboom\rX")
		s.waitFor("␛]52;c;UFdORUQ=␇", "␛[2Jboom␍X")
		// Open it: the detail view in every mode shows the bytes, never obeys them.
		s.typeKeys("\t\t\r") // focus the list, open the newest message
		s.waitFor("◀ received · evil/␛]0;TITLE␇")
		s.typeKeys("x")
		s.waitFor("00000000  1b 5d 35 32")
		s.typeKeys("b")
		s.typeKeys("t")
		s.pressEsc("◀ received · evil/", "messages (") // back to the list
		raw := s.rawOutput()
		for _, bad := range []string{"\x1b]52;", "\x1b]0;TITLE", "\x1b]8;;http://x", "UFdORUQ=\x07"} {
			if bytes.Contains(raw, []byte(bad)) {
				t.Fatalf("the terminal received %q", bad)
			}
		}
	})
}

// TestBadFlagsExitTwoBeforeAnyScreen: bad values and a missing terminal give
// one line on stderr and status 2.
func TestBadFlagsExitTwoBeforeAnyScreen(t *testing.T) {
	bin := binary(t)
	cases := map[string][]string{
		"--port: 0 is out of range":                    {"-p", "0"},
		"--port: 70000 is out of range":                {"-p", "70000"},
		"--qos: 3 is not a QoS":                        {"-q", "3"},
		`--topic: "a/#/b"`:                             {"-t", "a/#/b"},
		`--topic: "a+"`:                                {"-t", "a+"},
		`--url: unknown scheme "ftp://"`:               {"-L", "ftp://x"},
		"--url: cannot be combined":                    {"-L", "mqtt://x", "-h", "y"},
		"--pw: a password needs a user name":           {"-P", "secret"},
		"stdin is not a terminal":                      {},
		`unexpected argument "oops"`:                   {"oops"},
		`invalid argument "x" for "-p, --port"`:        {"-p", "x"},
		"unknown shorthand flag: 'Z'":                  {"-Z"},
		"--max-messages: must be at least 1":           {"--max-messages", "0"},
		"--row-lines: 0 is out of range (1-100 lines)": {"--row-lines", "0"},
	}
	for want, args := range cases {
		cmd := exec.Command(bin, args...)
		var stderr, stdout bytes.Buffer
		cmd.Stderr, cmd.Stdout = &stderr, &stdout
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Errorf("%v: err %v, want exit status 2", args, err)
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "mqttchat: ") || !strings.Contains(lines[0], want) {
			t.Errorf("%v: stderr %q, want one line with %q", args, stderr.String(), want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v: wrote to stdout: %q", args, stdout.String())
		}
	}
	out, err := exec.Command(bin, "--help").Output()
	if err != nil || !strings.Contains(string(out), "-h, --host") || !strings.Contains(string(out), "--help") ||
		!regexp.MustCompile(`-V, --protocol-version string +MQTT version: 311 \(3\.1\.1\), 5 \(MQTT 5:`).Match(out) {
		t.Fatalf("--help: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "mqttchat ") {
		t.Fatalf("--version: %v %q", err, out)
	}
}

package e2e

import (
	"bytes"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// TestCopyThroughGNUScreen: inside GNU screen, `y` in the detail view puts
// the topic on the outer terminal's clipboard: screen forwards the OSC 52
// wrapped in its passthrough to the terminal around it.
func TestCopyThroughGNUScreen(t *testing.T) {
	needScreen(t)
	dir := t.TempDir()
	screens := filepath.Join(dir, "screens")
	if err := os.Mkdir(screens, 0o700); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "screenrc")
	if err := os.WriteFile(rc, []byte("autodetach off\nstartup_message off\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, tcpAddr, _ := builtinEnv(t)
	env = append(env, "SCREENDIR="+screens, "TMUX=", "STY=")
	t.Cleanup(func() {
		cmd := exec.Command("screen", "-S", "term-e2e-copy", "-X", "quit")
		cmd.Env = append(os.Environ(), "SCREENDIR="+screens)
		_ = cmd.Run()
	})
	s := startCmd(t, 100, 30, env, "screen", "-c", rc, "-S", "term-e2e-copy", trackedBinary(t, dir), "-t", "copy/#")
	s.waitFor("connected", "subscribed to copy/#")
	topic := "copy/screen/温度"
	brokertest.Connect(t, "tcp://"+tcpAddr, "peer").Publish(t, topic, 0, false, "hello")
	s.waitFor("◀ copy/screen/温度 hello")
	s.typeKeys("\t\t\r") // focus the list, open the newest message
	s.waitFor("◀ received · copy/screen/温度")
	s.typeKeys("y")
	want := []byte("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(topic)))
	deadline := time.Now().Add(20 * time.Second)
	for !bytes.Contains(s.rawOutput(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the terminal around screen never got %q; screen shows:\n%s", want, s.text())
		}
		time.Sleep(30 * time.Millisecond)
	}
}

package e2e

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// v5Brokers are the brokers the MQTT 5 request/response tests run against.
var v5Brokers = []struct {
	name   string
	start  func(t *testing.T) (addr, url string)
	filter string // mqttchat's subscription: # covers the response topic too
}{
	{"mochi", func(t *testing.T) (string, string) { m := brokertest.StartMochi(t); return m.Addr(), m.URL() }, "chat"},
	{"mosquitto", func(t *testing.T) (string, string) { m := brokertest.StartMosquitto(t); return m.Addr(), m.URL() }, "#"},
}

// TestRequestAnsweredAndThreaded: properties set on the composer and a
// /request reach an MQTT 5 peer (paho.golang underneath), which answers on
// the response topic with the correlation data; the reply shows under the
// request, whose row counts it.
func TestRequestAnsweredAndThreaded(t *testing.T) {
	for _, b := range v5Brokers {
		t.Run(b.name, func(t *testing.T) {
			addr, url := b.start(t)
			host, port, _ := strings.Cut(addr, ":")
			bob, msgs := peer5(t, url, "svc/#")
			s := start(t, 120, 30, nil, "-V", "5", "--name", "alice", "-h", host, "-p", port, "-t", b.filter, "-q", "1")
			s.waitFor("● connected", "subscribed to "+b.filter+" (QoS 1)")
			s.typeKeys("/prop room lobby\r")
			s.typeKeys("/content-type text/plain\r")
			s.waitFor("props: 1 user · text/plain")
			s.typeKeys("/request svc/time what time is it?\r")
			var req mqttconn.Message
			select {
			case req = <-msgs:
			case <-time.After(20 * time.Second):
				t.Fatal("bob got no request")
			}
			p := req.Properties
			wantUser := []mqttconn.UserProperty{{Key: mqttconn.NameProperty, Value: "alice"}, {Key: "room", Value: "lobby"}}
			if p == nil || p.ContentType != "text/plain" || !slices.Equal(p.User, wantUser) ||
				!strings.HasPrefix(p.ResponseTopic, "mqttchat/reply/") || len(p.CorrelationData) != 16 {
				t.Fatalf("bob got %q with %+v", req.Payload, p)
			}
			if _, err := bob.Publish(mqttconn.Message{Topic: p.ResponseTopic, Payload: []byte("nine o'clock"), QoS: 1,
				Properties: &mqttconn.Properties{CorrelationData: p.CorrelationData}}); err != nil {
				t.Fatal(err)
			}
			// [props]: the composer's content type
			s.waitFor("svc/time q1 [props] what time is it?", "✓ acknowledged", "· 1 reply", "↳ reply ◀ bob ▸ q1 nine o'clock")
			s.typeKeys("/topic chat\r") // a later message: the reply came before it, once
			s.typeKeys("after\r")
			s.waitFor("chat q1 [props] after ✓ acknowledged")
			if txt := s.text(); strings.Count(txt, "nine o'clock") != 1 || strings.Contains(txt, "2 replies") {
				t.Fatalf("the reply shows more than once:\n%s", txt)
			}
			s.typeKeys("\x03")
			if code := s.waitExit(); code != 0 {
				t.Fatalf("exit status %d", code)
			}
		})
	}
}

// TestRequestWithoutReplySaysSo: a request nobody answers says so once its
// time is over.
func TestRequestWithoutReplySaysSo(t *testing.T) {
	m := brokertest.StartMochi(t)
	host, port, _ := strings.Cut(m.Addr(), ":")
	s := start(t, 120, 30, nil, "-V", "5", "-h", host, "-p", port, "-t", "chat")
	s.waitFor("● connected")
	s.typeKeys("/request-timeout 1s\r")
	s.typeKeys("/request nobody/home hello?\r")
	s.waitFor("hello? ✓ sent · no reply within 1s")
	s.typeKeys("\x03")
	s.waitExit()
}

// TestMosquittoRRIsAnsweredWithR: mosquitto_rr asks; r on its request in
// mqttchat's list answers on its response topic with its correlation
// data, and mosquitto_rr prints the answer.
func TestMosquittoRRIsAnsweredWithR(t *testing.T) {
	rr, err := exec.LookPath("mosquitto_rr")
	if err != nil {
		t.Skip("mosquitto_rr is not installed (Debian: mosquitto-clients)")
	}
	m := brokertest.StartMosquitto(t)
	host, port, _ := strings.Cut(m.Addr(), ":")
	s := start(t, 120, 30, nil, "-V", "5", "-h", host, "-p", port, "-t", "svc/#")
	s.waitFor("● connected", "subscribed to svc/#")
	var out bytes.Buffer
	cmd := exec.Command(rr, "-h", host, "-p", port, "-t", "svc/ping", "-e", "rr/answers", "-m", "ping", "-W", "20",
		"-D", "publish", "correlation-data", "abc123")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })
	s.waitFor("svc/ping [request] ping")
	s.typeKeys("\t\t") // text → topic → list: the newest row is selected
	s.typeKeys("r")
	s.waitFor("↩ answers a request on rr/answers")
	s.typeKeys("pong\r")
	select {
	case err := <-done:
		done <- err
		if err != nil || strings.TrimSpace(out.String()) != "pong" {
			t.Fatalf("mosquitto_rr: %v, printed %q", err, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("mosquitto_rr got no answer; it printed %q; the screen:\n%s", out.String(), s.text())
	}
	s.typeKeys("\x03")
	s.waitExit()
}

// TestWillPropertiesReachTheReceiver: -D will properties go with the Will
// the broker publishes when mqttchat vanishes.
func TestWillPropertiesReachTheReceiver(t *testing.T) {
	m := brokertest.StartMosquitto(t)
	host, port, _ := strings.Cut(m.Addr(), ":")
	_, msgs := peer5(t, m.URL(), "clients/+/status")
	s := start(t, 100, 24, nil, "-h", host, "-p", port, "-i", "gateway1",
		"--will-topic", "clients/gateway1/status", "--will-payload", "gone", "--will-qos", "1",
		"-D", "will", "content-type", "text/plain", "-D", "will", "user-property", "site", "lab",
		"-D", "will", "will-delay-interval", "1", "-D", "connect", "user-property", "who", "gateway")
	s.waitFor("● connected")
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-msgs:
		p := msg.Properties
		if string(msg.Payload) != "gone" || p == nil || p.ContentType != "text/plain" ||
			!slices.Equal(p.User, []mqttconn.UserProperty{{Key: "site", Value: "lab"}}) {
			t.Fatalf("will %q with %+v", msg.Payload, p)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no will")
	}
}

// Package brokertest starts brokers for tests: the in-process mochi-mqtt
// broker and a real mosquitto, each on a free loopback port, and gives tests
// a plain paho client to talk to them from the other side.
package brokertest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"mqttchat/mqttconn/broker"
)

// Broker is a broker under a test's control.
type Broker interface {
	Addr() string // host:port on loopback
	URL() string  // tcp://host:port
	Stop()        // stop accepting and drop every client
	Start()       // start again on the same port
}

// FreeAddr returns a loopback host:port that was free a moment ago, and
// that no other test takes until this one ends.
//
// The port is drawn below the kernel's ephemeral range (32768 and up on
// Linux), so that no outgoing connection of another test can take it while
// a broker restarts on it or appears on it later. And it is claimed for the
// test's life with a lock file that every test process checks (go test runs
// packages in parallel processes, and a port free now may be drawn by
// another process before the broker or the binary listens on it).
func FreeAddr(t testing.TB) string {
	t.Helper()
	for range 200 {
		port := 20000 + rand.IntN(12000)
		claim, ok := claimPort(port)
		if !ok {
			continue // another test process holds it
		}
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			claim.Close()
			continue // taken: another test's, or this machine's
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		t.Cleanup(func() { claim.Close() }) // the lock goes with the file, or with the process
		return addr
	}
	t.Fatal("no free port between 20000 and 32000")
	return ""
}

// claimPort takes the lock on port's file in a folder shared by every test
// process of this user; false when another holds it. The lock is released
// when the file is closed or the process ends, so a crashed run leaves no
// claim behind.
func claimPort(port int) (*os.File, bool) {
	dir := filepath.Join(os.TempDir(), "mqttchat-test-ports-"+strconv.Itoa(os.Getuid()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, true // no claims possible here: the listen check alone
	}
	f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(port)), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, true
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, false
	}
	return f, true
}

// Mochi is the in-process broker.
type Mochi struct {
	t     testing.TB
	addr  string
	hooks []mqtt.Hook
	mu    sync.Mutex
	srv   *mqtt.Server
}

// StartMochi starts the in-process broker with an allow-all hook, or with the
// given hooks instead. It is stopped when the test ends.
func StartMochi(t testing.TB, hooks ...mqtt.Hook) *Mochi {
	t.Helper()
	if len(hooks) == 0 {
		hooks = []mqtt.Hook{new(auth.AllowHook)}
	}
	m := &Mochi{t: t, addr: FreeAddr(t), hooks: hooks}
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

// Addr implements Broker.
func (m *Mochi) Addr() string { return m.addr }

// URL implements Broker.
func (m *Mochi) URL() string { return "tcp://" + m.addr }

// Start implements Broker.
func (m *Mochi) Start() {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.srv != nil {
		return
	}
	srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Capabilities: broker.Capabilities()})
	for _, h := range m.hooks {
		if err := srv.AddHook(h, nil); err != nil {
			m.t.Fatalf("mochi hook: %v", err)
		}
	}
	var err error
	for i := 0; i < 50; i++ { // the port may linger briefly after a stop
		if err = srv.AddListener(listeners.NewTCP(listeners.Config{ID: "t", Address: m.addr})); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		m.t.Fatalf("mochi listen: %v", err)
	}
	if err := srv.Serve(); err != nil {
		m.t.Fatalf("mochi serve: %v", err)
	}
	m.srv = srv
}

// Stop implements Broker.
func (m *Mochi) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.srv != nil {
		_ = broker.CloseServer(m.srv)
		m.srv = nil
	}
}

// Mosquitto is a real mosquitto process.
type Mosquitto struct {
	t    testing.TB
	addr string
	conf string
	log  *bytes.Buffer
	cmd  *exec.Cmd
}

// MosquittoPath finds the mosquitto binary. Without it the test is skipped,
// unless CI is set, where a missing mosquitto fails the test.
func MosquittoPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"mosquitto", "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("mosquitto is not installed (CI must install it: apt-get install -y mosquitto)")
	}
	t.Skip("mosquitto is not installed")
	return ""
}

// StartMosquitto runs mosquitto on a free loopback port with the extra
// configuration lines given (after the first listener; a later "listener"
// line starts another one). It is stopped when the test ends.
func StartMosquitto(t testing.TB, extraConf ...string) *Mosquitto {
	t.Helper()
	m := NewMosquitto(t, FreeAddr(t), extraConf...)
	m.Start()
	return m
}

// NewMosquitto configures mosquitto on addr without starting it (for a
// broker that appears later). It is stopped when the test ends.
func NewMosquitto(t testing.TB, addr string, extraConf ...string) *Mosquitto {
	t.Helper()
	_, port, _ := net.SplitHostPort(addr)
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	text := fmt.Sprintf("per_listener_settings true\nmax_queued_messages 10000000\n%slistener %s 127.0.0.1\nallow_anonymous true\n", runAs(), port)
	for _, l := range extraConf {
		text += l + "\n"
	}
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Mosquitto{t: t, addr: addr, conf: conf, log: new(bytes.Buffer)}
	t.Cleanup(m.Stop)
	return m
}

// Freeze stops the broker's process without closing its sockets (SIGSTOP).
func (m *Mosquitto) Freeze() { _ = m.cmd.Process.Signal(syscall.SIGSTOP) }

// Thaw resumes a frozen broker (SIGCONT).
func (m *Mosquitto) Thaw() { _ = m.cmd.Process.Signal(syscall.SIGCONT) }

// Pid is the broker's process id (for measuring its CPU), 0 when stopped.
func (m *Mosquitto) Pid() int {
	if m.cmd == nil {
		return 0
	}
	return m.cmd.Process.Pid
}

// Addr implements Broker.
func (m *Mosquitto) Addr() string { return m.addr }

// URL implements Broker.
func (m *Mosquitto) URL() string { return "tcp://" + m.addr }

// Start implements Broker.
func (m *Mosquitto) Start() {
	m.t.Helper()
	if m.cmd != nil {
		return
	}
	cmd := exec.Command(MosquittoPath(m.t), "-c", m.conf)
	cmd.Stdout, cmd.Stderr = m.log, m.log
	if err := cmd.Start(); err != nil {
		m.t.Fatalf("start mosquitto: %v", err)
	}
	m.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", m.addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	m.t.Fatalf("mosquitto did not listen on %s: %s", m.addr, m.log.String())
}

// Stop implements Broker.
func (m *Mosquitto) Stop() {
	if m.cmd == nil {
		return
	}
	m.Thaw()
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-done
	}
	m.cmd = nil
}

// Peer is a plain paho client on the other side of the broker.
type Peer struct {
	paho.Client
	mu   sync.Mutex
	msgs []paho.Message
}

// Connect connects a peer with the given client id, stopped at test end.
func Connect(t testing.TB, url, id string) *Peer {
	t.Helper()
	p := &Peer{}
	opts := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetProtocolVersion(4).
		SetAutoReconnect(false).SetConnectTimeout(10 * time.Second).
		SetDefaultPublishHandler(func(_ paho.Client, m paho.Message) {
			p.mu.Lock()
			p.msgs = append(p.msgs, m)
			p.mu.Unlock()
		})
	p.Client = paho.NewClient(opts)
	if err := wait(p.Client.Connect()); err != nil {
		t.Fatalf("peer connect: %v", err)
	}
	t.Cleanup(func() { p.Client.Disconnect(100) })
	return p
}

// Subscribe subscribes the peer and waits for the SUBACK.
func (p *Peer) Subscribe(t testing.TB, filter string, qos byte) {
	t.Helper()
	if err := wait(p.Client.Subscribe(filter, qos, nil)); err != nil {
		t.Fatalf("peer subscribe: %v", err)
	}
}

// Publish publishes and waits for the token.
func (p *Peer) Publish(t testing.TB, topic string, qos byte, retain bool, payload string) {
	t.Helper()
	if err := wait(p.Client.Publish(topic, qos, retain, payload)); err != nil {
		t.Fatalf("peer publish: %v", err)
	}
}

// WaitMessage waits for a message on topic and returns it.
func (p *Peer) WaitMessage(t testing.TB, topic string, timeout time.Duration) paho.Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		for _, m := range p.msgs {
			if m.Topic() == topic {
				p.mu.Unlock()
				return m
			}
		}
		p.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("peer got no message on %q within %v", topic, timeout)
	return nil
}

// Count is the number of messages the peer received on topic.
func (p *Peer) Count(topic string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, m := range p.msgs {
		if m.Topic() == topic {
			n++
		}
	}
	return n
}

func wait(tok paho.Token) error {
	if !tok.WaitTimeout(20 * time.Second) {
		return errors.New("timed out")
	}
	return tok.Error()
}

// runAs keeps mosquitto, started by root, from dropping to a user that
// cannot read the test's private temporary files.
func runAs() string {
	if os.Getuid() == 0 {
		return "user root\n"
	}
	return ""
}

// PasswordHook lets in only the given user name and password.
type PasswordHook struct {
	mqtt.HookBase
	User, Pass string
}

// ID implements mqtt.Hook.
func (h *PasswordHook) ID() string { return "password" }

// Provides implements mqtt.Hook.
func (h *PasswordHook) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}

// OnConnectAuthenticate implements mqtt.Hook.
func (h *PasswordHook) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	return string(pk.Connect.Username) == h.User && string(pk.Connect.Password) == h.Pass
}

// OnACLCheck implements mqtt.Hook.
func (h *PasswordHook) OnACLCheck(*mqtt.Client, string, bool) bool { return true }

// Subscribed reports whether the client with this id holds a subscription
// that matches the topic name, as the broker sees it.
func (m *Mochi) Subscribed(clientID, topicName string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.srv == nil {
		return false
	}
	_, ok := m.srv.Topics.Subscribers(topicName).Subscriptions[clientID]
	return ok
}

// WaitPayload waits for a message on topic with this payload.
func (p *Peer) WaitPayload(t testing.TB, topic, payload string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		for _, m := range p.msgs {
			if m.Topic() == topic && string(m.Payload()) == payload {
				p.mu.Unlock()
				return
			}
		}
		p.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("peer got no %q on %q within %v", payload, topic, timeout)
}

// WaitCount waits until the peer has received at least n messages on
// topic: unlike WaitPayload, it does not return at once for a second
// message with the same payload as one already received.
func (p *Peer) WaitCount(t testing.TB, topic string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for p.Count(topic) < n {
		if time.Now().After(deadline) {
			t.Fatalf("peer got %d messages on %q within %v, want %d", p.Count(topic), topic, timeout, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

package cli

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/broker"
	"mqttchat/mqttconn/brokertest"
)

// settingsFor runs the command line up to the chat and returns its settings.
func settingsFor(t *testing.T, args ...string) (settings, int, string) {
	t.Helper()
	var got settings
	code, _, errOut := runApp(t, func(s settings, _ sources) error { got = s; return nil }, args...)
	return got, code, errOut
}

// outcome connects with the settings and returns the first connected or
// failed event.
func outcome(t *testing.T, s settings) mqttconn.Event {
	t.Helper()
	cfg := connConfig(s)
	cfg.MinBackoff = 50 * time.Millisecond
	c, err := mqttconn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Start()
	t.Cleanup(c.Close)
	deadline := time.After(15 * time.Second)
	for {
		select {
		case <-c.Queue().Ready():
			evs, _ := c.Queue().Drain()
			for _, ev := range evs {
				if ev.Kind == mqttconn.KindConnected || ev.Kind == mqttconn.KindConnectFailed {
					return ev
				}
			}
		case <-deadline:
			t.Fatal("neither connected nor failed")
		}
	}
}

func port(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }

// TestTLSAndPasswordsAgainstMosquitto: a TLS listener with a password file
// and one that requires a client certificate, reached through the real
// flags, with every way it can go wrong explained.
func TestTLSAndPasswordsAgainstMosquitto(t *testing.T) {
	mosquittoPasswd, err := exec.LookPath("mosquitto_passwd")
	if err != nil {
		brokertest.MosquittoPath(t) // fails under CI, skips elsewhere
		t.Skip("no mosquitto_passwd")
	}
	certs := brokertest.MakeCerts(t)
	pwFile := filepath.Join(t.TempDir(), "passwd")
	if out, err := exec.Command(mosquittoPasswd, "-c", "-b", pwFile, "alice", "s3cret").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	tlsAddr, mtlsAddr := brokertest.FreeAddr(t), brokertest.FreeAddr(t)
	brokertest.StartMosquitto(t,
		"listener "+port(tlsAddr)+" 127.0.0.1", "cafile "+certs.CA, "certfile "+certs.ServerCert, "keyfile "+certs.ServerKey,
		"password_file "+pwFile, "allow_anonymous false",
		"listener "+port(mtlsAddr)+" 127.0.0.1", "cafile "+certs.CA, "certfile "+certs.ServerCert, "keyfile "+certs.ServerKey,
		"require_certificate true", "allow_anonymous true",
	)
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("s3cret\n"), 0o600)
	tests := []struct {
		name  string
		args  []string
		ok    bool
		fatal string
	}{
		{"cafile switches -h/-p to TLS", []string{"-h", "127.0.0.1", "-p", port(tlsAddr), "--cafile", certs.CA, "-u", "alice", "--pw-file", pw}, true, ""},
		{"mqtts URL with user and password", []string{"-L", "mqtts://alice:s3cret@localhost:" + port(tlsAddr) + "/x", "--cafile", certs.CA}, true, ""},
		{"capath", []string{"-L", "ssl://localhost:" + port(tlsAddr), "--capath", certs.Dir, "-u", "alice", "--pw-file", pw}, true, ""},
		{"tls 1.3 only", []string{"-L", "tls://localhost:" + port(tlsAddr), "--cafile", certs.CA, "--tls-version", "tlsv1.3", "-u", "alice", "--pw-file", pw}, true, ""},
		{"wrong password", []string{"-L", "mqtts://alice:wrong@localhost:" + port(tlsAddr), "--cafile", certs.CA}, false, "not authorised"}, // mosquitto's answer to 3.1.1 clients
		{"no password", []string{"-L", "mqtts://localhost:" + port(tlsAddr), "--cafile", certs.CA}, false, "not authorised"},
		{"wrong CA", []string{"-L", "mqtts://alice:s3cret@localhost:" + port(tlsAddr), "--cafile", certs.OtherCA}, false, "unknown authority (give its CA with --cafile"},
		{"system CAs only", []string{"-L", "mqtts://alice:s3cret@localhost:" + port(tlsAddr)}, false, "unknown authority"},
		{"insecure", []string{"-L", "mqtts://alice:s3cret@localhost:" + port(tlsAddr), "--cafile", certs.OtherCA, "--insecure"}, true, ""},
		{"plain MQTT to a TLS port", []string{"-h", "127.0.0.1", "-p", port(tlsAddr), "-u", "alice", "--pw-file", pw}, false, ""},
		{"client certificate", []string{"-L", "mqtts://localhost:" + port(mtlsAddr), "--cafile", certs.CA, "--cert", certs.ClientCert, "--key", certs.ClientKey}, true, ""},
		{"missing client certificate", []string{"-L", "mqtts://localhost:" + port(mtlsAddr), "--cafile", certs.CA, "--tls-version", "tlsv1.2"}, false, "TLS: the broker refused the handshake: handshake failure (does it want a client certificate? --cert/--key"},
	}
	for _, v := range protocols {
		t.Run(v.name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					s, code, errOut := settingsFor(t, v.args(tt.args...)...)
					if code != 0 {
						t.Fatalf("command line refused: %s", errOut)
					}
					if (s.protocol == 5) != v.v5 {
						t.Fatalf("protocol %d", s.protocol)
					}
					ev := outcome(t, s)
					fatal := tt.fatal
					if v.v5 { // mosquitto's answer to MQTT 5 clients, reason code 0x87
						fatal = strings.Replace(fatal, "not authorised", "connection refused: not authorized", 1)
					}
					switch {
					case tt.ok && ev.Kind != mqttconn.KindConnected:
						t.Fatalf("did not connect: %v", ev.Err)
					case !tt.ok && ev.Kind != mqttconn.KindConnectFailed:
						t.Fatal("connected, but should not have")
					case fatal != "" && (!ev.Fatal || !strings.Contains(ev.Err.Error(), fatal)):
						t.Fatalf("failure %q (fatal %v), want a fatal one saying %q", ev.Err, ev.Fatal, fatal)
					}
					if s.insecure != strings.Contains(tt.name, "insecure") {
						t.Fatalf("insecure = %v", s.insecure)
					}
				})
			}
		})
	}
}

// protocol is the MQTT version a test's command line asks for.
type protocol struct {
	name string
	v5   bool
}

// protocols: MQTT 3.1.1 (the default: no flag, the command line as it
// was before MQTT 5) and MQTT 5 (-V 5).
var protocols = []protocol{{name: "311"}, {name: "5", v5: true}}

// args is args with -V 5 in front over MQTT 5.
func (p protocol) args(args ...string) []string {
	if p.v5 {
		return append([]string{"-V", "5"}, args...)
	}
	return args
}

// startMochiTLS runs the in-process broker with TLS on addr, over TCP or WebSocket.
func startMochiTLS(t *testing.T, addr, certFile, keyFile string, ws bool) {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv.AddHook(new(auth.AllowHook), nil)
	cfg := listeners.Config{ID: "tls", Address: addr, TLSConfig: &tls.Config{Certificates: []tls.Certificate{pair}}}
	var l listeners.Listener = listeners.NewTCP(cfg)
	if ws {
		l = listeners.NewWebsocket(cfg)
	}
	if err := srv.AddListener(l); err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { broker.CloseServer(srv) })
	for range 50 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTLSFailuresInWords: an expired certificate and a host name mismatch
// are explained and not retried; wss:// works through a path.
func TestTLSFailuresInWords(t *testing.T) {
	for _, v := range protocols {
		t.Run(v.name, func(t *testing.T) { tlsFailuresInWords(t, v) })
	}
}

func tlsFailuresInWords(t *testing.T, v protocol) {
	certs := brokertest.MakeCerts(t)
	expired := brokertest.FreeAddr(t)
	startMochiTLS(t, expired, certs.ExpiredCert, certs.ExpiredKey, false)
	s, _, _ := settingsFor(t, v.args("-L", "mqtts://localhost:"+port(expired), "--cafile", certs.CA)...)
	if ev := outcome(t, s); !ev.Fatal || !strings.Contains(ev.Err.Error(), "expired") {
		t.Fatalf("expired: %v (fatal %v)", ev.Err, ev.Fatal)
	}

	mismatch := "127.0.0.2:" + port(brokertest.FreeAddr(t))
	startMochiTLS(t, mismatch, certs.ServerCert, certs.ServerKey, false)
	s, _, _ = settingsFor(t, v.args("-L", "mqtts://"+mismatch, "--cafile", certs.CA)...)
	if ev := outcome(t, s); !ev.Fatal || !strings.Contains(ev.Err.Error(), "host name mismatch") {
		t.Fatalf("mismatch: %v (fatal %v)", ev.Err, ev.Fatal)
	}

	wss := brokertest.FreeAddr(t)
	startMochiTLS(t, wss, certs.ServerCert, certs.ServerKey, true)
	s, _, _ = settingsFor(t, v.args("-L", "wss://localhost:"+port(wss)+"/mqtt", "--cafile", certs.CA)...)
	if ev := outcome(t, s); ev.Kind != mqttconn.KindConnected {
		t.Fatalf("wss: %v", ev.Err)
	}
	if s.server != "wss://localhost:"+port(wss)+"/mqtt" {
		t.Fatalf("wss server %q", s.server)
	}
}

func TestNetworkFailuresInWords(t *testing.T) {
	for _, v := range protocols {
		t.Run(v.name, func(t *testing.T) { networkFailuresInWords(t, v) })
	}
}

func networkFailuresInWords(t *testing.T, v protocol) {
	s, _, _ := settingsFor(t, v.args("-h", "no-such-host.invalid", "-p", "1883")...)
	if ev := outcome(t, s); ev.Fatal || !strings.Contains(ev.Err.Error(), `unknown host "no-such-host.invalid"`) {
		t.Fatalf("unknown host: %v (fatal %v)", ev.Err, ev.Fatal)
	}
	closed := brokertest.FreeAddr(t)
	s, _, _ = settingsFor(t, v.args("-h", "127.0.0.1", "-p", port(closed))...)
	if ev := outcome(t, s); ev.Fatal || !strings.Contains(ev.Err.Error(), "connection refused by 127.0.0.1:"+port(closed)) || ev.RetryIn <= 0 {
		t.Fatalf("refused: %v (fatal %v, retry in %v)", ev.Err, ev.Fatal, ev.RetryIn)
	}
	// A listener that never answers: a timeout.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	s, _, _ = settingsFor(t, v.args("-h", "127.0.0.1", "-p", port(ln.Addr().String()))...)
	cfg := connConfig(s)
	cfg.ConnectTimeout = 300 * time.Millisecond
	c, _ := mqttconn.New(cfg)
	c.Start()
	defer c.Close()
	for {
		<-c.Queue().Ready()
		evs, _ := c.Queue().Drain()
		for _, ev := range evs {
			if ev.Kind == mqttconn.KindConnectFailed {
				if !strings.Contains(ev.Err.Error(), "timed out connecting to 127.0.0.1:") || ev.Fatal {
					t.Fatalf("silent listener: %v (fatal %v)", ev.Err, ev.Fatal)
				}
				return
			}
		}
	}
}

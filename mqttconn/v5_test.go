package mqttconn_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"

	"mqttchat/mqttconn"
	"mqttchat/mqttconn/brokertest"
)

// testProtocol is the protocol newClient speaks: 0 (the default, MQTT
// 3.1.1), or 5 while TestV5ClientSuite runs.
var testProtocol uint

// TestV5ClientSuite runs the client tests again over MQTT 5: what works
// over 3.1.1 works the same over 5. A test that cannot hold over 5 is
// listed with the reason it is skipped, and what covers it over 5.
func TestV5ClientSuite(t *testing.T) {
	testProtocol = 5
	defer func() { testProtocol = 0 }()
	scripted311 := "the script writes MQTT 3.1.1 packets; "
	for _, tc := range []struct {
		name string
		test func(*testing.T)
		skip string // why it cannot run over MQTT 5
	}{
		{"ChatFlow", TestChatFlow, ""},
		{"ReconnectResubscribesAndResends", TestReconnectResubscribesAndResends, ""},
		{"FirstConnectFailsThenSucceeds", TestFirstConnectFailsThenSucceeds, ""},
		{"RefusedSubscriptionIsReported", TestRefusedSubscriptionIsReported, ""},
		{"BadCredentialsStopRetrying", TestBadCredentialsStopRetrying, ""},
		{"LiveSubscribeAndUnsubscribe", TestLiveSubscribeAndUnsubscribe, ""},
		{"PersistentSessionDeliversWhatWasQueued", TestPersistentSessionDeliversWhatWasQueued, ""},
		{"OutboxSurvivesARestartOfMqttchat", TestOutboxSurvivesARestartOfMqttchat, ""},
		{"SessionPresentIsNotResubscribed", TestSessionPresentIsNotResubscribed, ""},
		{"ClientIDInUseIsSuggested", TestClientIDInUseIsSuggested, ""},
		{"QoS2QueuedInAnOutageAllArrive", TestQoS2QueuedInAnOutageAllArrive, ""},
		{"FaultRunConverges", TestFaultRunConverges, ""},
		{"WebSocketIsDialledByUs", TestWebSocketIsDialledByUs, ""},
		{"UndefinedConnackCodeIsARefusal", TestUndefinedConnackCodeIsARefusal,
			"return code 7 is a 3.1.1 matter: every MQTT 5 CONNACK code has a meaning (TestV5ScriptedConnack)"},
		{"TakeoversStopTheRetries", TestTakeoversStopTheRetries, ""},
		{"OversizedMessageIsDroppedAndAcknowledged", TestOversizedMessageIsDroppedAndAcknowledged, ""},
		{"MixedQoSKeepsTheWiresOrder", TestMixedQoSKeepsTheWiresOrder, ""},
		{"PacketsAreObserved", TestPacketsAreObserved, scripted311 + "and paho.golang sends a PINGREQ right after CONNACK, so the order differs; over 5: TestV5PropertiesInPackets"},
		{"CloseDoesNotWaitOnTheBroker", TestCloseDoesNotWaitOnTheBroker, ""},
		{"InboundQoS2RedeliveryIsDeliveredOnce", TestInboundQoS2RedeliveryIsDeliveredOnce, ""},
		{"QoS2AnsweredWithPubackIsSaidSo", TestQoS2AnsweredWithPubackIsSaidSo, "a 3.1.1 broker's habit (RabbitMQ); an MQTT 5 broker that takes no QoS 2 says so in its CONNACK (Maximum QoS)"},
		{"WindowKeepsWithinTheBrokersQuota", TestWindowKeepsWithinTheBrokersQuota, "a 3.1.1 broker drops the excess silently; an MQTT 5 broker says its Receive Maximum (TestV5ReceiveMaximum, TestV5ScriptedReasons)"},
		{"ResendKeepsPacketIDsAndDUP", TestResendKeepsPacketIDsAndDUP, ""},
		{"PacketIDsSurviveARestart", TestPacketIDsSurviveARestart, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip("not over MQTT 5: " + tc.skip)
			}
			tc.test(t)
		})
	}
}

// newClient5 is newClient speaking MQTT 5, with cfg changed by mod.
func newClient5(t *testing.T, url string, mod func(*mqttconn.Config), subs ...mqttconn.Subscription) (*mqttconn.Client, *collector) {
	t.Helper()
	cfg := mqttconn.Config{
		Server:          url,
		Subscriptions:   subs,
		ProtocolVersion: 5,
		MinBackoff:      50 * time.Millisecond,
		MaxBackoff:      300 * time.Millisecond,
		KeepAlive:       5 * time.Second,
		ConnectTimeout:  testConnectTimeout,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := mqttconn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	col := collect(t, c.Queue())
	c.Start()
	t.Cleanup(c.Close)
	return c, col
}

func named(name string) func(*mqttconn.Config) {
	return func(c *mqttconn.Config) { c.Name = name }
}

func subscribedTo(filter string) func(mqttconn.Event) bool {
	return func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindSubscribed && e.Filter == filter }
}

// event is the collector's event i, read under its lock.
func (c *collector) event(i int) mqttconn.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.events[i]
}

// TestV5ChatFlow: two MQTT 5 clients talk both ways at QoS 0, 1 and 2;
// each message carries its sender's name and properties, and an MQTT
// 3.1.1 client on the same broker gets the same messages.
func TestV5ChatFlow(t *testing.T) {
	for name, start := range brokers(t) {
		t.Run(name, func(t *testing.T) {
			b := start(t)
			alice, acol := newClient5(t, b.URL(), named("alice"), mqttconn.Subscription{Filter: "chat/#", QoS: 2})
			bob, bcol := newClient5(t, b.URL(), named("bob"), mqttconn.Subscription{Filter: "chat/#", QoS: 2})
			acol.waitFor(t, 0, "alice subscribed", subscribedTo("chat/#"))
			bcol.waitFor(t, 0, "bob subscribed", subscribedTo("chat/#"))
			peer := brokertest.Connect(t, b.URL(), "peer311")
			peer.Subscribe(t, "chat/#", 2)

			props := &mqttconn.Properties{
				PayloadFormat:   1,
				ContentType:     "application/json",
				ResponseTopic:   "chat/replies",
				CorrelationData: []byte{0, 1, 0xff},
				MessageExpiry:   time.Hour,
				User:            []mqttconn.UserProperty{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}},
			}
			for qos := byte(0); qos <= 2; qos++ {
				topic := "chat/q" + string('0'+qos)
				payload := `{"n":` + string('0'+qos) + `}`
				id, err := alice.Publish(mqttconn.Message{Topic: topic, Payload: []byte(payload), QoS: qos, Properties: props})
				if err != nil {
					t.Fatal(err)
				}
				want := mqttconn.StateAcked
				if qos == 0 {
					want = mqttconn.StateSent
				}
				acol.waitFor(t, 0, "alice's message settled", publishState(id, want))
				m := bcol.event(bcol.waitFor(t, 0, "bob got "+topic, message(topic))).Message
				if string(m.Payload) != payload || m.QoS != qos {
					t.Fatalf("bob got %q at QoS %d, want %q at %d", m.Payload, m.QoS, payload, qos)
				}
				if m.Sender() != "alice" {
					t.Fatalf("sender = %q, want alice (properties %+v)", m.Sender(), m.Properties)
				}
				p := m.Properties
				if p.ContentType != "application/json" || p.ResponseTopic != "chat/replies" || string(p.CorrelationData) != "\x00\x01\xff" || p.PayloadFormat != 1 {
					t.Fatalf("properties = %+v", p)
				}
				if p.MessageExpiry <= 0 || p.MessageExpiry > time.Hour {
					t.Fatalf("message expiry = %v", p.MessageExpiry)
				}
				var users []string
				for _, u := range p.User {
					users = append(users, u.Key+"="+u.Value)
				}
				if got := strings.Join(users, ","); got != "mqttchat-name=alice,k=1,k=2" {
					t.Fatalf("user properties = %s", got)
				}
				if pm := peer.WaitMessage(t, topic, 5*time.Second); string(pm.Payload()) != payload {
					t.Fatalf("3.1.1 peer got %q", pm.Payload())
				}
			}

			// The other way, without properties but the name.
			id, err := bob.Publish(mqttconn.Message{Topic: "chat/back", Payload: []byte("hi alice"), QoS: 1})
			if err != nil {
				t.Fatal(err)
			}
			bcol.waitFor(t, 0, "bob's message acknowledged", publishState(id, mqttconn.StateAcked))
			m := acol.event(acol.waitFor(t, 0, "alice got it", message("chat/back"))).Message
			if m.Sender() != "bob" || len(m.Properties.User) != 1 {
				t.Fatalf("sender %q, properties %+v", m.Sender(), m.Properties)
			}

			// A 3.1.1 peer's message reaches an MQTT 5 client without a
			// name (mochi adds its own message expiry).
			peer.Publish(t, "chat/plain", 1, false, "from 3.1.1")
			m = acol.event(acol.waitFor(t, 0, "plain message", message("chat/plain"))).Message
			if m.Sender() != "" || m.Properties != nil && (m.Properties.User != nil || m.Properties.ContentType != "") {
				t.Fatalf("a message without properties has %+v", m.Properties)
			}
		})
	}
}

// denySecret is a mochi hook that lets everyone in and refuses every
// topic under secret/.
type denySecret struct{ mqtt.HookBase }

func (*denySecret) ID() string { return "deny-secret" }
func (*denySecret) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (*denySecret) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }
func (*denySecret) OnACLCheck(_ *mqtt.Client, topic string, _ bool) bool {
	return !strings.HasPrefix(topic, "secret/")
}

// TestV5RefusalsInWords: a broker that refuses a subscription and a
// publish at QoS 1 and 2 says why, in words, and the connection goes on.
// mosquitto 2.0 with an acl_file grants every subscription and checks the
// file only when it delivers, so it refuses the publishes only; with the
// access control list of its dynamic security plugin it refuses both.
func TestV5RefusalsInWords(t *testing.T) {
	acl := filepath.Join(t.TempDir(), "acl")
	if err := os.WriteFile(acl, []byte("topic readwrite chat/#\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		start     func(t *testing.T) brokertest.Broker
		subRefuse bool
	}{
		{"mochi", func(t *testing.T) brokertest.Broker { return brokertest.StartMochi(t, &denySecret{}) }, true},
		{"mosquitto", func(t *testing.T) brokertest.Broker { return brokertest.StartMosquitto(t, "acl_file "+acl) }, false},
		{"mosquitto dynamic security", func(t *testing.T) brokertest.Broker {
			return brokertest.StartMosquitto(t, brokertest.DenyConf(t, "secret/#")...)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.start(t)
			subs := []mqttconn.Subscription{{Filter: "chat/#", QoS: 1}}
			if tc.subRefuse {
				subs = append(subs, mqttconn.Subscription{Filter: "secret/#", QoS: 1})
			}
			c, col := newClient5(t, b.URL(), nil, subs...)
			col.waitFor(t, 0, "allowed subscription", subscribedTo("chat/#"))
			if tc.subRefuse {
				i := col.waitFor(t, 0, "refused subscription", func(e mqttconn.Event) bool {
					return e.Kind == mqttconn.KindSubscribeFailed && e.Filter == "secret/#"
				})
				if err := col.event(i).Err; !errors.Is(err, mqttconn.ErrRefused) || err.Error() != "refused by the broker: not authorized" {
					t.Fatalf("refused subscription: %v", err)
				}
			}
			for qos := byte(1); qos <= 2; qos++ {
				id, err := c.Publish(mqttconn.Message{Topic: "secret/x", Payload: []byte("no"), QoS: qos})
				if err != nil {
					t.Fatal(err)
				}
				i := col.waitFor(t, 0, "refused publish", publishState(id, mqttconn.StateFailed))
				var rc *mqttconn.ReasonCodeError
				if err := col.event(i).Err; !errors.As(err, &rc) || rc.Code != mqttconn.ReasonCodeNotAuthorized || err.Error() != "not authorized" {
					t.Fatalf("QoS %d refused publish: %v", qos, err)
				}
			}
			// The connection goes on: an allowed publish is acknowledged.
			id, err := c.Publish(mqttconn.Message{Topic: "chat/ok", Payload: []byte("yes"), QoS: 2})
			if err != nil {
				t.Fatal(err)
			}
			col.waitFor(t, 0, "allowed publish", publishState(id, mqttconn.StateAcked))
			if n := c.Pending(); n != 0 {
				t.Fatalf("Pending = %d after every message settled", n)
			}
		})
	}
}

// TestV5SessionTakenOver: a second client with the same id takes the
// session. A broker that tells the first why (DISCONNECT, session taken
// over: mochi, and mosquitto from 2.0.15) has it stop at once, in words,
// while the second stays. mosquitto before 2.0.15 closes without a word
// (eclipse-mosquitto/mosquitto#2340, #2607): there the two stop fighting
// as over MQTT 3.1.1, one of them saying the id is probably in use.
func TestV5SessionTakenOver(t *testing.T) {
	for name, start := range brokers(t) {
		t.Run(name, func(t *testing.T) {
			b := start(t)
			says := name == "mochi" || brokertest.MosquittoAtLeast(t, 2, 0, 15)
			same := func(c *mqttconn.Config) { c.ClientID = "mqttchatTakeover1"; c.MaxBackoff = 50 * time.Millisecond }
			_, first := newClient5(t, b.URL(), same)
			first.waitFor(t, 0, "first connected", kind(mqttconn.KindConnected))
			_, second := newClient5(t, b.URL(), same)
			second.waitFor(t, 0, "second connected", kind(mqttconn.KindConnected))
			stopped := func(k *collector) error {
				k.mu.Lock()
				defer k.mu.Unlock()
				for _, e := range k.events {
					if e.Kind == mqttconn.KindConnectFailed && e.Fatal {
						return e.Err
					}
				}
				return nil
			}
			if says {
				i := first.waitFor(t, 0, "first lost", kind(mqttconn.KindLost))
				ev := first.event(i)
				var rc *mqttconn.ReasonCodeError
				var ce *mqttconn.ConnectError
				if !errors.As(ev.Err, &rc) || rc.Code != mqttconn.ReasonCodeSessionTakenOver || !ev.Fatal ||
					!errors.As(ev.Err, &ce) || ce.Reason != mqttconn.ReasonTakeover ||
					!strings.Contains(ev.Err.Error(), "another client connected with this client id") {
					t.Fatalf("lost: %v (fatal %v)", ev.Err, ev.Fatal)
				}
				first.waitFor(t, i, "retries stopped", func(e mqttconn.Event) bool { return e.Kind == mqttconn.KindConnectFailed && e.Fatal })
				if err := stopped(second); err != nil {
					t.Fatalf("the second client stopped too: %v", err)
				}
				return
			}
			t.Logf("mosquitto %v sends no DISCONNECT on a take-over (2.0.15 does)", brokertest.MosquittoVersion(t))
			for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				err := stopped(first)
				if err == nil {
					err = stopped(second)
				}
				if err != nil {
					var ce *mqttconn.ConnectError
					if !errors.As(err, &ce) || ce.Reason != mqttconn.ReasonTakeover || !strings.Contains(err.Error(), "client id is probably in use by another client") {
						t.Errorf("stopped with %v", err)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatal("the two clients never stopped taking over from each other")
				}
			}
		})
	}
}

// TestV5ConnackInWords: a refused CONNECT says why, and is not retried.
func TestV5ConnackInWords(t *testing.T) {
	b := brokertest.StartMochi(t, &brokertest.PasswordHook{User: "u", Pass: "right"})
	_, col := newClient5(t, b.URL(), func(c *mqttconn.Config) { c.Username, c.Password = "u", "wrong" })
	i := col.waitFor(t, 0, "refused", kind(mqttconn.KindConnectFailed))
	ev := col.event(i)
	var re *mqttconn.RefusedError
	if !errors.As(ev.Err, &re) || !re.V5 || !ev.Fatal || !strings.Contains(ev.Err.Error(), "bad user name or password") {
		t.Fatalf("refusal: %v (fatal %v)", ev.Err, ev.Fatal)
	}
}

// TestV5ReceiveMaximum: never more QoS 1 messages in flight than the
// broker's Receive Maximum, though our own window is larger.
func TestV5ReceiveMaximum(t *testing.T) {
	b := brokertest.StartMosquitto(t, "max_inflight_messages 2")
	var mu sync.Mutex
	inFlight, most := 0, 0
	c, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.OnPacket = func(p mqttconn.Packet) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case p.Out && p.Type == mqttconn.TypePublish && p.QoS() == 1:
				inFlight++
				most = max(most, inFlight)
			case !p.Out && p.Type == mqttconn.TypePuback:
				inFlight--
			}
		}
	})
	col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	var last uint64
	for range 30 {
		id, err := c.Publish(mqttconn.Message{Topic: "rm/x", Payload: []byte("m"), QoS: 1})
		if err != nil {
			t.Fatal(err)
		}
		last = id
	}
	col.waitFor(t, 0, "all acknowledged", publishState(last, mqttconn.StateAcked))
	mu.Lock()
	defer mu.Unlock()
	if most > 2 {
		t.Fatalf("%d messages in flight at once; the broker's Receive Maximum is 2", most)
	}
	if most < 1 {
		t.Fatal("no PUBLISH seen on the wire")
	}
}

// TestV5Settings: what needs MQTT 5 is refused without it, in words.
func TestV5Settings(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  mqttconn.Config
		want string
	}{
		{"name over 3.1.1", mqttconn.Config{Server: "tcp://127.0.0.1:1", Name: "alice"}, "needs MQTT 5"},
		{"NUL in name", mqttconn.Config{Server: "tcp://127.0.0.1:1", Name: "a\x00b", ProtocolVersion: 5}, "sender name"},
		{"negative expiry", mqttconn.Config{Server: "tcp://127.0.0.1:1", ProtocolVersion: 5, SessionExpiry: -time.Second}, "negative"},
		{"version 6", mqttconn.Config{Server: "tcp://127.0.0.1:1", ProtocolVersion: 6}, "not MQTT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := mqttconn.New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	c, err := mqttconn.New(mqttconn.Config{Server: "tcp://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Publish(mqttconn.Message{Topic: "a", QoS: 1, Properties: &mqttconn.Properties{ContentType: "text/plain"}}); err == nil || !strings.Contains(err.Error(), "MQTT 5") {
		t.Fatalf("properties over 3.1.1: err = %v", err)
	}
}

// TestV5SessionExpiry: with a kept session, the broker keeps it after we go
// for the session expiry we sent: never by default, else that long.
func TestV5SessionExpiry(t *testing.T) {
	b := brokertest.StartMosquitto(t)
	for _, tc := range []struct {
		name    string
		expiry  time.Duration
		present bool
	}{
		{"never", 0, true},
		{"one second", time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep := func(c *mqttconn.Config) {
				c.ClientID, c.PersistentSession, c.SessionExpiry = "expiry"+strings.ReplaceAll(tc.name, " ", ""), true, tc.expiry
			}
			first, col := newClient5(t, b.URL(), keep, mqttconn.Subscription{Filter: "e/#", QoS: 1})
			col.waitFor(t, 0, "subscribed", subscribedTo("e/#"))
			first.Close()
			if tc.expiry > 0 {
				time.Sleep(tc.expiry + 1500*time.Millisecond) // past the expiry, and mosquitto's next check
			}
			_, col = newClient5(t, b.URL(), keep, mqttconn.Subscription{Filter: "e/#", QoS: 1})
			ev := col.event(col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected)))
			if ev.SessionPresent != tc.present {
				t.Fatalf("session present = %v, want %v", ev.SessionPresent, tc.present)
			}
		})
	}
}

// TestV5ServerKeepAliveFromMosquitto: mosquitto with max_keepalive 10
// (its least) sets its Server Keep Alive in the CONNACK to a client that
// asks for an hour; we ping at the broker's pace, and the broker, which
// closes a client silent for 1.5 keep-alives, keeps us. It waits for a
// ping ten seconds apart, so it runs beside the other tests.
func TestV5ServerKeepAliveFromMosquitto(t *testing.T) {
	t.Parallel()
	b := brokertest.StartMosquitto(t, "max_keepalive 10")
	pings := make(chan struct{}, 16)
	connack := make(chan string, 1)
	_, col := newClient5(t, b.URL(), func(c *mqttconn.Config) {
		c.KeepAlive = time.Hour
		c.OnPacket = func(p mqttconn.Packet) {
			switch {
			case p.Out && p.Type == mqttconn.TypePingreq:
				select {
				case pings <- struct{}{}:
				default:
				}
			case !p.Out && p.Type == mqttconn.TypeConnack:
				var props []string
				for _, pr := range p.Props {
					props = append(props, pr.Name+"="+pr.Value)
				}
				connack <- strings.Join(props, ",")
			}
		}
	})
	connected := col.waitFor(t, 0, "connected", kind(mqttconn.KindConnected))
	if props := <-connack; !strings.Contains(props, "Server Keep Alive=10 s") {
		t.Fatalf("mosquitto's CONNACK: %s; want a Server Keep Alive of 10 s", props)
	}
	// paho.golang pings once at the start; the second ping comes at the
	// broker's 10 s, long before our hour and before the broker's 15 s.
	for i := range 2 {
		select {
		case <-pings:
		case <-time.After(25 * time.Second):
			t.Fatalf("%d PINGREQs; the broker's keep-alive is 10 s", i)
		}
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	for _, e := range col.events[connected:] {
		if e.Kind == mqttconn.KindLost {
			t.Fatalf("the broker dropped us: %v", e.Err)
		}
	}
}

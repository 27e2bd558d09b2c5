package screen

import (
	"errors"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"mqttchat/mqttconn"
)

// scriptedScreen is a screen after a typical session: connect, retained
// burst, live messages, a sent message, a loss and a reconnect.
func scriptedScreen(w, h int) Model {
	m, _ := newTestModel(w, h)
	sent := mqttconn.Message{Topic: "chat/room", Payload: []byte("hello from mqttchat"), QoS: 1, Time: t0.Add(5 * time.Second)}
	retained := msgEvent("sensors/kitchen/temp", "21.5", time.Second)
	retained.Message.Retained = true
	dup := msgEvent("chat/room", "are you there?", 3*time.Second)
	dup.Message.QoS, dup.Message.Duplicate = 1, true
	m = step(m, batch(
		mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 1, Time: t0},
		mqttconn.Event{Kind: mqttconn.KindConnected, Attempt: 1, Time: t0},
		mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "#", Time: t0},
		mqttconn.Event{Kind: mqttconn.KindSubscribed, Filter: "chat/room", QoS: 1, Granted: 1, Time: t0},
		retained,
		msgEvent("sensors/büro/温度", `{"t":21.5,"unit":"°C"} 👍🏽`, 2*time.Second),
		dup,
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateSending, Message: sent, Time: sent.Time},
		mqttconn.Event{Kind: mqttconn.KindPublish, OutID: 1, State: mqttconn.StateAcked, Time: sent.Time},
		mqttconn.Event{Kind: mqttconn.KindLost, Err: errors.New("EOF"), Time: t0.Add(10 * time.Second)},
		mqttconn.Event{Kind: mqttconn.KindConnecting, Attempt: 1, Time: t0.Add(10 * time.Second)},
		mqttconn.Event{Kind: mqttconn.KindConnected, Attempt: 1, Downtime: 2 * time.Second, Time: t0.Add(12 * time.Second)},
		mqttconn.Event{Kind: mqttconn.KindSubscribeFailed, Filter: "chat/room", QoS: 1, Err: mqttconn.ErrRefused, Time: t0.Add(12 * time.Second)},
		mqttconn.Event{Kind: mqttconn.KindResubscribed, Count: 1, Time: t0.Add(12 * time.Second)},
		msgEvent("evil", "\x1b]0;pwned\x07\x1b[2Jgotcha\r!", 13*time.Second),
	))
	m = typeText(m, "draft reply")
	return m
}

func TestGoldenScreens(t *testing.T) {
	for _, size := range [][2]int{{40, 20}, {80, 24}, {120, 30}} {
		name := fmt.Sprintf("chat_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			golden(t, name, plain(scriptedScreen(size[0], size[1])))
		})
	}
}

func TestGoldenScrolledUpAndTopicFocus(t *testing.T) {
	m, _ := newTestModel(80, 16)
	var evs []mqttconn.Event
	for i := range 40 {
		evs = append(evs, msgEvent("counter", fmt.Sprint("tick ", i), time.Duration(i)*time.Second))
	}
	m = step(m, batch(evs...))
	m = step(m, keyMsg(tea.KeyPgUp))
	m = step(m, batch(msgEvent("counter", "tick 40", time.Minute)))
	m = step(m, keyMsg(tea.KeyTab))
	golden(t, "scrolled_80x16", plain(m))
}

// TestGoldenConversation is the README's screen: a conversation in the
// lobby, with your own messages once (echoed), a multi-line message read
// without opening it, and a sensor beside the chat.
func TestGoldenConversation(t *testing.T) {
	m := New(newFakeConn(), Options{
		Broker: "127.0.0.1:1883", Extra: "built-in broker · ws://127.0.0.1:8083/mqtt", ClientID: "mqttchat4Hx9Qm2",
		Subscriptions: []mqttconn.Subscription{{Filter: "#"}},
	})
	m = step(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	evs := []mqttconn.Event{
		{Kind: mqttconn.KindConnecting, Attempt: 1, Time: t0},
		{Kind: mqttconn.KindConnected, Attempt: 1, Time: t0},
		{Kind: mqttconn.KindSubscribed, Filter: "#", Time: t0},
		msgEvent("chat/lobby", "anyone up? the gateway in hall 3 keeps dropping", 4*time.Second),
	}
	evs = append(evs, sentEvents(1, "chat/lobby", "here. which broker?", 0, 9*time.Second)...)
	evs = append(evs, msgEvent("chat/lobby", "here. which broker?", 9*time.Second+5*time.Millisecond))
	evs = append(evs, msgEvent("chat/lobby", "mosquitto on gw-hall3. log says:\nclient gw3 has exceeded timeout\nsocket error on client gw3\nnew connection from 10.0.3.7\nclient gw3 already connected", 14*time.Second))
	evs = append(evs, msgEvent("plant/hall3/gw3/status", `{"online":true,"rssi":-71}`, 15*time.Second))
	evs = append(evs, sentEvents(2, "chat/lobby", "two clients with the same id. check the -i", 0, 21*time.Second)...)
	evs = append(evs, msgEvent("chat/lobby", "two clients with the same id. check the -i", 21*time.Second+4*time.Millisecond))
	m = step(m, eventsMsg{events: evs, received: 6})
	m = typeText(m, "and set a Will on it")
	golden(t, "conversation_80x24", plain(m))
}

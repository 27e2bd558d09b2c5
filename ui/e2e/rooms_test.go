package e2e

import (
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// TestPersonSubscribesAndUnsubscribesLive: typing /sub subscribes on the
// live connection (the broker holds it), a message arrives; /unsub removes
// it at the broker and messages stop.
func TestPersonSubscribesAndUnsubscribesLive(t *testing.T) {
	eachProtocol(t, func(t *testing.T, p protocol) {
		b := brokertest.StartMochi(t)
		host, port, _ := strings.Cut(b.Addr(), ":")
		s := p.start(t, 130, 30, nil, "-h", host, "-p", port, "-t", "base", "-i", "roomie")
		s.waitFor("● connected", "subscribed to base")
		peer := brokertest.Connect(t, b.URL(), "peer")

		s.typeKeys("/su\t")
		s.waitFor("┃ /sub", "subscribe now")
		s.typeKeys("live/# 1\r")
		s.waitFor("subscribed to live/# (QoS 1)", "● live/# q1")
		if !b.Subscribed("roomie", "live/x") {
			t.Fatal("the broker holds no subscription for live/#")
		}
		peer.Publish(t, "live/x", 1, false, "first live message")
		s.waitFor("◀ live/x q1 first live message")

		s.typeKeys("/unsub live/#\r")
		s.waitFor("unsubscribed from live/#")
		deadline := time.Now().Add(20 * time.Second)
		for b.Subscribed("roomie", "live/x") {
			if time.Now().After(deadline) {
				t.Fatal("the broker still holds live/# after /unsub")
			}
			time.Sleep(20 * time.Millisecond)
		}
		peer.Publish(t, "live/x", 1, false, "after unsub")
		peer.Publish(t, "base", 1, false, "marker")
		s.waitFor("◀ base marker")
		if strings.Contains(s.text(), "after unsub") {
			t.Fatal("a message arrived after /unsub")
		}
		s.typeKeys("/bogus\r")
		s.waitFor("✗ unknown command /bogus", "┃ /bogus")
	})
}

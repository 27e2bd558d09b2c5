package history

import (
	"os"
	"path/filepath"
	"testing"

	"mqttchat/mqttconn"
)

// Client ids that the former name cut to one (at '/' and '@', or by
// replacing characters) get distinct outboxes.
func TestOutboxNameIsInjective(t *testing.T) {
	ids := []string{"plant/gw1", "plant/gw2", "plant@gw1", "plant_gw1", "plant.gw1", "plant", "", "a_2fb", "a/b", "é", "\xff", "gw1 ", "-", string(make([]byte, 300)), string(make([]byte, 301))}
	seen := map[string]string{}
	for _, id := range ids {
		k := clientKey(id)
		if other, dup := seen[k]; dup {
			t.Fatalf("%q and %q share %q", id, other, k)
		}
		seen[k] = id
		for _, c := range k {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') || len(k) > 170 {
				t.Fatalf("%q gives %q: not a safe file name", id, k)
			}
		}
	}
}

// An outbox written under the former name is moved to the new one by the
// first client id it served; another id that shared the former name gets its
// own (and both can run at once); a running older copy's outbox stays put.
func TestFormerOutboxIsMigrated(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	state, _ := StateDir()
	sessions := filepath.Join(state, "sessions")
	former := filepath.Join(sessions, "mqtt_127.0.0.1_1883__mqtt_plant.outbox")
	o, _, err := OpenOutbox(former)
	if err != nil {
		t.Fatal(err)
	}
	o.Add(1, mqttconn.Message{Topic: "queued/by/gw1", Payload: []byte("x"), QoS: 1})
	// While an older copy holds it, it is not moved.
	held, _ := OutboxPath("tcp://localhost:1883", "plant/gw1")
	if _, err := os.Stat(former); err != nil {
		t.Fatalf("a held outbox was moved: %v", err)
	}
	o.Close()

	gw1, _ := OutboxPath("tcp://localhost:1883", "plant/gw1")
	if gw1 != held {
		t.Fatalf("the path changed: %s then %s", held, gw1)
	}
	if _, err := os.Stat(former); !os.IsNotExist(err) {
		t.Fatalf("the former outbox is still there: %v", err)
	}
	a, msgs, err := OpenOutbox(gw1)
	if err != nil || len(msgs) != 1 || msgs[0].Topic != "queued/by/gw1" {
		t.Fatalf("migrated outbox: %+v, %v", msgs, err)
	}
	defer a.Close()
	gw2, _ := OutboxPath("tcp://127.0.0.1:1883", "plant/gw2")
	b, msgs, err := OpenOutbox(gw2)
	if err != nil || len(msgs) != 0 || gw2 == gw1 {
		t.Fatalf("plant/gw2: %s, %+v, %v", gw2, msgs, err)
	}
	b.Close()
}

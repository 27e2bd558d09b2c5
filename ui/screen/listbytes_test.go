package screen

import (
	"strings"
	"testing"

	"mqttchat/mqttconn"
)

// TestListBytesAfterChangedNote: an entry leaves the byte count with what
// it was counted for, though its note changed meanwhile (an outgoing
// message that failed); the count never drifts from what is held.
func TestListBytesAfterChangedNote(t *testing.T) {
	l := newMessageList(2, 1<<30, 0, testStyles())
	out := newMessageEntry(entryOut, mqttconn.Message{Topic: "a", Payload: []byte("x")}, analysis{})
	out.outID = 1
	l.push(out)
	out.note = strings.Repeat("the broker refused it ", 20) // as applyPublish does on failure
	for _, p := range []string{"y", "z"} {
		l.push(newMessageEntry(entryIn, mqttconn.Message{Topic: "b", Payload: []byte(p)}, analysis{}))
	}
	want := 0
	for i := range l.Len() {
		want += l.at(i).cost()
	}
	if l.Len() != 2 || l.bytes != want {
		t.Fatalf("%d held counting %d bytes, want 2 holding %d", l.Len(), l.bytes, want)
	}
}

package mqttconn

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
)

// stream is a few packets as a client or broker writes them.
func stream() ([]byte, []Packet) {
	big := bytes.Repeat([]byte("x"), 300) // a two-byte remaining length
	var b []byte
	b = append(b, TypeConnack<<4, 2, 1, 7)
	b = append(b, TypePublish<<4|2<<1|8, byte(2+3+2+len(big))|0x80, 2, 0, 3, 'a', '/', 'b', 0x12, 0x34)
	b = append(b, big...)
	b = append(b, TypePubrec<<4, 2, 0xab, 0xcd)
	b = append(b, TypeSuback<<4, 3, 0, 9, 0x80)
	b = append(b, TypePingresp<<4, 0)
	b = append(b, TypePublish<<4, 4, 0, 1, 'q', 'z') // QoS 0: no id
	want := []Packet{
		{Type: TypeConnack, Length: 2, Code: 7, SessionPresent: true},
		{Type: TypePublish, Flags: 0xc, Length: 307, ID: 0x1234},
		{Type: TypePubrec, Length: 2, ID: 0xabcd},
		{Type: TypeSuback, Length: 3, ID: 9, Code: 0x80},
		{Type: TypePingresp},
		{Type: TypePublish, Length: 4},
	}
	return b, want
}

func TestDecoderFollowsPacketsSplitAnywhere(t *testing.T) {
	b, want := stream()
	for _, size := range []int{1, 2, 3, 5, 7, 64, len(b)} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			var got []Packet
			d := decoder{emit: func(p Packet) { got = append(got, p) }}
			for i := 0; i < len(b); i += size {
				d.feed(b[i:min(i+size, len(b))])
			}
			if len(got) != len(want) {
				t.Fatalf("%d packets, want %d: %+v", len(got), len(want), got)
			}
			for i := range want {
				g := got[i]
				g.Time = want[i].Time
				if !reflect.DeepEqual(g, want[i]) {
					t.Errorf("packet %d: %+v, want %+v", i, g, want[i])
				}
			}
		})
	}
}

func TestPacketFlags(t *testing.T) {
	p := Packet{Type: TypePublish, Flags: 0xd}
	if p.QoS() != 2 || !p.Dup() || !p.Retain() || p.TypeName() != "PUBLISH" {
		t.Errorf("%+v: QoS %d dup %v retain %v %s", p, p.QoS(), p.Dup(), p.Retain(), p.TypeName())
	}
	if (Packet{Type: 0}).TypeName() != "type 0" || (Packet{Type: 16}).TypeName() != "type 16" {
		t.Error("reserved type named")
	}
	if (Packet{Type: TypeAuth}).TypeName() != "AUTH" {
		t.Error("AUTH not named")
	}
}

func TestParseStateReadsEveryState(t *testing.T) {
	for st := StateQueued; st <= stateLast; st++ {
		if got, ok := ParseState(st.String()); !ok || got != st {
			t.Errorf("ParseState(%q) = %v, %v", st.String(), got, ok)
		}
	}
	if _, ok := ParseState("nonsense"); ok {
		t.Error("nonsense parsed")
	}
}

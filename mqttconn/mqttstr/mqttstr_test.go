package mqttstr

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for nil
	}{
		{"", ""},
		{"alice", ""},
		{"Zoë 李 👍🏽", ""},
		{"a\u200fb\u202ec\u200b", ""}, // bidi and zero-width: MQTT allows them
		{"\u00a0\u00a1\ufdcf\ufdf0\ufffd\U0010fffd", ""},
		{"a\x00b", "holds U+0000 (the null character), which brokers refuse in an MQTT string"},
		{"a\x01", "holds U+0001 (a control character), which brokers refuse in an MQTT string"},
		{"a\tb", "holds U+0009 (a control character), which brokers refuse in an MQTT string"},
		{"a\nb", "holds U+000A (a control character), which brokers refuse in an MQTT string"},
		{"a\x1bb", "holds U+001B (a control character), which brokers refuse in an MQTT string"},
		{"a\x1f", "holds U+001F (a control character), which brokers refuse in an MQTT string"},
		{"a\x7f", "holds U+007F (a control character), which brokers refuse in an MQTT string"},
		{"a\u0080", "holds U+0080 (a control character), which brokers refuse in an MQTT string"},
		{"a\u009f", "holds U+009F (a control character), which brokers refuse in an MQTT string"},
		{"a\ufdd0", "holds U+FDD0 (a non-character), which brokers refuse in an MQTT string"},
		{"a\ufdef", "holds U+FDEF (a non-character), which brokers refuse in an MQTT string"},
		{"a\ufffe", "holds U+FFFE (a non-character), which brokers refuse in an MQTT string"},
		{"a\uffff", "holds U+FFFF (a non-character), which brokers refuse in an MQTT string"},
		{"a\U0001fffe", "holds U+1FFFE (a non-character), which brokers refuse in an MQTT string"},
		{"a\U0010ffff", "holds U+10FFFF (a non-character), which brokers refuse in an MQTT string"},
		{"ab\xff", "is not valid UTF-8 (byte 2)"},
		{"\xed\xa0\x80", "is not valid UTF-8 (byte 0)"}, // a surrogate
		{"\xc0\x80", "is not valid UTF-8 (byte 0)"},     // overlong NUL
		{strings.Repeat("x", 65535), ""},
		{strings.Repeat("x", 65536), "65536 bytes is more than 65535"},
	}
	for _, tt := range tests {
		err := Check(tt.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Check(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Package mqttstr checks the strings we send (names, user properties,
// content types, response topics, client ids, Will strings) against what
// brokers take as an MQTT UTF-8 string.
//
// MQTT 5 §1.5.4 (and 3.1.1 §1.5.3) forbid U+0000 and say a string SHOULD
// NOT hold control characters or non-characters, and that a receiver MAY
// close the connection when it does. mosquitto does: its
// mosquitto_validate_utf8 (lib/utf8_mosq.c) refuses every packet with such
// a string as "Malformed UTF-8" and drops the connection, so a message that
// holds one is lost and every resend drops the connection again. Check
// refuses exactly what mosquitto refuses:
//
//   - bytes that are not UTF-8 (overlong forms, surrogates, beyond U+10FFFF);
//   - U+0000 and the C0 controls U+0001–U+001F (tab and newline included);
//   - DEL and the C1 controls U+007F–U+009F;
//   - the non-characters U+FDD0–U+FDEF and U+nFFFE, U+nFFFF of every plane;
//   - more than 65,535 bytes.
//
// Everything else passes, bidi and zero-width controls included: MQTT
// allows them, and the screen shows them escaped.
package mqttstr

import (
	"fmt"
	"unicode/utf8"
)

// MaxLen is the most bytes an MQTT string can hold (a 2-byte length prefix).
const MaxLen = 65535

// Check says why brokers would refuse s as an MQTT UTF-8 string, or nil. The
// error names the first code point refused and what it is.
func Check(s string) error {
	if len(s) > MaxLen {
		return fmt.Errorf("%d bytes is more than %d", len(s), MaxLen)
	}
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n <= 1 {
				return fmt.Errorf("is not valid UTF-8 (byte %d)", i)
			}
		}
		if what := Refused(r); what != "" {
			return fmt.Errorf("holds %U (%s), which brokers refuse in an MQTT string", r, what)
		}
	}
	return nil
}

// Refused says what r is when brokers refuse it in an MQTT string ("a
// control character", "a non-character"), or "".
func Refused(r rune) string {
	switch {
	case r == 0:
		return "the null character"
	case r <= 0x1F || r >= 0x7F && r <= 0x9F:
		return "a control character"
	case r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE:
		return "a non-character"
	}
	return ""
}

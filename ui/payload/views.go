package payload

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"mqttchat/ui/sanitize"
)

// Mode is one way of showing a payload in the detail view.
type Mode int

// The detail view's modes.
const (
	ModeText Mode = iota
	ModeJSON
	ModeHex
	ModeBase64
	modeCount
)

// String names the mode.
func (m Mode) String() string { return [...]string{"text", "JSON", "hex", "base64"}[m] }

// Next is the mode after m, in the order of the keys.
func (m Mode) Next() Mode { return (m + 1) % modeCount }

// DefaultMode is the mode a payload opens in.
func DefaultMode(k Kind) Mode {
	switch k {
	case JSON:
		return ModeJSON
	case Binary:
		return ModeHex
	}
	return ModeText
}

// JSONStyles colour the parts of pretty JSON.
type JSONStyles struct {
	Key, String, Number, Literal, Punct lipgloss.Style
}

// Render shows p in a mode, as lines for a viewport of the given width. A
// mode that does not apply (JSON for a payload that is not JSON) says so
// and falls back to text.
func Render(p []byte, m Mode, width int, st JSONStyles) string {
	switch m {
	case ModeJSON:
		if out, err := prettyJSON(p, st); err == nil {
			return out
		} else {
			return "(not JSON: " + sanitize.String(err.Error()) + ")\n\n" + textView(p)
		}
	case ModeHex:
		return HexDump(p)
	case ModeBase64:
		return wrap(base64.StdEncoding.EncodeToString(p), max(width, 4))
	}
	return textView(p)
}

// textView shows text with its line breaks, each line sanitized and tabs
// expanded; invalid UTF-8 shows as \xNN.
func textView(p []byte) string {
	lines := bytes.Split(p, []byte("\n"))
	out := make([]string, len(lines))
	for i, l := range lines {
		l = bytes.TrimSuffix(l, []byte("\r"))
		out[i] = sanitize.Bytes(bytes.ReplaceAll(l, []byte("\t"), []byte("    ")))
	}
	return strings.Join(out, "\n")
}

// HexDump is the classic view: offset, 16 bytes of hex, the printable ASCII.
func HexDump(p []byte) string {
	var b strings.Builder
	for off := 0; off < len(p); off += 16 {
		row := p[off:min(off+16, len(p))]
		fmt.Fprintf(&b, "%08x  ", off)
		for i := range 16 {
			if i < len(row) {
				b.WriteByte(hexDigits[row[i]>>4])
				b.WriteByte(hexDigits[row[i]&0xf])
			} else {
				b.WriteString("  ")
			}
			b.WriteByte(' ')
			if i == 7 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(" |")
		for _, c := range row {
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteString("|\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// prettyJSON indents p and colours its tokens; string contents are sanitized.
func prettyJSON(p []byte, st JSONStyles) (string, error) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(p), "", "  "); err != nil {
		return "", err
	}
	var out strings.Builder
	s := buf.String()
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			tok := sanitize.String(s[i : j+1])
			rest := strings.TrimLeft(s[j+1:], " ")
			if strings.HasPrefix(rest, ":") {
				out.WriteString(st.Key.Render(tok))
			} else {
				out.WriteString(st.String.Render(tok))
			}
			i = j + 1
		case c == '-' || (c >= '0' && c <= '9'):
			j := i
			for j < len(s) && strings.IndexByte("+-0123456789.eE", s[j]) >= 0 {
				j++
			}
			out.WriteString(st.Number.Render(s[i:j]))
			i = j
		case c == 't' || c == 'f' || c == 'n':
			j := i
			for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
				j++
			}
			out.WriteString(st.Literal.Render(s[i:j]))
			i = j
		case c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',':
			out.WriteString(st.Punct.Render(string(c)))
			i++
		default:
			out.WriteByte(c) // whitespace and newlines from Indent
			i++
		}
	}
	return out.String(), nil
}

// wrap cuts a long ASCII line into lines of width.
func wrap(s string, width int) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width])
		b.WriteByte('\n')
		s = s[width:]
	}
	b.WriteString(s)
	return b.String()
}

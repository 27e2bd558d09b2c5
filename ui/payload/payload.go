// Package payload tells what a payload is (text, JSON or binary) and
// renders it for the screen every useful way: a one-line preview for the
// list, and text, pretty JSON, hex dump and base64 for the detail view.
// Everything it returns went through ui/sanitize: no byte of a payload
// reaches the terminal as itself unless it is printable.
package payload

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"mqttchat/ui/sanitize"
)

// Kind is what a payload looks like.
type Kind int

// The kinds of payload.
const (
	Empty  Kind = iota
	Text        // valid UTF-8, mostly printable
	JSON        // a valid JSON document
	Binary      // invalid UTF-8, or mostly control bytes
)

// String names the kind as the screen shows it.
func (k Kind) String() string {
	return [...]string{"empty", "text", "JSON", "binary"}[k]
}

// maxJSONCheck is the largest payload checked for JSON: a bigger one that
// starts like JSON is treated as text, so that no payload costs too much.
const maxJSONCheck = 16 << 20

// Detect says what p is.
func Detect(p []byte) Kind {
	if len(p) == 0 {
		return Empty
	}
	if !utf8.Valid(p) || mostlyControl(p) {
		return Binary
	}
	t := bytes.TrimSpace(p)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '"') && len(p) <= maxJSONCheck && json.Valid(t) {
		return JSON
	}
	return Text
}

// mostlyControl reports whether more than 30% of p's first 4 KiB are
// control bytes other than tab, newline and carriage return.
func mostlyControl(p []byte) bool {
	if len(p) > 4096 {
		p = p[:4096]
	}
	n := 0
	for _, c := range p {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			n++
		}
	}
	return n*10 > len(p)*3
}

// previewBytes is how much of a payload the one-line preview looks at.
const previewBytes = 2048

// Preview is the one-line form of p for the list, at most about
// previewBytes long: JSON compact, text with its line breaks shown as ␊,
// binary as the start of a hex dump.
func Preview(p []byte, kind Kind) string {
	switch kind {
	case Empty:
		return ""
	case Binary:
		n := min(len(p), 24)
		var b strings.Builder
		for i, c := range p[:n] {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
		if len(p) > n {
			b.WriteString(" …")
		}
		return b.String()
	case JSON:
		if len(p) <= 1<<20 {
			var buf bytes.Buffer
			if json.Compact(&buf, p) == nil {
				return sanitize.Bytes(cut(buf.Bytes()))
			}
		}
	}
	return sanitize.Bytes(cut(p))
}

// cut shortens p to previewBytes at a rune boundary.
func cut(p []byte) []byte {
	if len(p) <= previewBytes {
		return p
	}
	p = p[:previewBytes]
	for i := 0; i < utf8.UTFMax && len(p) > 0 && !utf8.Valid(p); i++ {
		p = p[:len(p)-1]
	}
	return p
}

const hexDigits = "0123456789abcdef"

// Lines returns a text payload's first n lines, each sanitized with tabs
// expanded and cut to previewBytes, and how many lines follow them.
func Lines(p []byte, n int) (lines []string, more int) {
	rest := p
	for len(rest) > 0 || len(lines) == 0 {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		if len(lines) == n {
			return lines, bytes.Count(rest, []byte("\n")) + 1
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		line = cut(line)
		if bytes.IndexByte(line, '\t') >= 0 { // ReplaceAll copies even when there is nothing to replace
			line = bytes.ReplaceAll(line, []byte("\t"), []byte("    "))
		}
		lines = append(lines, sanitize.Bytes(line))
		if !found {
			break
		}
		rest = after // a final line break adds no empty line
	}
	return lines, 0
}

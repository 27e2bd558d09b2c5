// Package diff compares a payload with the previous one on the same topic:
// JSON by field (each leaf by its dotted path), anything else by line. Every
// string it returns went through ui/sanitize.
package diff

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"mqttchat/ui/sanitize"
)

// Op is what happened to a field or a line.
type Op int

// The changes.
const (
	Same    Op = iota
	Changed    // a JSON field whose value changed
	Added
	Removed
)

// Line is one field or line of a diff. Key is the JSON path ("" for text);
// Old and New are display-safe.
type Line struct {
	Op       Op
	Key      string
	Old, New string
}

// MaxLines is how many lines of text are compared; the rest is said.
const MaxLines = 400

// Compare diffs prev against cur: by field when both are JSON objects or
// arrays, by line otherwise.
func Compare(prev, cur []byte) []Line {
	if a, ok := flatten(prev); ok {
		if b, ok := flatten(cur); ok {
			return compareJSON(a, b)
		}
	}
	return compareText(prev, cur)
}

// Changes counts the lines that are not Same.
func Changes(ls []Line) int {
	n := 0
	for _, l := range ls {
		if l.Op != Same {
			n++
		}
	}
	return n
}

// flatten maps each leaf of a JSON object or array to its compact text.
func flatten(p []byte) (map[string]string, bool) {
	t := bytes.TrimSpace(p)
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return nil, false
	}
	var doc any
	d := json.NewDecoder(bytes.NewReader(t))
	d.UseNumber()
	if d.Decode(&doc) != nil {
		return nil, false
	}
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				out[path] = "{}"
			}
			for k, c := range x {
				walk(join(path, k), c)
			}
		case []any:
			if len(x) == 0 {
				out[path] = "[]"
			}
			for i, c := range x {
				walk(join(path, strconv.Itoa(i)), c)
			}
		default:
			b, _ := json.Marshal(x)
			out[path] = string(b)
		}
	}
	walk("", doc)
	return out, true
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func compareJSON(a, b map[string]string) []Line {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]Line, 0, len(keys))
	for _, k := range keys {
		av, inA := a[k]
		bv, inB := b[k]
		l := Line{Key: sanitize.String(k), Old: sanitize.String(av), New: sanitize.String(bv)}
		switch {
		case !inA:
			l.Op = Added
		case !inB:
			l.Op = Removed
		case av != bv:
			l.Op = Changed
		}
		out = append(out, l)
	}
	return out
}

// compareText diffs by line with a longest common subsequence over the
// first MaxLines lines of each side.
func compareText(prev, cur []byte) []Line {
	a, aMore := lines(prev)
	b, bMore := lines(cur)
	n, m := len(a), len(b)
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []Line
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, Line{Op: Same, Old: a[i], New: b[j]})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, Line{Op: Removed, Old: a[i]})
			i++
		default:
			out = append(out, Line{Op: Added, New: b[j]})
			j++
		}
	}
	if aMore+bMore > 0 {
		out = append(out, Line{Op: Same, Old: "…", New: "… " + strconv.Itoa(max(aMore, bMore)) + " more lines not compared"})
	}
	return out
}

// lines splits p into at most MaxLines sanitized lines.
func lines(p []byte) ([]string, int) {
	if len(p) == 0 {
		return nil, 0
	}
	raw := bytes.Split(bytes.TrimSuffix(p, []byte("\n")), []byte("\n"))
	more := 0
	if len(raw) > MaxLines {
		more = len(raw) - MaxLines
		raw = raw[:MaxLines]
	}
	out := make([]string, len(raw))
	for i, l := range raw {
		out[i] = sanitize.Bytes(bytes.TrimSuffix(l, []byte("\r")))
	}
	return out, more
}

// Styles mark the changes.
type Styles struct {
	Same, Changed, Added, Removed, Key lipgloss.Style
}

// DefaultStyles returns adaptive styles.
func DefaultStyles() Styles {
	return Styles{
		Same:    lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#8a8a8a", Dark: "#6c6c6c"}),
		Changed: lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#fbbf24"}),
		Added:   lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#4ade80"}),
		Removed: lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#b42318", Dark: "#f87171"}),
		Key:     lipgloss.NewStyle().Bold(true),
	}
}

// Render draws a diff one line per field or line, each cut to width: "~"
// marks a changed field (old → new), "+" an added one, "-" a removed one.
func Render(ls []Line, width int, st Styles) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		var text string
		var style lipgloss.Style
		key := ""
		if l.Key != "" {
			key = l.Key + ": "
		}
		switch l.Op {
		case Same:
			text, style = "  "+key+l.New, st.Same
		case Changed:
			text, style = "~ "+key+l.Old+" → "+l.New, st.Changed
		case Added:
			text, style = "+ "+key+l.New, st.Added
		case Removed:
			text, style = "- "+key+l.Old, st.Removed
		}
		out = append(out, style.Render(ansi.Truncate(strings.ReplaceAll(text, "\t", "    "), width, "…")))
	}
	return out
}

// Package plot draws a topic's numbers over time as a braille line chart in
// the terminal, with a time axis, min/max/last and the value under a cursor.
// It reads numbers from payloads: a bare number, a number with a unit
// ("21.5 °C", "42%"), or a numeric field of a JSON object.
//
// It is our own small chart: ntcharts v0.4.0 builds against our Bubble Tea,
// lipgloss and bubbles without upgrading them, but brings bubblezone and a
// Perlin-noise package along, and we need one chart with a cursor.
package plot

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNumberBytes is the longest payload read as a bare number.
const maxNumberBytes = 64

// Number reads a payload that is a number, alone or followed by a unit:
// "21.5", "-3e2", "21.5 °C", "42%". The unit is returned raw.
func Number(p []byte) (v float64, unit string, ok bool) {
	p = bytes.TrimSpace(p)
	if len(p) == 0 || len(p) > maxNumberBytes || !utf8.Valid(p) {
		return 0, "", false
	}
	s := string(p)
	end := numberEnd(s)
	if end == 0 {
		return 0, "", false
	}
	v, err := strconv.ParseFloat(s[:end], 64)
	if err != nil {
		return 0, "", false
	}
	unit = strings.TrimSpace(s[end:])
	for _, r := range unit {
		if unicode.IsDigit(r) || unicode.IsControl(r) || unicode.IsSpace(r) {
			return 0, "", false // "12 34" or "1 2 3" is not a number with a unit
		}
	}
	return v, unit, true
}

// numberEnd is the length of the number at the start of s.
func numberEnd(s string) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	return i
}

// Fields lists the numeric fields of a JSON object payload as dotted paths
// ("temp", "env.humidity", "cells.0"), sorted; nil for anything else.
func Fields(p []byte) []string {
	var doc any
	if !isObject(p) || json.Unmarshal(p, &doc) != nil {
		return nil
	}
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case float64:
			out = append(out, prefix)
		case string:
			if _, _, ok := Number([]byte(x)); ok {
				out = append(out, prefix)
			}
		case map[string]any:
			for k, c := range x {
				walk(join(prefix, k), c)
			}
		case []any:
			for i, c := range x {
				walk(join(prefix, strconv.Itoa(i)), c)
			}
		}
	}
	walk("", doc)
	slices.Sort(out)
	return out
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func isObject(p []byte) bool {
	t := bytes.TrimSpace(p)
	return len(t) > 0 && t[0] == '{'
}

// Field reads the numeric field at a dotted path of a JSON object payload
// (a number, or a string holding a number).
func Field(p []byte, path string) (float64, bool) {
	var doc any
	if !isObject(p) || json.Unmarshal(p, &doc) != nil {
		return 0, false
	}
	v := doc
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return 0, false
			}
			v = x[i]
		default:
			return 0, false
		}
	}
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		n, _, ok := Number([]byte(x))
		return n, ok
	}
	return 0, false
}

// Value reads a payload's number: the field at path for a JSON object, or
// the whole payload as a number (with its unit) when path is "".
func Value(p []byte, path string) (v float64, unit string, ok bool) {
	if path != "" {
		v, ok = Field(p, path)
		return v, "", ok
	}
	return Number(p)
}

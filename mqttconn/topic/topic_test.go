package topic

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"simple", "a/b", nil},
		{"leading slash", "/a", nil},
		{"empty level", "a//b", nil},
		{"space", "a b", nil},
		{"dollar", "$SYS/x", nil},
		{"empty", "", ErrEmpty},
		{"plus", "a/+", ErrWildcard},
		{"hash", "a/#", ErrWildcard},
		{"nul", "a\x00b", ErrNUL},
		{"invalid utf8", "a\xffb", ErrInvalidUTF8},
		{"too long", strings.Repeat("a", MaxLen+1), ErrTooLong},
		{"max length", strings.Repeat("a", MaxLen), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateName(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ValidateName(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

func TestValidateFilter(t *testing.T) {
	ok := []string{"#", "+", "a/#", "a/+/b", "+/+", "/#", "a//b", "$share/g/a/#", "$SYS/#", "+/", "$share/g/#", "$share/g/$SYS/#", "$share/g//a", "$queue/a/+", "$queue/"}
	for _, f := range ok {
		if err := ValidateFilter(f); err != nil {
			t.Errorf("ValidateFilter(%q) = %v, want nil", f, err)
		}
	}
	bad := []string{"", "a/#/b", "a+", "a/b#", "#/a", "a/+b", "$share/g", "$share//a", "$share/g+/a", "$share/g#/a", "$share/g/", "$share/g/a/#/b", "$share/g/a+", "$queue/a+", "a\x00", "\xff"}
	for _, f := range bad {
		if err := ValidateFilter(f); err == nil {
			t.Errorf("ValidateFilter(%q) = nil, want an error", f)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		filter, name string
		want         bool
	}{
		{"#", "a/b", true},
		{"#", "$SYS/x", false},
		{"+/x", "$SYS/x", false},
		{"$SYS/#", "$SYS/x", true},
		{"a/#", "a", true},
		{"a/#", "a/b/c", true},
		{"a/+", "a/b", true},
		{"a/+", "a/b/c", false},
		{"a/+", "a", false},
		{"a/+/c", "a/b/c", true},
		{"a/b", "a/b", true},
		{"a/b", "a/B", false},
		{"a/b", "a/b/c", false},
		{"a/b/c", "a/b", false},
		{"+", "", true},
		{"+/+", "/x", true},
		{"/#", "/x", true},
		{"$share/g/a/+", "a/b", true},
		{"$share/g/a/+", "$share/g/a/b", false},
		{"$share/g/#", "a/b", true},
		{"$share/g/#", "$SYS/x", false},
		{"$share/g/$SYS/#", "$SYS/x", true},
		{"$queue/a/#", "a/b", true},        // EMQX: a shared subscription to a/#
		{"$queue/a/#", "$queue/a/b", true}, // elsewhere: an ordinary filter
		{"$queue/a", "b", false},
		{"$queue/", "$queue/", true},
	}
	for _, tt := range tests {
		if got := Match(tt.filter, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.filter, tt.name, got, tt.want)
		}
	}
}

func TestShared(t *testing.T) {
	tests := []struct {
		filter, group, inner string
		ok                   bool
	}{
		{"$share/g/a/#", "g", "a/#", true},
		{"$share/g/#", "g", "#", true},
		{"$queue/a/b", "$queue", "a/b", true},
		{"$queue/", "", "", false},
		{"$share/g", "", "", false},
		{"a/b", "", "", false},
		{"$SYS/#", "", "", false},
	}
	for _, tt := range tests {
		g, in, ok := Shared(tt.filter)
		if g != tt.group || in != tt.inner || ok != tt.ok {
			t.Errorf("Shared(%q) = %q, %q, %v; want %q, %q, %v", tt.filter, g, in, ok, tt.group, tt.inner, tt.ok)
		}
		if IsShared(tt.filter) != tt.ok {
			t.Errorf("IsShared(%q) = %v", tt.filter, !tt.ok)
		}
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"a/b", "a/#", "a/#/b", "+", "a+", "$share/g/#", "\xff", "a\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nameErr := ValidateName(s)
		filterErr := ValidateFilter(s)
		// A valid name without wildcards is always a valid filter that matches itself.
		if nameErr == nil {
			if filterErr != nil && !strings.HasPrefix(s, "$share/") {
				t.Fatalf("valid name %q is an invalid filter: %v", s, filterErr)
			}
			if filterErr == nil && !strings.HasPrefix(s, "$share/") && !Match(s, s) {
				t.Fatalf("name %q does not match itself as a filter", s)
			}
		}
		if filterErr == nil && !strings.HasPrefix(s, "$") && !Match("#", s) {
			t.Fatalf("# does not match %q", s)
		}
	})
}

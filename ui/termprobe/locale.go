package termprobe

import "strings"

// UTF8Locale reports whether the locale getenv describes is UTF-8: the
// first of LC_ALL, LC_CTYPE and LANG that is set decides, as in C's
// setlocale; none set is the C locale, which is not.
func UTF8Locale(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// CanPosition reports whether a terminal of this TERM can move the cursor,
// which the screen needs: not "dumb" (Emacs' shell, some CI logs), and not
// unset.
func CanPosition(term string) bool {
	return term != "" && term != "dumb"
}

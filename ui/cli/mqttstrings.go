package cli

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// quoteShort puts the string a check refused before the check's error:
// quoted (so no control character reaches the terminal) and cut to its
// first runes when long. A string refused for its length is not shown.
func quoteShort(s string, err error) string {
	if len(s) > 65535 {
		return err.Error()
	}
	return quoteCut(s) + " " + err.Error()
}

// quoteCut quotes s, cut after 40 runes.
func quoteCut(s string) string {
	const most = 40
	if utf8.RuneCountInString(s) <= most {
		return strconv.Quote(s)
	}
	n, i := 0, 0
	for i = range s {
		if n == most {
			break
		}
		n++
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:i]), len(s))
}

package cli

import (
	"fmt"
	"math"
	"regexp"
	"time"
)

// noLimit is what history.Options takes for "keep regardless of size" or
// "of age": its zero value means the default, so --history-size 0 and
// --history-age 0 (no limit, as the help says) are passed on as this.
const noLimit = -1

// Forms a history size or age may take before its unit is read: plain
// decimal numbers, so NaN, Inf, signs, exponents and hex floats (all of which
// strconv.ParseFloat takes) are refused.
var (
	sizeForm = regexp.MustCompile(`^\s*[0-9]+(\.[0-9]+)?\s*[A-Za-z]*\s*$`)
	ageForm  = regexp.MustCompile(`^\s*([0-9]+(\.[0-9]+)?[a-zµμ]*)+\s*$`)
)

// historySize reads --history-size: 0 is noLimit.
func historySize(s string) (int64, error) {
	if !sizeForm.MatchString(s) {
		return 0, fmt.Errorf("%q is not a size (e.g. 500MiB, 1GiB, 0 for no limit)", s)
	}
	n, err := parseSize(s)
	switch {
	case err != nil:
		return 0, err
	case n < 0 || n == math.MaxInt64: // the float did not fit (how it shows depends on the CPU)
		return 0, fmt.Errorf("%q is too large (at most 8 EiB)", s)
	case n == 0:
		return noLimit, nil
	}
	return n, nil
}

// historyAge reads --history-age: 0 is noLimit.
func historyAge(s string) (time.Duration, error) {
	if !ageForm.MatchString(s) {
		return 0, fmt.Errorf("%q is not a duration (e.g. 7d, 12h, 0 for no limit)", s)
	}
	d, err := parseAge(s)
	switch {
	case err != nil:
		return 0, err
	case d < 0 || d == math.MaxInt64:
		return 0, fmt.Errorf("%q is too long (at most about 292 years)", s)
	case d == 0:
		return noLimit, nil
	}
	return d, nil
}

package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sizeUnits are the suffixes parseSize takes, longest first.
var sizeUnits = []struct {
	suffix string
	factor int64
}{
	{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"kB", 1e3}, {"B", 1},
}

// parseSize reads a byte count such as 1GiB, 500MB or 4096. 0 means no limit.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	factor := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, factor = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size (e.g. 500MiB, 1GiB)", s)
	}
	return int64(n * float64(factor)), nil
}

// parseAge reads a duration such as 30d, 12h or 90m. 0 means no limit.
func parseAge(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(t, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q is not a duration (e.g. 7d, 12h)", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	if t == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(t)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (e.g. 7d, 12h)", s)
	}
	return d, nil
}

// timeForms says which forms parseTime takes, for help and errors.
const timeForms = "an age (90m, 2h, 7d), a time of day today (03:10, 15:04:05), a date (2026-11-26), " +
	"a date and time (2026-11-26T09:30, 2026-11-26 09:30:15) or RFC 3339 (2026-11-26T09:30:00Z)"

// timeLayouts are the absolute forms parseTime takes, in local time unless a zone is given.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"}

// clockLayouts are the times of day parseTime takes: today, in local time.
var clockLayouts = []string{"15:04", "15:04:05", "15:04:05.999999999"}

// parseTime reads a point in time relative to now (whose location is the
// local one): an age before now, a time of day today, a date, a date and
// time, or RFC 3339.
func parseTime(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(s)
	if d, err := parseAge(t); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range clockLayouts {
		if c, err := time.ParseInLocation(layout, t, now.Location()); err == nil {
			y, m, d := now.Date()
			return time.Date(y, m, d, c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), now.Location()), nil
		}
	}
	for _, layout := range timeLayouts {
		if v, err := time.ParseInLocation(layout, t, now.Location()); err == nil {
			return v, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use %s", s, timeForms)
}

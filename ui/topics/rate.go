package topics

import "time"

// rateSpan is the window a rate is averaged over.
const rateSpan = 10 * time.Second

// rate counts messages in two consecutive windows and estimates the rate
// over the last rateSpan as a sliding window: the previous window weighted
// by how much of it is still inside the span, plus the current one. Adding
// is O(1) and needs no timer.
type rate struct {
	bucket    int64 // index of the current window (unix nanoseconds / span)
	cur, prev uint32
}

func (r *rate) add(at time.Time) {
	b := at.UnixNano() / int64(rateSpan)
	switch {
	case b == r.bucket:
	case b == r.bucket+1:
		r.prev, r.cur, r.bucket = r.cur, 0, b
	case b > r.bucket:
		r.prev, r.cur, r.bucket = 0, 0, b
	default: // a time from the past (clock step): count it in the current window
	}
	r.cur++
}

// perSecond is the estimated rate at now.
func (r *rate) perSecond(now time.Time) float64 {
	ns := now.UnixNano()
	b := ns / int64(rateSpan)
	frac := float64(ns%int64(rateSpan)) / float64(rateSpan)
	secs := rateSpan.Seconds()
	switch b {
	case r.bucket:
		return (float64(r.prev)*(1-frac) + float64(r.cur)) / secs
	case r.bucket + 1:
		return float64(r.cur) * (1 - frac) / secs
	}
	return 0
}

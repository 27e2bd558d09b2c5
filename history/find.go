package history

import (
	"errors"
	"os"
	"time"
)

// ErrNotFound is returned by Find when no record matches.
var ErrNotFound = errors.New("the message is not in the history")

// findSlack is how far before the wanted time Find keeps reading backwards:
// two processes' segments interleave, but not by more than this.
const findSlack = time.Minute

// Find reads back the whole payload of the message recorded at t on topic,
// received (sent false) or sent. It searches the newest segments first,
// backwards, and stops once records are older than t. A segment's name
// (the time its writer opened it) never rules it out: a clock stepped back
// or a copied segment can hold records older than its name.
func Find(dir string, t time.Time, topic string, sent bool) ([]byte, error) {
	segs, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	want := DirIn
	if sent {
		want = DirOut
	}
	for i := len(segs) - 1; i >= 0; i-- {
		var found []byte
		var hit bool
		f, err := os.Open(segs[i].path)
		if err != nil {
			continue
		}
		err = reverseLines(f, segs[i].size, func(line []byte) bool {
			r, err := parseRecord(line)
			if err != nil {
				return true
			}
			if r.Time.Before(t.Add(-findSlack)) {
				return false
			}
			if r.Dir == want && r.HasPayload && r.Topic == topic && r.Time.Equal(t) {
				found, hit = r.Payload, true
				return false
			}
			return true
		})
		f.Close()
		if err != nil {
			return nil, err
		}
		if hit {
			return found, nil
		}
	}
	return nil, ErrNotFound
}

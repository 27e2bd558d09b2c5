package cli

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"mqttchat/history"
	"mqttchat/ui/screen"
)

// searcher is the screen's history search (/search, s in the list) over the
// broker's log folders; nil when history is off.
func (r *recorder) searcher(servers []string) screen.SearchFunc {
	if r.w == nil {
		return nil
	}
	search := searchHistory(servers)
	return func(ctx context.Context, q screen.SearchQuery, emit func(screen.Replayed) bool) error {
		r.w.Flush(time.Second) // what arrived a moment ago is on disk too
		return search(ctx, q, emit)
	}
}

// searchHistory is the screen's search over the log of the broker (or
// cluster) at servers.
func searchHistory(servers []string) screen.SearchFunc {
	return func(ctx context.Context, sq screen.SearchQuery, emit func(screen.Replayed) bool) error {
		q, err := searchQuery(sq, time.Now())
		if err != nil {
			return err
		}
		dirs, err := history.ClusterDirs(servers)
		if err != nil {
			return err
		}
		_, err = history.Search(ctx, dirs, q, func(rec history.Record) bool {
			ev, ok := rec.AsEvent()
			if !ok {
				return true
			}
			rp := screen.Replayed{Event: ev, StateUnknown: rec.Dir == history.DirOut && rec.State == history.StateUnknown}
			if rec.Partial {
				rp.Size = rec.PayloadLen
			}
			return emit(rp)
		})
		return err
	}
}

// searchMaxPayload is how much of each hit's payload a screen search
// keeps: the list shows a preview, and the detail view reads the rest; with
// the screen's bounded channel of hits, memory stays small.
const searchMaxPayload = 16 << 10

// searchQuery is the history query of a screen search: its times in the
// forms of `mqttchat history --since/--until`, relative to now. It leaves
// one CPU to the screen, which keeps drawing while the search runs.
func searchQuery(sq screen.SearchQuery, now time.Time) (history.Query, error) {
	q := history.Query{Text: sq.Text, MaxPayload: searchMaxPayload, Parallel: max(runtime.GOMAXPROCS(0)-1, 1)}
	if sq.Topic != "" {
		q.Topics = []string{sq.Topic}
	}
	var err error
	if sq.Since != "" {
		if q.Since, err = parseTime(sq.Since, now); err != nil {
			return q, fmt.Errorf("--since: %v", err)
		}
	}
	if sq.Until != "" {
		if q.Until, err = parseTime(sq.Until, now); err != nil {
			return q, fmt.Errorf("--until: %v", err)
		}
	}
	return q, nil
}

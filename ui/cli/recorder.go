package cli

import (
	"log"
	"sync"
	"time"

	"mqttchat/history"
	"mqttchat/mqttconn"
	"mqttchat/ui/screen"
)

// recorder is the history as the chat uses it: the writer fed before the
// display, the messages replayed on start, and the recall lists.
type recorder struct {
	w          *history.Writer // nil when history is off or could not open
	openErr    error           // why the writer could not open
	earlier    []screen.Replayed
	recall     history.Recall
	recallPath string
	dir        string // the broker's log folder
	mu         sync.Mutex
}

// openHistory opens the broker's log. Trouble on disk is not fatal: it is
// logged, shown in the status bar, and the chat goes on without history.
func openHistory(s settings, logger *log.Logger, onPanic func(any, []byte)) *recorder {
	r := &recorder{}
	if s.history.off {
		return r
	}
	if path, err := history.RecallPath(); err == nil {
		r.recallPath = path
		if r.recall, err = history.LoadRecall(path); err != nil {
			logger.Printf("recall: %v", err)
		}
	}
	dir, err := history.ClusterDir(s.servers)
	if err != nil {
		r.fail(err, logger)
		return r
	}
	r.dir = dir
	if s.history.replay > 0 {
		// Tail reads only the start of long payloads (the screen takes their
		// size, and the detail view reads the rest), so start-up stays fast
		// whatever the records' sizes.
		recs, st, err := history.Tail(dir, s.history.replay)
		if err != nil {
			logger.Printf("history replay: %v", err)
		}
		if st.Corrupt > 0 {
			logger.Printf("history replay: skipped %d corrupt lines", st.Corrupt)
		}
		for _, rec := range recs {
			if ev, ok := rec.AsEvent(); ok {
				rp := screen.Replayed{Event: ev, StateUnknown: rec.Dir == history.DirOut && rec.State == history.StateUnknown}
				if rec.Partial {
					rp.Size = rec.PayloadLen
				}
				r.earlier = append(r.earlier, rp)
			}
		}
	}
	r.w, err = history.OpenWriter(dir, history.Options{
		MaxTotal: s.history.maxSize,
		MaxAge:   s.history.maxAge,
		OnError:  func(err error) { logger.Printf("%v", err) },
		OnWarn:   func(err error) { logger.Printf("%v", err) },
		OnPanic:  onPanic,
	})
	if err != nil {
		r.fail(err, logger)
	}
	return r
}

func (r *recorder) fail(err error, logger *log.Logger) {
	r.openErr = err
	logger.Printf("history off: %v", err)
}

// sink is what the connection calls with every event, before the display.
func (r *recorder) sink() func(mqttconn.Event, func()) {
	if r.w == nil {
		return nil
	}
	return r.w.Sink
}

// NotWritten implements screen.HistoryStatus.
func (r *recorder) NotWritten() uint64 {
	if r.w == nil {
		return 0
	}
	return r.w.NotWritten()
}

// Err implements screen.HistoryStatus.
func (r *recorder) Err() error {
	if r.openErr != nil {
		return r.openErr
	}
	if r.w == nil {
		return nil
	}
	return r.w.Err()
}

// status is what the screen shows of the history, nil when it is off.
func (r *recorder) status() screen.HistoryStatus {
	if r.w == nil && r.openErr == nil {
		return nil
	}
	return r
}

// keep adds a sent topic and text to the recall file.
func (r *recorder) keep(topic, text string) error {
	if r.recallPath == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recall.Add(topic, text)
	return r.recall.Save(r.recallPath)
}

// close flushes and syncs the log.
func (r *recorder) close() error {
	if r.w == nil {
		return nil
	}
	return r.w.Close()
}

// loader reads whole payloads back for the detail view; nil without history.
func (r *recorder) loader() screen.PayloadLoader {
	if r.w == nil {
		return nil
	}
	return func(t time.Time, topic string, sent bool) ([]byte, error) {
		return history.Find(r.dir, t, topic, sent)
	}
}

package e2e

import (
	"testing"

	"mqttchat/history/historytest"
)

// makeHistory fills a broker's log folder with at least size bytes of
// history, as sparse segments whose last records are real.
func makeHistory(tb testing.TB, dir string, size int64) {
	tb.Helper()
	historytest.Fill(tb, dir, size, 1000)
}

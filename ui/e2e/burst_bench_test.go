package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"mqttchat/mqttconn/brokertest"
)

// BenchmarkBurst sends a burst of large messages into mqttchat (history on)
// and reports its resident memory three seconds after the last one reached
// the screen (issue 18, item 7: goal ≤ 150 MiB). "20x16MiB" are messages
// under the inbound size cap, kept and recorded; "4x64MiB" are over it, read
// past unread, so memory stays bounded by the cap whatever the size. Each
// burst ends with one small message, counted on screen, so that the wait
// covers everything before it (a connection keeps order).
//
//	go test -run XXX -bench Burst -benchtime 1x ./ui/e2e
func BenchmarkBurst(b *testing.B) {
	for _, tc := range []struct {
		name      string
		count     int
		size      int
		delivered int // messages counted on screen, the marker included
	}{
		{"20x16MiB", 20, 16 << 20, 21},
		{"4x64MiB", 4, 64 << 20, 1},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				m := brokertest.StartMosquitto(b)
				host, port, _ := strings.Cut(m.Addr(), ":")
				state := b.TempDir()
				s := start(b, 120, 36, []string{"XDG_STATE_HOME=" + state}, "-h", host, "-p", port, "-t", "burst/#", "--no-mouse")
				s.keepRaw(false)
				s.waitFor("● connected", "subscribed to burst/#")
				base := rssMiB(b, s.cmd.Process.Pid)
				pub := floodPublisher(b, m.URL())
				flood(pub, "burst/big", tc.count, tc.size, nil)
				flood(pub, "burst/end", 1, 8, nil)
				if _, ok := s.screenShows(fmt.Sprintf("received: %d", tc.delivered), 3*time.Minute); !ok {
					b.Fatalf("the counter never reached %d:\n%s", tc.delivered, s.text())
				}
				peak := peakRSSMiB(b, s.cmd.Process.Pid)
				time.Sleep(3 * time.Second)
				rss := rssMiB(b, s.cmd.Process.Pid)
				s.typeKeys("\x03")
				s.waitExit()
				if tc.delivered > 1 {
					if got := historyCount(b, state, "burst/big"); got != tc.count {
						b.Errorf("the history holds %d of %d", got, tc.count)
					}
				}
				b.ReportMetric(base, "start-RSS-MiB")
				b.ReportMetric(peak, "peak-RSS-MiB")
				b.ReportMetric(rss, "RSS-after-3s-MiB")
			}
		})
	}
}

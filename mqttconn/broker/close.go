package broker

import (
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// CloseServer stops a mochi server without the deadlock in mochi v2.7.9's
// Server.Close: Clients.GetByListener takes its read lock twice, and a client
// leaving in between (its write lock queued) deadlocks the broker for ever
// (mochi-mqtt/server issue 488, unreleased fixes in PRs 489 and 507). The
// listeners are closed first with a client closer that locks once; their
// Close runs only once, so Server.Close then never calls GetByListener.
func CloseServer(srv *mqtt.Server) error {
	srv.Listeners.CloseAll(func(listener string) {
		for _, cl := range srv.Clients.GetAll() {
			if cl.Net.Listener == listener && !cl.Closed() {
				_ = srv.DisconnectClient(cl, packets.ErrServerShuttingDown)
			}
		}
	})
	return srv.Close()
}

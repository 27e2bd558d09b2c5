package brokertest

import (
	"net"
	"strconv"
	"testing"
)

// TestClaimedPortIsNotHandedOutAgain: a port FreeAddr returned is claimed
// until the test ends: another claim on it fails (as it would in another
// test process), and succeeds once the claim is let go.
func TestClaimedPortIsNotHandedOutAgain(t *testing.T) {
	var port int
	t.Run("holder", func(t *testing.T) {
		_, p, err := net.SplitHostPort(FreeAddr(t))
		if err != nil {
			t.Fatal(err)
		}
		port, _ = strconv.Atoi(p)
		if f, ok := claimPort(port); ok {
			f.Close()
			t.Fatalf("port %d claimed twice", port)
		}
	})
	f, ok := claimPort(port)
	if !ok {
		t.Fatalf("port %d still claimed after its test ended", port)
	}
	f.Close()
}

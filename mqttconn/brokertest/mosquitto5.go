package brokertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// DynsecPlugin finds mosquitto's dynamic security plugin, which ships with
// mosquitto 2. Without it the test is skipped, unless CI is set.
func DynsecPlugin(t testing.TB) string {
	t.Helper()
	for _, pattern := range []string{
		"/usr/lib/*/mosquitto_dynamic_security.so",
		"/usr/lib/mosquitto_dynamic_security.so",
		"/usr/local/lib/mosquitto_dynamic_security.so",
	} {
		if found, _ := filepath.Glob(pattern); len(found) > 0 {
			return found[0]
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("mosquitto's dynamic security plugin is missing (it comes with the mosquitto package)")
	}
	t.Skip("mosquitto's dynamic security plugin is not installed")
	return ""
}

// DenyConf is mosquitto configuration that lets every client in and, with
// the dynamic security plugin and its access control list (a JSON file
// in a temporary folder), refuses every subscription matching filter and
// every publish on a topic it matches: mosquitto 2.0's acl_file refuses
// publishes only (a subscription is granted, and nothing delivered
// through it).
func DenyConf(t testing.TB, filter string) []string {
	t.Helper()
	plugin := DynsecPlugin(t)
	conf := filepath.Join(t.TempDir(), "dynamic-security.json")
	acl := `{
  "defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": true, "unsubscribe": true},
  "clients": [],
  "groups": [{"groupname": "anonymous", "roles": [{"rolename": "deny"}], "clients": []}],
  "roles": [{"rolename": "deny", "acls": [
    {"acltype": "subscribePattern", "topic": "` + filter + `", "priority": 0, "allow": false},
    {"acltype": "publishClientSend", "topic": "` + filter + `", "priority": 0, "allow": false}
  ]}],
  "anonymousGroup": "anonymous"
}
`
	if err := os.WriteFile(conf, []byte(acl), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"plugin " + plugin, "plugin_opt_config_file " + conf}
}

// MosquittoVersion is the installed mosquitto's version as major, minor
// and patch (mosquitto -h prints it on its first line).
func MosquittoVersion(t testing.TB) [3]int {
	t.Helper()
	out, _ := exec.Command(MosquittoPath(t), "-h").CombinedOutput() // -h exits 3
	m := regexp.MustCompile(`mosquitto version (\d+)\.(\d+)\.(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no version in mosquitto -h: %.200q", out)
	}
	var v [3]int
	for i := range v {
		v[i], _ = strconv.Atoi(string(m[i+1]))
	}
	return v
}

// MosquittoAtLeast tells whether the installed mosquitto is at least
// major.minor.patch.
func MosquittoAtLeast(t testing.TB, major, minor, patch int) bool {
	v := MosquittoVersion(t)
	want := [3]int{major, minor, patch}
	for i := range v {
		if v[i] != want[i] {
			return v[i] > want[i]
		}
	}
	return true
}

package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"mqttchat/ui/sanitize"
)

// configPath is $XDG_CONFIG_HOME/mqttchat/config.toml, or the platform's
// config folder.
func configPath() (string, error) {
	base := os.Getenv("XDG_CONFIG_HOME")
	if base == "" || !filepath.IsAbs(base) {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		base = dir
	}
	return filepath.Join(base, "mqttchat", "config.toml"), nil
}

// loadConfig applies the config file's defaults and, when profile is not
// empty, that profile. A missing file is no error, unless a profile was
// asked for. Warnings (a password others can read) go to stderr.
func loadConfig(v *values, src sources, profile string, stderr io.Writer) error {
	path, err := configPath()
	if err != nil {
		return err
	}
	data, err := readFile(path, maxConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		if profile != "" {
			return usagef("--profile: %q: there is no config file (%s)", profile, path)
		}
		return nil
	}
	if err != nil {
		return usagef("config file: %v", err)
	}
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return usagef("config file %s: %v", path, oneLine(err))
	}
	profiles := map[string]any{}
	if p, ok := doc["profile"]; ok {
		if profiles, ok = p.(map[string]any); !ok {
			return usagef("config file %s: profile must be a table, as in [profile.NAME]", path)
		}
		delete(doc, "profile")
	}
	if err := applyTable(doc, v, src, source{rank: rankConfig, name: path}); err != nil {
		return usageError{err}
	}
	for name, p := range profiles { // check every profile, not just the one in use
		table, ok := p.(map[string]any)
		if !ok {
			return usagef("%s: profile.%s must be a table", path, name)
		}
		var scratch values
		if err := applyTable(table, &scratch, sources{}, source{name: fmt.Sprintf("%s [profile.%s]", path, name)}); err != nil {
			return usageError{err}
		}
	}
	if profile != "" {
		table, ok := profiles[profile].(map[string]any)
		if !ok {
			return usagef("--profile: no profile %q in %s (it has: %s)", profile, path, names(profiles))
		}
		if err := applyTable(table, v, src, source{rank: rankProfile, name: fmt.Sprintf("%s [profile.%s]", path, profile)}); err != nil {
			return usageError{err}
		}
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 && strings.Contains(string(data), "password") {
		shown := sanitize.String(path)
		fmt.Fprintf(stderr, "mqttchat: warning: %s holds a password and other users can read it (chmod 600 %s)\n", shown, shown)
	}
	return nil
}

func names(m map[string]any) string {
	if len(m) == 0 {
		return "no profiles"
	}
	var l []string
	for k := range m {
		l = append(l, k)
	}
	sort.Strings(l)
	return strings.Join(l, ", ")
}

// oneLine folds a multi-line error to its first line.
func oneLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

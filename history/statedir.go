package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// StateDir is mqttchat's private state directory: $XDG_STATE_HOME/mqttchat,
// else ~/.local/state/mqttchat (on macOS ~/Library/Application Support/mqttchat,
// on Windows %LocalAppData%\mqttchat). It is created with mode 0700.
func StateDir() (string, error) {
	base := os.Getenv("XDG_STATE_HOME")
	if base == "" || !filepath.IsAbs(base) {
		switch runtime.GOOS {
		case "darwin", "windows", "plan9":
			dir, err := os.UserConfigDir()
			if err != nil {
				return "", fmt.Errorf("state directory: %w", err)
			}
			base = dir
			if runtime.GOOS == "windows" {
				if local := os.Getenv("LocalAppData"); local != "" {
					base = local
				}
			}
		default:
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("state directory: %w", err)
			}
			base = filepath.Join(home, ".local", "state")
		}
	}
	dir := filepath.Join(base, "mqttchat")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	return dir, nil
}

// OpenLog opens (appending) the log file mqttchat.log in the state directory,
// private to the user, and returns it with its path.
func OpenLog() (*os.File, string, error) {
	dir, err := StateDir()
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, "mqttchat.log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, "", fmt.Errorf("log file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, os.ErrPermission) {
		_ = f.Close()
		return nil, "", fmt.Errorf("log file: %w", err)
	}
	return f, path, nil
}

// historyRoot is the folder holding one log folder per broker.
func historyRoot() (string, error) {
	dir, err := StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "history"), nil
}

// BrokerDir is the log folder of the broker at server (a paho URL). For a
// loopback broker, folders an older version filed under other loopback
// names of the same port are merged into it first.
func BrokerDir(server string) (string, error) {
	root, err := historyRoot()
	if err != nil {
		return "", err
	}
	key := BrokerKey(server)
	dir := filepath.Join(root, key)
	mergeAliases(root, key, dir)
	return dir, nil
}

// BrokerDirs is BrokerDir with any loopback alias folder that could not be
// merged yet (a live older process still writes there): read them all.
func BrokerDirs(server string) ([]string, error) {
	dir, err := BrokerDir(server)
	if err != nil {
		return nil, err
	}
	dirs := []string{dir}
	root, key := filepath.Dir(dir), filepath.Base(dir)
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			if e.IsDir() && loopbackAlias(e.Name(), key) {
				dirs = append(dirs, filepath.Join(root, e.Name()))
			}
		}
	}
	return dirs, nil
}

// AllBrokerDirs lists every broker's log folder.
func AllBrokerDirs() ([]string, error) {
	root, err := historyRoot()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(root, e.Name()))
		}
	}
	return dirs, nil
}

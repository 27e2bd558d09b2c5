package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
)

// crashGuard is where panics of our goroutines go: the stack is written to
// the log, the terminal is restored (the program is asked to quit, which
// Bubble Tea does in order), and chat returns an error saying where the
// stack is.
type crashGuard struct {
	log     io.Writer
	logPath string

	mu      sync.Mutex
	program *tea.Program
	what    any
}

// newCrashGuard also sends crashes of goroutines we do not own (paho's,
// mochi's) to the log file, where the runtime writes them as it dies.
func newCrashGuard(logFile *os.File, logPath string) *crashGuard {
	if logFile != nil {
		_ = debug.SetCrashOutput(logFile, debug.CrashOptions{})
	}
	return &crashGuard{log: logFile, logPath: logPath}
}

// attach names the program to kill on a crash.
func (g *crashGuard) attach(p *tea.Program) {
	g.mu.Lock()
	g.program = p
	g.mu.Unlock()
}

// panicked records a panic of one of our goroutines and ends the program.
func (g *crashGuard) panicked(r any, stack []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.what != nil {
		return
	}
	g.what = r
	if g.log != nil {
		fmt.Fprintf(g.log, "panic: %v\n\n%s\n", r, stack)
	}
	if g.program != nil {
		// Quit, not Kill: the event loop shuts down in order and restores the
		// terminal (Bubble Tea's Kill races its own input reader).
		go g.program.Quit()
	}
}

// screenPanicked records a panic in Update or View; Bubble Tea restores the
// terminal itself.
func (g *crashGuard) screenPanicked(r any, stack []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.what == nil {
		g.what = r
		if g.log != nil {
			fmt.Fprintf(g.log, "panic in the screen: %v\n\n%s\n", r, stack)
		}
	}
}

// err is the crash as chat's error, or nil.
func (g *crashGuard) err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.what == nil {
		return nil
	}
	where := "the log file could not be opened"
	if g.logPath != "" {
		where = "the stack is in " + g.logPath
	}
	return fmt.Errorf("crashed: %v (this is a bug; %s)", g.what, where)
}

// guard runs f in a goroutine of ours, with its panics caught.
func (g *crashGuard) guard(f func()) {
	go func() {
		defer func() {
			if r := recover(); r != nil {
				g.panicked(r, debug.Stack())
			}
		}()
		f()
	}()
}

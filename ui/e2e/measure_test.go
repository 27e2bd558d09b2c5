package e2e

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cpuTime is the user and system CPU time a process has used.
func cpuTime(tb testing.TB, pid int) time.Duration {
	tb.Helper()
	return procCPU(tb, pid, false)
}

// cpuWithChildren is cpuTime with that of its children it has waited for.
func cpuWithChildren(tb testing.TB, pid int) time.Duration {
	tb.Helper()
	return procCPU(tb, pid, true)
}

func procCPU(tb testing.TB, pid int, children bool) time.Duration {
	tb.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		tb.Skip("no /proc here")
	}
	// Fields after the command name (in parentheses): utime is the 14th, stime the 15th.
	rest := string(data[strings.LastIndexByte(string(data), ')')+2:])
	f := strings.Fields(rest)
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	if children { // cutime, cstime
		cu, _ := strconv.ParseInt(f[13], 10, 64)
		cs, _ := strconv.ParseInt(f[14], 10, 64)
		utime, stime = utime+cu, stime+cs
	}
	const hz = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / hz
}

// rssMiB is a process's resident memory.
func rssMiB(tb testing.TB, pid int) float64 {
	tb.Helper()
	return statusMiB(tb, pid, "VmRSS:")
}

// statusMiB is a size field of /proc/pid/status, in MiB.
func statusMiB(tb testing.TB, pid int, field string) float64 {
	tb.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		tb.Skip("no /proc here")
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// percentile is the p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(int(float64(len(sorted))*p), len(sorted)-1)]
}

// peakRSSMiB is a process's highest resident memory so far (VmHWM).
func peakRSSMiB(tb testing.TB, pid int) float64 {
	tb.Helper()
	return statusMiB(tb, pid, "VmHWM:")
}

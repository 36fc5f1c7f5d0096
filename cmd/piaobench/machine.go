package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machineUse is what the whole machine and this process did during a route's
// measured run: the CPU split of /proc/stat (every process, PostgreSQL and the
// kernel included) and this process's garbage collections. It tells a slower
// route apart from a busier machine when two runs are compared.
type machineUse struct {
	UserPct   float64 `json:"user_pct"`
	SystemPct float64 `json:"system_pct"`
	IdlePct   float64 `json:"idle_pct"`
	IOWaitPct float64 `json:"iowait_pct"`
	StealPct  float64 `json:"steal_pct"` // taken by the hypervisor for other guests
	GCCycles  uint32  `json:"gc_cycles"`
	GCPauseMs float64 `json:"gc_pause_ms"`
	HeapMiB   float64 `json:"heap_mib"` // this process's live heap after the run
}

// cpuTicks is the first line of /proc/stat: user nice system idle iowait irq
// softirq steal, in clock ticks since boot; nil where there is no /proc.
func cpuTicks() []uint64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return nil
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return nil
	}
	out := make([]uint64, 8)
	for i := range out {
		if out[i], err = strconv.ParseUint(f[i+1], 10, 64); err != nil {
			return nil
		}
	}
	return out
}

// machineProbe is started before a measured run; its end gives the use.
type machineProbe struct {
	ticks []uint64
	gc    runtime.MemStats
}

func startMachineProbe() *machineProbe {
	p := &machineProbe{ticks: cpuTicks()}
	runtime.ReadMemStats(&p.gc)
	return p
}

func (p *machineProbe) end() *machineUse {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	u := &machineUse{GCCycles: m.NumGC - p.gc.NumGC, GCPauseMs: float64(time.Duration(m.PauseTotalNs-p.gc.PauseTotalNs)) / 1e6,
		HeapMiB: float64(m.HeapAlloc) / (1 << 20)}
	now := cpuTicks()
	if p.ticks == nil || now == nil {
		return u
	}
	d := make([]float64, len(now))
	var total float64
	for i := range now {
		d[i] = float64(now[i] - p.ticks[i])
		total += d[i]
	}
	if total == 0 {
		return u
	}
	pct := func(v float64) float64 { return 100 * v / total }
	u.UserPct, u.SystemPct, u.IdlePct, u.IOWaitPct, u.StealPct = pct(d[0]+d[1]), pct(d[2]+d[5]+d[6]), pct(d[3]), pct(d[4]), pct(d[7])
	return u
}

// String is the use as the progress lines show it ("" when unknown).
func (u *machineUse) String() string {
	if u == nil {
		return ""
	}
	return fmt.Sprintf("  (machine: user %.0f%%, system %.0f%%, idle %.0f%%, steal %.0f%%; here %d GCs, %.1f ms paused, heap %.0f MiB)",
		u.UserPct, u.SystemPct, u.IdlePct, u.StealPct, u.GCCycles, u.GCPauseMs, u.HeapMiB)
}

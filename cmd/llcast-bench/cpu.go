package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat: 100
// on every Linux architecture Go supports (sysconf would need cgo).
const clockTicks = 100

// cpuResult is what one server used over a wall-clock period.
type cpuResult struct {
	wall             time.Duration
	cpu              time.Duration // user + system
	hwmStart, hwmEnd int64         // VmHWM, kB
}

// measureCPU reads the server's CPU time and peak RSS now and after d.
func measureCPU(ctx context.Context, s *server, d time.Duration) (*cpuResult, error) {
	pid := s.cmd.Process.Pid
	t0, hwm0, err := procUsage(pid)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := s.wait(ctx, d); err != nil {
		return nil, err
	}
	t1, hwm1, err := procUsage(pid)
	if err != nil {
		return nil, err
	}
	return &cpuResult{wall: time.Since(start), cpu: t1 - t0, hwmStart: hwm0, hwmEnd: hwm1}, nil
}

// procUsage returns the CPU time (utime+stime) and VmHWM (kB) of pid.
func procUsage(pid int) (time.Duration, int64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	cpu := time.Duration(utime+stime) * time.Second / clockTicks
	hwm, err := procStatusKB(pid, "VmHWM")
	return cpu, hwm, err
}

// procStatusKB reads a size in kB, such as VmRSS (resident now) or VmHWM
// (its peak), from /proc/PID/status.
func procStatusKB(pid int, name string) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, name)
}

func (r *cpuResult) print(w io.Writer) {
	fmt.Fprintf(w, "cpu and memory over %v with no viewers:\n", r.wall.Round(time.Second))
	fmt.Fprintf(w, "  CPU %.1f %% of one core; peak RSS %.1f MiB (%.1f MiB when the period began)\n",
		100*r.cpu.Seconds()/r.wall.Seconds(), float64(r.hwmEnd)/1024, float64(r.hwmStart)/1024)
}

//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// allowedCPUs lists the CPUs this process may run on, lowest first.
func allowedCPUs() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("sched_getaffinity: %w", err)
	}
	var cpus []int
	for i := 0; len(cpus) < set.Count(); i++ {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	return cpus, nil
}

// pinProcess moves every thread of this process onto cpu alone and
// returns a function that puts them back on the CPUs they had.
//
// sched_setaffinity sets one thread, and Go runs goroutines on several;
// a thread the runtime adds later inherits the mask of the thread that
// created it. So each thread in /proc/self/task is set, again until a
// pass finds no new one: then all are pinned, and so is any made after.
func pinProcess(cpu int) (restore func() error, err error) {
	var old unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		return nil, fmt.Errorf("sched_getaffinity: %w", err)
	}
	var set unix.CPUSet
	set.Set(cpu)
	if err := setThreadsAffinity(&set); err != nil {
		_ = setThreadsAffinity(&old)
		return nil, err
	}
	return func() error { return setThreadsAffinity(&old) }, nil
}

func setThreadsAffinity(set *unix.CPUSet) error {
	done := map[int]bool{}
	for {
		entries, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return err
		}
		added := false
		for _, e := range entries {
			tid, err := strconv.Atoi(e.Name())
			if err != nil || done[tid] {
				continue
			}
			// A thread may exit between the listing and here.
			if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("sched_setaffinity on thread %d: %w", tid, err)
			}
			done[tid], added = true, true
		}
		if !added {
			return nil
		}
	}
}

// Package policytest holds what the engine's tests share: the random policy generator of
// the differential tests (evaluator and analyser) and the benchmarks' CPU clock. It is
// imported by tests only.
package policytest

import (
	"syscall"
	"testing"
	"time"
)

// ProcessCPU is the CPU time the process has used: unlike ns/op, it does not count the
// time other processes of a busy machine take from a benchmark.
func ProcessCPU(tb testing.TB) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// Package benchx measures two or more implementations of one operation side
// by side, interleaved in one process: short chunks of each, their order
// rotated every round, so a change of machine load between runs shows up in
// the spread instead of as a ratio. It is used by the packages' gated
// measurement tests (see .ci/bench), never by the SDK itself.
package benchx

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/testsrv"
)

// Sample is one chunk of one implementation.
type Sample struct {
	NsPerOp     float64 // wall time
	CPUNsPerOp  float64 // process CPU time (user + system), every goroutine included
	AllocsPerOp float64
	BytesPerOp  float64
}

// Op is one operation; an error ends the measurement.
type Op func() error

// Interleave runs rounds rounds; in each, every op runs chunk times in a
// row, in an order rotated by one each round. It returns the samples of
// each op, per round, indexed like ops. Each op runs warm times before the
// first round.
func Interleave(rounds, chunk, warm int, ops ...Op) ([][]Sample, error) {
	out := make([][]Sample, len(ops))
	for i, op := range ops {
		for range warm {
			if err := op(); err != nil {
				return nil, fmt.Errorf("op %d: %w", i, err)
			}
		}
	}
	for r := range rounds {
		for k := range ops {
			i := (k + r) % len(ops)
			s, err := run(ops[i], chunk)
			if err != nil {
				return nil, fmt.Errorf("op %d: %w", i, err)
			}
			out[i] = append(out[i], s)
		}
	}
	return out, nil
}

func run(op Op, n int) (Sample, error) {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0 := cpu()
	t0 := time.Now()
	for range n {
		if err := op(); err != nil {
			return Sample{}, err
		}
	}
	wall := time.Since(t0)
	c1 := cpu()
	runtime.ReadMemStats(&m1)
	f := float64(n)
	return Sample{
		NsPerOp:     float64(wall.Nanoseconds()) / f,
		CPUNsPerOp:  float64((c1 - c0).Nanoseconds()) / f,
		AllocsPerOp: float64(m1.Mallocs-m0.Mallocs) / f,
		BytesPerOp:  float64(m1.TotalAlloc-m0.TotalAlloc) / f,
	}, nil
}

// cpu is the process's user plus system CPU time.
func cpu() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Ratio summarises a against b round by round: the median of the per-round
// ratios a/b, and their lowest and highest.
type Ratio struct{ Median, Min, Max float64 }

// Ratios compares field f of a and b, round by round.
func Ratios(a, b []Sample, f func(Sample) float64) Ratio {
	rs := make([]float64, 0, len(a))
	for i := range min(len(a), len(b)) {
		if d := f(b[i]); d > 0 {
			rs = append(rs, f(a[i])/d)
		}
	}
	if len(rs) == 0 {
		return Ratio{}
	}
	slices.Sort(rs)
	mid := rs[len(rs)/2]
	if len(rs)%2 == 0 {
		mid = (rs[len(rs)/2-1] + rs[len(rs)/2]) / 2
	}
	return Ratio{Median: mid, Min: rs[0], Max: rs[len(rs)-1]}
}

// Median is the median of field f over the samples.
func Median(s []Sample, f func(Sample) float64) float64 {
	v := make([]float64, len(s))
	for i := range s {
		v[i] = f(s[i])
	}
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	if len(v)%2 == 0 {
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return v[len(v)/2]
}

// Wall, CPU and Allocs select a Sample's fields.
func Wall(s Sample) float64   { return s.NsPerOp }
func CPU(s Sample) float64    { return s.CPUNsPerOp }
func Allocs(s Sample) float64 { return s.AllocsPerOp }

// Row formats one comparison of sdk against raw as a Markdown table row:
// name | sdk and raw medians (wall, CPU, allocs) | ratio medians [min–max].
func Row(name string, sdk, raw []Sample) string {
	var b strings.Builder
	w, c, a := Ratios(sdk, raw, Wall), Ratios(sdk, raw, CPU), Ratios(sdk, raw, Allocs)
	fmt.Fprintf(&b, "| %s | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.3f [%.3f–%.3f] | %.3f [%.3f–%.3f] | %.3f [%.3f–%.3f] |",
		name, Median(sdk, Wall), Median(raw, Wall), Median(sdk, CPU), Median(raw, CPU), Median(sdk, Allocs), Median(raw, Allocs),
		w.Median, w.Min, w.Max, c.Median, c.Min, c.Max, a.Median, a.Min, a.Max)
	return b.String()
}

// Header is the Markdown table header that Row's rows go under.
const Header = "| benchmark | ns/op sdk / raw | CPU ns/op sdk / raw | allocs/op sdk / raw | time ratio [min–max] | CPU ratio [min–max] | allocs ratio [min–max] |\n|---|---:|---:|---:|---:|---:|---:|"

// Gated reports whether the interleaved measurements were asked for
// (CASEASSIGN_INTERLEAVE set): they take minutes and want a quiet machine,
// so ordinary test runs skip them.
func Gated() bool { return os.Getenv("CASEASSIGN_INTERLEAVE") != "" }

// Measure runs sdk and raw interleaved (CASEASSIGN_INTERLEAVE_ROUNDS rounds,
// default 15, each op running for about CASEASSIGN_INTERLEAVE_CHUNK_MS
// milliseconds per round, default 100) and appends the Row to the file
// CASEASSIGN_INTERLEAVE_OUT, when set.
func Measure(name string, sdk, raw Op) (string, error) {
	rounds := envInt("CASEASSIGN_INTERLEAVE_ROUNDS", 15)
	target := time.Duration(envInt("CASEASSIGN_INTERLEAVE_CHUNK_MS", 100)) * time.Millisecond
	// Calibrate: the chunk is as many ops as the slower one runs in target.
	var slowest time.Duration
	for _, op := range []Op{sdk, raw} {
		t0 := time.Now()
		for range 50 {
			if err := op(); err != nil {
				return "", err
			}
		}
		slowest = max(slowest, time.Since(t0)/50)
	}
	chunk := max(int(target/max(slowest, time.Microsecond)), 20)
	s, err := Interleave(rounds, chunk, chunk/10+1, sdk, raw)
	if err != nil {
		return "", err
	}
	row := Row(name, s[0], s[1])
	if out := os.Getenv("CASEASSIGN_INTERLEAVE_OUT"); out != "" {
		f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return "", err
		}
		defer f.Close()
		if _, err := fmt.Fprintln(f, row); err != nil {
			return "", err
		}
	}
	return row, nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// Bench runs each op as a sub-benchmark named by its key ("sdk", "raw"),
// reporting allocations.
func Bench(b *testing.B, ops map[string]Op) {
	for _, name := range slices.Sorted(maps.Keys(ops)) {
		op := ops[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := op(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Transports returns the two modes of the assign benchmarks: a fresh clone
// of the default transport (loopback to the test server) and a Replay that
// answers recorded responses from memory (the clients' own cost).
func Transports() (loopback, noIO func() http.RoundTripper) {
	return func() http.RoundTripper { return http.DefaultTransport.(*http.Transport).Clone() },
		func() http.RoundTripper { return testsrv.NewReplay(nil) }
}

// MeasureModes is a package's TestMeasureInterleaved: it skips unless
// Gated, then measures "<pkg> Assign" and "<pkg> AssignNoIO" with the ops
// that ops builds for each mode's transport, and logs each row.
func MeasureModes(t *testing.T, pkg string, ops func(transport func() http.RoundTripper, noIO bool) (sdk, raw Op)) {
	if !Gated() {
		t.Skip("set CASEASSIGN_INTERLEAVE=1 (.ci/bench does)")
	}
	loopback, noIO := Transports()
	for _, m := range []struct {
		name string
		tr   func() http.RoundTripper
		noIO bool
	}{{pkg + " Assign", loopback, false}, {pkg + " AssignNoIO", noIO, true}} {
		sdk, raw := ops(m.tr, m.noIO)
		row, err := Measure(m.name, sdk, raw)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(row)
	}
}

// ProofOut names the file measurements append their results to, as JSON
// lines that .ci/benchreport reads (CASEASSIGN_PROOF_OUT, which .ci/bench
// sets); "" when unset.
func ProofOut() string { return os.Getenv("CASEASSIGN_PROOF_OUT") }

var recordMu sync.Mutex

// Record appends v to path as one JSON line, and logs it.
func Record(tb testing.TB, path string, v map[string]any) {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	recordMu.Lock()
	defer recordMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(append(b, '\n')); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("%s", b)
}

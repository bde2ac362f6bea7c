package proof

import (
	"context"
	"flag"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// soakDuration returns how long the soak test runs, skipping it unless it
// was asked for by name (go test -run Soak) or with CASEASSIGN_SOAK.
func soakDuration(t *testing.T) time.Duration {
	if v := os.Getenv("CASEASSIGN_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "CASEASSIGN_SOAK is a duration such as 3m")
		return d
	}
	if f := flag.Lookup("test.run"); f == nil || !strings.Contains(f.Value.String(), "Soak") {
		t.Skip("the soak test runs with -run Soak (or CASEASSIGN_SOAK=3m)")
	}
	return 3 * time.Minute
}

// TestSoak runs 8 goroutines doing mixed assignments (assign, unassign) on
// all four packages against servers that inject 5% transient faults. Each
// goroutine owns its items, so the expected final state of every item is
// the last change that succeeded. At the end every item must be in that
// state, none held twice, and the heap must not have grown.
func TestSoak(t *testing.T) {
	d := soakDuration(t)
	const workers, items = 8, 400
	faults := []testsrv.Fault{
		{Status: 502}, {Status: 503}, {Status: 504}, {Status: 429, RetryAfter: "0"},
		{Drop: true}, {DropAfterHandling: true}, {Truncate: true},
	}
	s := defaults()
	s.retryMax = 6
	targets := make([]*target, len(vendors))
	for i, name := range vendors {
		targets[i] = newTarget(t, name, items, s)
		targets[i].srv.SetRecording(false)
		targets[i].srv.SetFaultRate(0.05, uint64(i+1), faults...)
	}

	type itemState struct {
		want  bool // the last change that succeeded
		known bool
		ops   int
		errs  int
	}
	states := make([][]itemState, len(targets))
	for i := range states {
		states[i] = make([]itemState, items)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var total atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				ti := (w + n) % len(targets)
				i := w + workers*((n/len(targets))%(items/workers)) // items owned by worker w
				st := &states[ti][i]
				on := !st.want || !st.known
				err := targets[ti].toggle(context.Background(), i, on)
				st.ops++
				total.Add(1)
				if err != nil {
					st.errs++
					continue
				}
				st.want, st.known = on, true
			}
		}()
	}

	var samples []uint64
	tick := time.NewTicker(d / 10)
	defer tick.Stop()
sample:
	for {
		select {
		case <-ctx.Done():
			break sample
		case <-tick.C:
			for _, tg := range targets {
				tg.resetEvents() // the test servers' own logs, not the SDK's memory
			}
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			samples = append(samples, m.HeapAlloc)
			t.Logf("%s: %d operations, heap %d KiB", d/10*time.Duration(len(samples)), total.Load(), m.HeapAlloc>>10)
		}
	}
	wg.Wait()

	ops, errs := 0, 0
	for ti, tg := range targets {
		t.Logf("%s: %d random faults injected", tg.name, tg.srv.Injected())
		for i := range items {
			st := states[ti][i]
			ops += st.ops
			errs += st.errs
			if !st.known {
				continue
			}
			assert.Equal(t, st.want, tg.state(i), "%s item %d: the last successful change holds", tg.name, i)
			assert.False(t, tg.dups(i), "%s item %d is held twice", tg.name, i)
		}
	}
	t.Logf("%d operations, %d failed after their retries", ops, errs)
	assert.Less(t, errs, ops/1000+1, "transient faults are absorbed by the retries")
	require.GreaterOrEqual(t, len(samples), 4)
	first := max(samples[0], samples[1])
	last := samples[len(samples)-1]
	assert.Less(t, last, first+first/2+8<<20, "heap flat: first %d KiB, last %d KiB", first>>10, last>>10)
}

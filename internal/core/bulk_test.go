package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseassign/caseassign/internal/testsrv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunBulkOrderAndConcurrency(t *testing.T) {
	t.Parallel()
	for _, conc := range []int{0, 1, 3, 16, 1000} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			t.Parallel()
			const n = 50
			want := conc
			if want <= 0 {
				want = DefaultConcurrency
			}
			// Counted, not timed: each call waits until min(want, n) are
			// in flight at once (10 s is a bound only a broken runner hits).
			full := make(chan struct{})
			var once sync.Once
			var inFlight, peak atomic.Int32
			var mu sync.Mutex
			var progress []int
			errs := RunBulk(context.Background(), n, nil, BulkOptions{
				Concurrency: conc,
				OnProgress: func(done, total int) {
					mu.Lock()
					progress = append(progress, done)
					mu.Unlock()
					assert.Equal(t, n, total)
				},
			}, func(ctx context.Context, i int) error {
				cur := inFlight.Add(1)
				for {
					p := peak.Load()
					if cur <= p || peak.CompareAndSwap(p, cur) {
						break
					}
				}
				if int(cur) >= min(want, n) {
					once.Do(func() { close(full) })
				}
				select {
				case <-full:
				case <-time.After(10 * time.Second):
				}
				inFlight.Add(-1)
				if i%7 == 0 {
					return fmt.Errorf("item %d", i)
				}
				return nil
			})
			require.Len(t, errs, n)
			for i, err := range errs {
				if i%7 == 0 {
					assert.EqualError(t, err, fmt.Sprintf("item %d", i))
				} else {
					assert.NoError(t, err)
				}
			}
			assert.Equal(t, min(want, n), int(peak.Load()), "exactly the concurrency asked for is in flight")
			require.Len(t, progress, n)
			for i, d := range progress {
				assert.Equal(t, i+1, d)
			}
		})
	}
}

func TestRunBulkCancelStopsNewWork(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var started atomic.Int32
	errs := RunBulk(ctx, 100, nil, BulkOptions{Concurrency: 2}, func(ctx context.Context, i int) error {
		if started.Add(1) == 4 {
			cancel()
		}
		return nil
	})
	require.Len(t, errs, 100)
	canceled := 0
	for _, err := range errs {
		if errors.Is(err, context.Canceled) {
			canceled++
		}
	}
	assert.Equal(t, 100-int(started.Load()), canceled)
	assert.GreaterOrEqual(t, canceled, 90)
}

func TestRunBulkEmpty(t *testing.T) {
	t.Parallel()
	called := false
	errs := RunBulk(context.Background(), 0, nil, BulkOptions{OnProgress: func(int, int) { called = true }}, func(context.Context, int) error { return nil })
	assert.Empty(t, errs)
	assert.False(t, called)
}

// TestRunBulkOnProgressPanic: the panic comes back in the caller's
// goroutine, no new item starts after it, and no goroutine is left (goleak).
func TestRunBulkOnProgressPanic(t *testing.T) {
	t.Parallel()
	var started atomic.Int32
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		RunBulk(context.Background(), 100, nil, BulkOptions{Concurrency: 1, OnProgress: func(done, _ int) {
			if done == 3 {
				panic("boom")
			}
		}}, func(context.Context, int) error {
			started.Add(1)
			return nil
		})
	}()
	assert.Equal(t, "boom", recovered)
	assert.Equal(t, int32(3), started.Load(), "no item starts after the panic")
}

func TestRunBulkWeightsAndBulkError(t *testing.T) {
	t.Parallel()
	sizes := []int{1000, 1000, 500}
	var progress [][2]int
	errs := RunBulk(context.Background(), 3, func(i int) int { return sizes[i] }, BulkOptions{Concurrency: 1, OnProgress: func(done, total int) {
		progress = append(progress, [2]int{done, total})
	}}, func(_ context.Context, i int) error {
		if i == 1 {
			return &APIError{StatusCode: 500}
		}
		return nil
	})
	assert.Equal(t, [][2]int{{1000, 2500}, {2000, 2500}, {2500, 2500}}, progress)
	err := NewBulkError("p", errs, func(i int) int { return sizes[i] }, 2500)
	var be *BulkError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 1000, be.Failed)
	assert.Equal(t, 2500, be.Total)
	assert.ErrorIs(t, err, ErrServer)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 500, ae.StatusCode)
	assert.Contains(t, err.Error(), "1000 of 2500 items failed")
	assert.NoError(t, NewBulkError("p", []error{nil, nil}, nil, 2))
}

// A panic while an item runs (a caller's try hook, say) stops the bulk
// call and reaches the goroutine that called it, never a worker's (which
// would crash the process); no item starts after it.
func TestRunBulkPanicInAnItemReachesTheCaller(t *testing.T) {
	t.Parallel()
	var started atomic.Int32
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		RunBulk(context.Background(), 100, nil, BulkOptions{Concurrency: 4}, func(_ context.Context, i int) error {
			if started.Add(1) == 5 {
				panic("hook boom")
			}
			return nil
		})
	}()
	assert.Equal(t, "hook boom", recovered)
	assert.LessOrEqual(t, started.Load(), int32(8), "the workers stop")
}

// The same with a real try hook on a client running a bulk call.
func TestTryHookPanicInABulkCallReachesTheCaller(t *testing.T) {
	t.Parallel()
	srv := testsrv.New(okHandler())
	defer srv.Close()
	o := fastOptions(srv.URL)
	var n atomic.Int32
	o.SetTryHook(func(Try) {
		if n.Add(1) == 3 {
			panic("try hook boom")
		}
	})
	c := newTestClient(t, testSpec(), o)
	assert.PanicsWithValue(t, "try hook boom", func() {
		RunBulk(context.Background(), 50, nil, BulkOptions{Concurrency: 4}, func(ctx context.Context, _ int) error {
			_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
			return err
		})
	})
}

package core

import (
	"context"
	"sync"
	"sync/atomic"
)

// BulkOptions controls a bulk call.
type BulkOptions struct {
	// Concurrency is the number of requests in flight; 0 (or less) means
	// DefaultConcurrency (8).
	Concurrency int
	// OnProgress is called after each item or batch with the number done and
	// the total. Calls never overlap and done only grows. May be nil.
	OnProgress func(done, total int)
}

// RunBulk calls do for each index in [0, n) with at most opts.Concurrency
// calls in flight and returns each call's error at its index. When ctx is
// cancelled no new call starts and every index not started gets ctx.Err().
// OnProgress runs after each finished call.
func RunBulk(ctx context.Context, n int, opts BulkOptions, do func(ctx context.Context, i int) error) []error {
	errs := make([]error, n)
	if n == 0 {
		return errs
	}
	workers := opts.Concurrency
	if workers <= 0 {
		workers = DefaultConcurrency
	}
	workers = min(workers, n)
	var (
		next    atomic.Int64
		started = make([]bool, n)
		mu      sync.Mutex
		done    int
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				started[i] = true
				errs[i] = do(ctx, i)
				mu.Lock()
				done++
				if opts.OnProgress != nil {
					opts.OnProgress(done, n)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		for i := range errs {
			if !started[i] {
				errs[i] = err
			}
		}
	}
	return errs
}

package core

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// BulkOptions controls a bulk call.
type BulkOptions struct {
	// Concurrency is the number of requests in flight; 0 (or less) means
	// DefaultConcurrency (8).
	Concurrency int
	// OnProgress is called after each item or batch with the number of
	// items done (ids for Coralogix, whatever their batch) and the total.
	// Calls never overlap and done only grows. May be nil.
	//
	// A panic in OnProgress (or OnOutcome, or a hook the SDK calls while
	// an item runs, such as WithTryHook's) stops the bulk call: no new
	// item starts, the items in flight finish, and the panic is raised
	// again in the goroutine that called the bulk method, where the caller
	// can recover it. It never crashes the process from a goroutine of the
	// SDK's.
	OnProgress func(done, total int)
	// OnOutcome, when set, is called right after OnProgress with the
	// running counts: done, of which succeeded and failed, and the total.
	// Calls never overlap; a panic in it is handled like one in OnProgress.
	OnOutcome func(Progress)
}

// Progress is a bulk call's running count after an item or batch: Done
// items (ids for Coralogix) were settled, Succeeded of them succeeded and
// Failed failed (Done = Succeeded + Failed), out of Total.
type Progress struct {
	Done, Succeeded, Failed, Total int
}

// RunBulk calls do for each index in [0, n) with at most opts.Concurrency
// calls in flight and returns each call's error at its index. When ctx is
// cancelled no new call starts and every index not started gets ctx.Err().
// OnProgress runs after each finished call and counts size(i) for item i
// (1 for every item when size is nil). ctx must not be nil: the package
// methods check it first.
func RunBulk(ctx context.Context, n int, size func(i int) int, opts BulkOptions, do func(ctx context.Context, i int) error) []error {
	if size == nil {
		size = func(int) int { return 1 }
	}
	return RunBulkCounted(ctx, n, size, opts, func(ctx context.Context, i int) (int, error) {
		if err := do(ctx, i); err != nil {
			return size(i), err
		}
		return 0, nil
	})
}

// RunBulkCounted is RunBulk for items that can partly fail (a batch of
// ids): do returns how many of item i's size(i) units failed, next to an
// error for the item as a whole (nil when it is settled unit by unit).
// OnOutcome counts the units.
func RunBulkCounted(ctx context.Context, n int, size func(i int) int, opts BulkOptions, do func(ctx context.Context, i int) (failed int, err error)) []error {
	errs := make([]error, n)
	if n == 0 {
		return errs
	}
	if size == nil {
		size = func(int) int { return 1 }
	}
	total := 0
	for i := range n {
		total += size(i)
	}
	workers := opts.Concurrency
	if workers <= 0 {
		workers = DefaultConcurrency
	}
	workers = min(workers, n)
	var (
		next     atomic.Int64
		stop     atomic.Bool
		started  = make([]bool, n)
		mu       sync.Mutex
		count    = Progress{Total: total}
		panicked *panicValue
		wg       sync.WaitGroup
	)
	progress := func(i, failed int) {
		mu.Lock()
		defer mu.Unlock()
		sz := size(i)
		failed = min(max(failed, 0), sz)
		count.Done += sz
		count.Failed += failed
		count.Succeeded += sz - failed
		if panicked != nil {
			return
		}
		defer func() {
			if p := recover(); p != nil {
				panicked = &panicValue{p}
				stop.Store(true)
			}
		}()
		if opts.OnProgress != nil {
			opts.OnProgress(count.Done, total)
		}
		if opts.OnOutcome != nil {
			opts.OnOutcome(count)
		}
	}
	// call runs do for item i; a panic in it (a caller's hook, a caller's
	// function) stops the bulk call like a panic in OnProgress, and is
	// raised again in the caller's goroutine, never in a worker's.
	call := func(ctx context.Context, i int) (failed int, ok bool, err error) {
		defer func() {
			if p := recover(); p != nil {
				mu.Lock()
				if panicked == nil {
					panicked = &panicValue{p}
				}
				mu.Unlock()
				stop.Store(true)
			}
		}()
		failed, err = do(ctx, i)
		return failed, true, err
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				started[i] = true
				failed, ok, err := call(ctx, i)
				if !ok {
					return // do panicked: the panic goes to the caller
				}
				errs[i] = err
				progress(i, failed)
			}
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked.v)
	}
	if err := ctx.Err(); err != nil {
		for i := range errs {
			if !started[i] {
				errs[i] = err
			}
		}
	}
	return errs
}

type panicValue struct{ v any }

// BulkError is returned by every bulk call when at least one item failed,
// next to the outcomes of all items. errors.Is(err, target) holds when it
// holds for any failed item's error, and errors.As reaches each item's
// *APIError.
type BulkError struct {
	// Failed is the number of items that failed (ids for Coralogix, whose
	// failures come a batch at a time); Total is the number of items.
	Failed, Total int
	// Errs holds the error of each failure, in input order: one per failed
	// item, or per failed batch for Coralogix.
	Errs []error

	pkg string
}

// NewBulkError returns a *BulkError for the non-nil errors of errs, or nil
// when there are none. size(i) is how many items errs[i] stands for (1
// when size is nil); total is the number of items.
func NewBulkError(pkg string, errs []error, size func(i int) int, total int) error {
	e := &BulkError{Total: total, pkg: pkg}
	for i, err := range errs {
		if err == nil {
			continue
		}
		e.Errs = append(e.Errs, err)
		if size == nil {
			e.Failed++
		} else {
			e.Failed += size(i)
		}
	}
	if len(e.Errs) == 0 {
		return nil
	}
	return e
}

// NewBulkErrorOf builds a *BulkError from its parts, for a package's own
// BulkError type to format.
func NewBulkErrorOf(pkg string, failed, total int, errs []error) *BulkError {
	return &BulkError{Failed: failed, Total: total, Errs: errs, pkg: pkg}
}

// Error says how many items failed and why the first one did.
func (e *BulkError) Error() string {
	var b strings.Builder
	if e.pkg != "" {
		b.WriteString(e.pkg + ": ")
	}
	b.WriteString(strconv.Itoa(e.Failed) + " of " + strconv.Itoa(e.Total) + " items failed")
	if len(e.Errs) > 0 && e.Errs[0] != nil {
		b.WriteString("; first: " + e.Errs[0].Error())
	}
	return b.String()
}

// Unwrap returns every failure's error, for errors.Is and errors.As.
func (e *BulkError) Unwrap() []error { return e.Errs }

// GoString shows the counts and each error's (redacted) text.
func (e *BulkError) GoString() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = strconv.Quote(fmt.Sprint(err))
	}
	return fmt.Sprintf("&BulkError{Failed:%d, Total:%d, Errs:[%s]}", e.Failed, e.Total, strings.Join(msgs, ", "))
}

// Ready is what every package method checks before anything else: a
// usable client (not nil, not a zero value) and a non-nil context. Both
// failures match ErrInvalidInput, and nothing is sent.
func Ready(pkg string, c *Client, ctx context.Context) error { //nolint:revive // ctx is checked, not used
	if c == nil {
		return Invalid(pkg, "client", "nil or zero-value Client: create one with NewClient")
	}
	if ctx == nil {
		return Invalid(pkg, "ctx", "nil context")
	}
	return nil
}

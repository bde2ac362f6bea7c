// Command shared-limit assigns a Rootly incident role on many incidents
// while sharing one rate budget with every other process that uses the same
// API key, through Redis.
//
// Rootly's limit is per API key: ten replicas of a routing service, each
// with its own client-side limiter, overrun it together. Here every process
// takes its turn from one GCRA limiter kept in Redis
// (github.com/go-redis/redis_rate), handed to the SDK with
// rootly.WithLimiter, so together they never send faster than -rate.
//
// This program lives in its own module, so the SDK itself carries no Redis
// dependency.
//
//	shared-limit -redis 127.0.0.1:6379 -rate 45 -ids incidents.txt -user 317 -role <role uuid>
//
// With ROOTLY_API_TOKEN set it calls Rootly (or -url); the ids file holds
// one incident id per line. It prints one JSON line: what it sent and how
// it went.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/caseassign/caseassign/rootly"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// Summary is what one process reports.
type Summary struct {
	Items    int     `json:"items"`
	OK       int     `json:"ok"`
	Failed   int     `json:"failed"`
	Tries    int     `json:"tries"`
	Seconds  float64 `json:"seconds"`
	Throttle int     `json:"throttled"` // tries answered 429
}

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("shared-limit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		redisAddr = fs.String("redis", "127.0.0.1:6379", "Redis address (host:port)")
		key       = fs.String("key", "rootly-api-key", "the Redis key of the shared budget: one per API key")
		perSecond = fs.Int("rate", 45, "requests a second, for all processes together")
		burst     = fs.Int("burst", 1, "requests at once, for all processes together")
		baseURL   = fs.String("url", "", "API base URL (default Rootly's)")
		idsFile   = fs.String("ids", "", "file with one incident id per line (- for standard input)")
		user      = fs.String("user", "", "the user id to assign")
		role      = fs.String("role", "", "the incident role id (UUID)")
		conc      = fs.Int("concurrency", 8, "requests in flight in this process")
	)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	token := env("ROOTLY_API_TOKEN")
	if token == "" {
		fmt.Fprintln(stderr, "shared-limit: set ROOTLY_API_TOKEN")
		return 2
	}
	ids, err := readIDs(*idsFile, os.Stdin)
	if err != nil {
		fmt.Fprintln(stderr, "shared-limit:", err)
		return 2
	}
	rdb := redis.NewClient(&redis.Options{Addr: *redisAddr})
	defer rdb.Close()
	shared := &RedisLimiter{
		Limiter: redis_rate.NewLimiter(rdb),
		Key:     *key,
		Limit:   redis_rate.Limit{Rate: *perSecond, Burst: *burst, Period: time.Second},
	}
	sum := Summary{Items: len(ids)}
	statuses := make(chan int, 1024)
	done := make(chan struct{})
	go func() {
		for s := range statuses {
			sum.Tries++
			if s == 429 {
				sum.Throttle++
			}
		}
		close(done)
	}()
	opts := []rootly.Option{
		rootly.WithLimiter(shared),
		rootly.WithTryHook(func(t rootly.Try) { statuses <- t.Status }),
	}
	if *baseURL != "" {
		opts = append(opts, rootly.WithBaseURL(*baseURL))
	}
	client, err := rootly.NewClient(token, opts...)
	if err != nil {
		fmt.Fprintln(stderr, "shared-limit:", err)
		return 2
	}
	defer client.CloseIdleConnections()
	items := make([]rootly.Assignment, len(ids))
	for i, id := range ids {
		items[i] = rootly.Assignment{IncidentID: id, AssignRoleRequest: rootly.AssignRoleRequest{UserID: *user, IncidentRoleID: *role}}
	}
	start := time.Now()
	out, err := client.AssignRoles(ctx, items, rootly.BulkOptions{Concurrency: *conc})
	sum.Seconds = time.Since(start).Seconds()
	close(statuses)
	<-done
	var bulk *rootly.BulkError
	if err != nil && !errors.As(err, &bulk) {
		fmt.Fprintln(stderr, "shared-limit:", err)
		return 2
	}
	for _, o := range out {
		if o.Err != nil {
			sum.Failed++
			fmt.Fprintf(stderr, "incident %s: %v\n", o.Assignment.IncidentID, o.Err)
			continue
		}
		sum.OK++
	}
	_ = json.NewEncoder(stdout).Encode(sum)
	if sum.Failed > 0 {
		return 1
	}
	return 0
}

// RedisLimiter hands out turns from one GCRA budget kept in Redis, shared
// by every process that uses the same Key. It satisfies rootly.Limiter
// (and the Limiter of every caseassign package).
type RedisLimiter struct {
	Limiter *redis_rate.Limiter
	Key     string
	Limit   redis_rate.Limit
}

// Wait takes one turn, sleeping as long as Redis says the next one is
// away; it returns early with the context's error.
func (l *RedisLimiter) Wait(ctx context.Context) error {
	for {
		res, err := l.Limiter.Allow(ctx, l.Key, l.Limit)
		if err != nil {
			return fmt.Errorf("shared rate limit: %w", err)
		}
		if res.Allowed > 0 {
			return nil
		}
		t := time.NewTimer(max(res.RetryAfter, time.Millisecond))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

func readIDs(name string, stdin io.Reader) ([]string, error) {
	var r io.Reader
	switch name {
	case "":
		return nil, errors.New("no ids: give -ids FILE or -ids - for standard input")
	case "-":
		r = stdin
	default:
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var ids []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if id := strings.TrimSpace(sc.Text()); id != "" && !strings.HasPrefix(id, "#") {
			ids = append(ids, id)
		}
	}
	return ids, sc.Err()
}

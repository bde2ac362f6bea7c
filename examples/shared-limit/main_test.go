package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseassign/caseassign/rootly/rootlytest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary run as the program itself: the shared-limit
// test starts it as separate processes.
func TestMain(m *testing.M) {
	if os.Getenv("SHARED_LIMIT_CHILD") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// startRedis starts a redis-server on a free loopback port for the test,
// or skips the test, saying why, when there is none to start.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server): the shared-limit test needs a real Redis")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Skipf("redis-server could not be started: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for i := 0; ; i++ {
		if rdb.Ping(context.Background()).Err() == nil {
			return addr
		}
		if i == 100 { // 10 s: only a broken redis-server takes this long
			t.Skipf("redis-server did not answer: %s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestFourProcessesShareOneBudget runs four processes of the program, each
// with its own share of the incidents, against one rate-limited server:
// together they stay under the shared rate, so the server throttles
// (almost) nothing, and every assignment is made exactly once.
func TestFourProcessesShareOneBudget(t *testing.T) {
	addr := startRedis(t)
	n := 200 // 4 s at the shared rate; CASEASSIGN_SHARED_N=1000 for the measurement
	if v, err := strconv.Atoi(os.Getenv("CASEASSIGN_SHARED_N")); err == nil && v > 0 {
		n = v
	}
	const processes, serverRate, sharedRate = 4, 50, 48
	srv := rootlytest.Start(t)
	srv.SetRecording(false)
	srv.SetRateLimit(serverRate, 10)
	ids := srv.AddIncidents(n)
	dir := t.TempDir()
	var files []string
	for p := range processes {
		f := filepath.Join(dir, fmt.Sprintf("ids-%d.txt", p))
		var part []string
		for i := p; i < n; i += processes {
			part = append(part, ids[i])
		}
		require.NoError(t, os.WriteFile(f, []byte(strings.Join(part, "\n")), 0o600))
		files = append(files, f)
	}

	start := time.Now()
	sums := make([]Summary, processes)
	errs := make([]error, processes)
	logs := make([]bytes.Buffer, processes)
	var wg sync.WaitGroup
	for p := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-url", srv.URL, "-redis", addr, "-key", "test-key-"+t.Name(),
				"-rate", strconv.Itoa(sharedRate), "-burst", "1", "-ids", files[p], "-user", "320", "-role", rootlytest.ScribeRole)
			cmd.Env = append(os.Environ(), "SHARED_LIMIT_CHILD=1", "ROOTLY_API_TOKEN="+srv.Token)
			var stdout bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &logs[p]
			if errs[p] = cmd.Run(); errs[p] == nil {
				errs[p] = json.Unmarshal(stdout.Bytes(), &sums[p])
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	ok, tries, throttled := 0, 0, 0
	for p := range processes {
		require.NoError(t, errs[p], "process %d: %s", p, logs[p].String())
		ok += sums[p].OK
		tries += sums[p].Tries
		throttled += sums[p].Throttle
	}
	held := map[string]int{}
	for _, e := range srv.Events() {
		if e.Op == "assign" {
			held[e.IncidentID]++
		}
	}
	lost, dups := 0, 0
	for _, id := range ids {
		switch held[id] {
		case 0:
			lost++
		case 1:
		default:
			dups++
		}
	}
	floor := time.Duration(float64(n) / serverRate * float64(time.Second))
	t.Logf("%d processes, %d items: %v (floor %v, %.2fx), %d tries, %d throttled (%.2f%%), %d lost, %d duplicated",
		processes, n, elapsed.Round(time.Millisecond), floor, elapsed.Seconds()/floor.Seconds(), tries, throttled,
		100*float64(throttled)/float64(max(tries, 1)), lost, dups)
	if out := os.Getenv("CASEASSIGN_BENCH_OUT"); out != "" {
		rec, _ := json.Marshal(map[string]any{"kind": "shared-limit", "processes": processes, "n": n, "seconds": elapsed.Seconds(),
			"floor_seconds": floor.Seconds(), "tries": tries, "throttled": throttled, "lost": lost, "duplicated": dups})
		f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(t, err)
		_, _ = f.Write(append(rec, '\n'))
		_ = f.Close()
	}
	assert.Equal(t, n, ok, "every assignment succeeded")
	assert.Equal(t, 0, lost)
	assert.Equal(t, 0, dups)
	assert.LessOrEqual(t, float64(throttled), 0.01*float64(tries), "the server throttled under 1%% of the tries")
	// The shared budget held: together the processes never outran it.
	// A lower bound on time is safe on any machine.
	assert.GreaterOrEqual(t, elapsed, time.Duration(float64(n-1)/sharedRate*float64(time.Second)))
}

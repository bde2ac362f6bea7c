package proof

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMeasureBulkMemory sends 100,000 and 1,000,000 ids through
// Coralogix's AssignCasesInBatches, keeping the cases (the default) and
// discarding them (BulkOptions.DiscardCases). Each run has two processes
// of its own, both this test binary: the test server (memoryServerProcess)
// and the client (memoryClientProcess), so the client's peak RSS and heap
// are the client's alone. CASEASSIGN_MEMORY_N picks the sizes
// (comma-separated), CASEASSIGN_MEMORY_MODES the modes ("keep,discard").
func TestMeasureBulkMemory(t *testing.T) {
	out := proofOut(t)
	sizes := []int{100000, 1000000}
	if v := os.Getenv("CASEASSIGN_MEMORY_N"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(f)
			require.NoError(t, err)
			sizes = append(sizes, n)
		}
	}
	modes := []string{"discard", "keep"}
	if v := os.Getenv("CASEASSIGN_MEMORY_MODES"); v != "" {
		modes = strings.Split(v, ",")
	}
	for _, n := range sizes {
		url, key, stop := startMemoryServer(t, n)
		for _, mode := range modes {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryClientProcess$", "-test.v")
			cmd.Env = append(os.Environ(), "CASEASSIGN_MEMORY_CLIENT="+strings.Join([]string{url, key, strconv.Itoa(n), mode}, " "))
			b, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", b)
			line := ""
			for _, l := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(l), "memory-result "); ok {
					line = v
				}
			}
			require.NotEmpty(t, line, "the client process printed no result: %s", b)
			var r map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &r))
			r["kind"] = "bulkmemory"
			record(t, out, r)
			assert.EqualValues(t, 0, r["failed"])
			assert.EqualValues(t, n, r["succeeded"])
		}
		stop()
	}
}

// startMemoryServer starts a coralogixtest server holding n cases in a
// process of its own and returns its URL and API key.
func startMemoryServer(t *testing.T, n int) (url, key string, stop func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryServerProcess$")
	cmd.Env = append(os.Environ(), "CASEASSIGN_MEMORY_SERVER="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "memory-server "); ok {
			f := strings.Fields(v)
			require.Len(t, f, 2)
			url, key = f[0], f[1]
			break
		}
	}
	require.NotEmpty(t, url, "the server process did not start")
	go func() { _, _ = bufio.NewReader(stdout).WriteTo(os.Stderr) }()
	return url, key, func() { _ = stdin.Close(); _ = cmd.Wait() }
}

// TestMemoryServerProcess is the server side of TestMeasureBulkMemory; it
// runs only in a process TestMeasureBulkMemory starts, until its stdin closes.
func TestMemoryServerProcess(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("CASEASSIGN_MEMORY_SERVER"))
	if err != nil {
		t.Skip("the server process of TestMeasureBulkMemory")
	}
	srv := coralogixtest.NewServer()
	defer srv.Close()
	srv.SetRecording(false)
	srv.AddCases("BIG", n)
	fmt.Printf("memory-server %s %s\n", srv.URL, srv.APIKey)
	_, _ = bufio.NewReader(os.Stdin).WriteTo(discard{})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestMemoryClientProcess is the client side of TestMeasureBulkMemory.
func TestMemoryClientProcess(t *testing.T) {
	f := strings.Fields(os.Getenv("CASEASSIGN_MEMORY_CLIENT"))
	if len(f) != 4 {
		t.Skip("the client process of TestMeasureBulkMemory")
	}
	url, key, mode := f[0], f[1], f[3]
	n, err := strconv.Atoi(f[2])
	require.NoError(t, err)
	ids := make([]string, n) // the caller's input, as coralogixtest.AddCases names the cases
	for i := range ids {
		ids[i] = "BIG-" + strconv.Itoa(i+1)
	}
	var tries atomic.Int64
	c, err := coralogix.NewClient(key, coralogix.WithBaseURL(url), coralogix.WithTryHook(func(coralogix.Try) { tries.Add(1) }))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	runtime.GC()
	input := heapObjects()
	var peak atomic.Uint64
	peak.Store(input)
	stop := make(chan struct{})
	sampled := make(chan int)
	go func() { // the heap is sampled every millisecond: a peak between two samples is missed
		samples := 0
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				sampled <- samples
				return
			case <-tick.C:
				samples++
				if h := heapObjects(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res, err := c.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: cxUser}, IDs: ids,
	}, coralogix.BulkOptions{Concurrency: 8, DiscardCases: mode == "discard"})
	elapsed := time.Since(start)
	close(stop)
	samples := <-sampled
	require.NoError(t, err)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	r := map[string]any{
		"ids": n, "mode": mode, "tries": tries.Load(), "succeeded": len(res.SucceededIDs), "failed": len(res.Failures),
		"cases_returned": len(res.Cases), "seconds": elapsed.Seconds(),
		"peak_rss_mib":       peakRSSMiB(),
		"peak_heap_mib":      float64(peak.Load()) / (1 << 20),
		"input_heap_mib":     float64(input) / (1 << 20),
		"heap_samples":       samples,
		"go_heap_sys_mib":    float64(after.HeapSys) / (1 << 20),
		"go_total_alloc_mib": float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20),
	}
	runtime.KeepAlive(ids)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	fmt.Printf("memory-result %s\n", b)
}

// heapObjects is the bytes of heap memory held by objects, live or not
// yet swept: what the process's heap holds at this moment.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

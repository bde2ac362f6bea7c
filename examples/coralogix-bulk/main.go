// Command coralogix-bulk assigns any number of Coralogix cases to one user:
// ids come from a file or standard input (one per line, or comma-separated;
// blank lines and # comments are skipped), go out in batches of 1000 with
// bounded concurrency, and progress shows as a live line on a terminal and
// as plain lines otherwise.
//
// Offline by default: without CORALOGIX_API_KEY it runs against an
// in-process test server that holds the cases DEMO-1 to DEMO-2500, and
// assigns all of them when no input is given.
//
//	go run ./examples/coralogix-bulk
//	printf 'DEMO-1\nDEMO-2\n' | go run ./examples/coralogix-bulk -f -
//	CORALOGIX_API_KEY=... go run ./examples/coralogix-bulk -region EU2 -user <uuid> -f ids.txt
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], ioEnv{
		env: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		stdoutTerminal: isTerminal(os.Stdout),
	}))
}

// ioEnv is the program's view of its process, so tests can run it in place.
type ioEnv struct {
	env            func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	stdoutTerminal bool
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// demoCases is how many cases the offline server holds.
const demoCases = 2500

func run(ctx context.Context, args []string, e ioEnv) int {
	fs := flag.NewFlagSet("coralogix-bulk", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	file := fs.String("f", "", `file of case ids, "-" for standard input (offline default: every demo case)`)
	user := fs.String("user", "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0", "user id (lower-case UUID) to assign the cases to")
	region := fs.String("region", "", "Coralogix region (default $CORALOGIX_REGION, else EU1)")
	concurrency := fs.Int("concurrency", 4, "batches in flight")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "coralogix-bulk: assign many Coralogix cases to one user.\n\nUsage: coralogix-bulk [flags]  (CORALOGIX_API_KEY for the real API)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}

	key := e.env("CORALOGIX_API_KEY")
	var opts []coralogix.Option
	var ids []string
	if key == "" {
		srv := coralogixtest.NewServer()
		defer srv.Close()
		demo := srv.AddCases("DEMO", demoCases)
		key = srv.APIKey
		opts = append(opts, coralogix.WithBaseURL(srv.URL))
		fmt.Fprintf(e.stdout, "offline: test server with %d demo cases (DEMO-1 .. DEMO-%d)\n", demoCases, demoCases)
		if *file == "" {
			ids = demo
		}
	} else if r := orDefault(*region, e.env("CORALOGIX_REGION")); r != "" {
		opts = append(opts, coralogix.WithRegion(coralogix.Region(r)))
	}
	if ids == nil {
		var err error
		if ids, err = readIDs(*file, e.stdin); err != nil {
			fmt.Fprintln(e.stderr, "coralogix-bulk:", err)
			return 1
		}
	}
	client, err := coralogix.NewClient(key, opts...)
	if err != nil {
		fmt.Fprintln(e.stderr, "coralogix-bulk:", err)
		return 1
	}
	defer client.CloseIdleConnections()

	start := time.Now()
	fmt.Fprintf(e.stdout, "assigning %d ids to %s\n", len(ids), *user)
	res, err := client.AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: *user}, IDs: ids,
	}, coralogix.BulkOptions{
		Concurrency:  *concurrency,
		DiscardCases: true, // only the ids are needed: memory stays flat for any number of them
		OnOutcome: func(p coralogix.Progress) {
			if e.stdoutTerminal {
				fmt.Fprintf(e.stdout, "\r  ids %d/%d (%d failed)", p.Done, p.Total, p.Failed)
				if p.Done == p.Total {
					fmt.Fprintln(e.stdout)
				}
				return
			}
			fmt.Fprintf(e.stdout, "  %d/%d ids done, %d failed\n", p.Done, p.Total, p.Failed)
		},
	})
	var bulk *coralogix.BulkError
	if err != nil && !errors.As(err, &bulk) {
		fmt.Fprintln(e.stderr, "coralogix-bulk:", err) // invalid input: nothing was sent
		return 1
	}
	fmt.Fprintf(e.stdout, "assigned %d cases in %s\n", len(res.SucceededIDs), time.Since(start).Round(time.Millisecond))
	for _, f := range res.Failures {
		if len(f.IDs) == 1 {
			fmt.Fprintf(e.stdout, "failed %s: %v\n", f.IDs[0], f.Err)
			continue
		}
		fmt.Fprintf(e.stdout, "failed %d ids together (first %s): %v\n", len(f.IDs), f.IDs[0], f.Err)
	}
	if bulk != nil {
		fmt.Fprintf(e.stdout, "%d of %d ids failed\n", bulk.Failed, bulk.Total)
		return 1
	}
	return 0
}

// readIDs reads ids from a file ("-" for stdin): one per line or
// comma-separated, skipping blank lines and # comments.
func readIDs(name string, stdin io.Reader) ([]string, error) {
	var r io.Reader
	switch name {
	case "":
		return nil, errors.New(`no ids: give -f FILE or -f - for standard input`)
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
		line, _, _ := strings.Cut(sc.Text(), "#")
		for _, id := range strings.Split(line, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids, sc.Err()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

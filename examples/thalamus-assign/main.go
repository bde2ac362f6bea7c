// Command thalamus-assign assigns Thalamus cases to an operator or to an
// operator group, and explains each refusal by its error code.
//
// Offline by default: without THALAMUS_URL and THALAMUS_TOKEN it runs
// against an in-process Thalamus instance.
//
//	go run ./examples/thalamus-assign -cases 1001,1002 -operator cy.chen@example.com
//	go run ./examples/thalamus-assign -cases 1003 -group "Tier 2 Support"
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// explain turns the service's codes into advice for the person at the keyboard.
var explain = []struct {
	err  error
	text string
}{
	{thalamus.ErrInvalidID, "no such case, or this touchpoint may not see it"},
	{thalamus.ErrOperatorNotValid, "no active operator with that e-mail"},
	{thalamus.ErrInvalidGroupName, "no operator group with that name"},
	{thalamus.ErrOperatorBlocked, "the operator is blocked"},
	{thalamus.ErrNotAuthorized, "the operator may not handle this case type"},
}

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("thalamus-assign", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cases := fs.String("cases", "1001,1003", "comma-separated case instance ids")
	operator := fs.String("operator", "", "operator e-mail to assign to")
	group := fs.String("group", "", "operator group to assign to (instead of -operator)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	to := thalamus.ToGroup(*group)
	if *operator != "" || *group == "" {
		to = thalamus.ToOperator(orDefault(*operator, thalamustest.ActiveOperator))
		if *group != "" {
			to.GroupName = *group // both given: the SDK refuses it before sending
		}
	}
	var ids []int64
	for _, s := range strings.Split(*cases, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			fmt.Fprintf(stderr, "thalamus-assign: bad case id %q\n", s)
			return 2
		}
		ids = append(ids, id)
	}

	url, creds := env("THALAMUS_URL"), thalamus.Credentials{Touchpoint: env("THALAMUS_TOUCHPOINT"), Token: env("THALAMUS_TOKEN")}
	if url == "" || creds.Token == "" {
		srv := thalamustest.NewServer()
		defer srv.Close()
		url, creds = srv.URL, thalamus.Credentials{Touchpoint: srv.Touchpoint, Token: srv.Token}
		fmt.Fprintln(stdout, "offline: in-process Thalamus instance")
	}
	client, err := thalamus.NewClient(url, creds)
	if err != nil {
		fmt.Fprintln(stderr, "thalamus-assign:", err)
		return 1
	}
	defer client.CloseIdleConnections()
	outcomes, err := client.AssignCases(ctx, ids, to, thalamus.BulkOptions{})
	var bulk *thalamus.BulkError
	if err != nil && !errors.As(err, &bulk) {
		fmt.Fprintln(stderr, "thalamus-assign:", err) // invalid input: nothing was sent
		return 1
	}
	failed := 0
	for _, o := range outcomes {
		if o.Err == nil {
			fmt.Fprintf(stdout, "case %d: assigned (%s)\n", o.CaseInstanceID, o.Result.Case.TypeCode)
			continue
		}
		failed++
		var reasons []string
		for _, x := range explain {
			if errors.Is(o.Err, x.err) {
				reasons = append(reasons, x.text)
			}
		}
		if len(reasons) == 0 {
			reasons = append(reasons, o.Err.Error())
		}
		fmt.Fprintf(stdout, "case %d: refused: %s\n", o.CaseInstanceID, strings.Join(reasons, "; "))
	}
	if failed > 0 {
		return 1
	}
	return 0
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Command actionmgmt-move moves a user from one role of an Action Management
// case to another: out of the first role, into the second, each a loss-free
// read-modify-write of the case that sends nothing when there is nothing to
// change.
//
// Offline by default: without FORSTA_URL and FORSTA_CLIENT_SECRET it runs
// against an in-process hub, moving user 8790 from Case Manager to Watcher
// on the documentation's example case.
//
//	go run ./examples/actionmgmt-move
//	FORSTA_URL=https://ws.euro.confirmit.com FORSTA_TOKEN_URL=... FORSTA_CLIENT_ID=... FORSTA_CLIENT_SECRET=... \
//	    go run ./examples/actionmgmt-move -hub 6435 -case 2009631 -user 8790 -from 3456 -to 3457
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("actionmgmt-move", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hub := fs.Int64("hub", actionmgmttest.Hub, "hub id")
	caseID := fs.Int64("case", actionmgmttest.ExampleCase, "case id")
	user := fs.Int64("user", actionmgmttest.UserAlice, "end user id")
	from := fs.Int64("from", actionmgmttest.CaseManager, "role to take the user out of")
	to := fs.Int64("to", actionmgmttest.Watcher, "role to put the user in")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	base := env("FORSTA_URL")
	tc := actionmgmt.TokenConfig{TokenURL: env("FORSTA_TOKEN_URL"), ClientID: env("FORSTA_CLIENT_ID"), ClientSecret: env("FORSTA_CLIENT_SECRET"), Scopes: []string{"pub.hubs"}}
	if base == "" || tc.ClientSecret == "" {
		srv := actionmgmttest.NewServer()
		defer srv.Close()
		base, tc.TokenURL, tc.ClientID, tc.ClientSecret = srv.URL, srv.TokenURL(), srv.ClientID, srv.ClientSecret
		fmt.Fprintln(stdout, "offline: in-process Action Management hub")
	}
	client, err := actionmgmt.NewClient(base, actionmgmt.APIUserTokenSource(ctx, tc))
	if err != nil {
		fmt.Fprintln(stderr, "actionmgmt-move:", err)
		return 1
	}
	defer client.CloseIdleConnections()

	// Into the new role first: if that fails, the user keeps the old one.
	if _, err := client.AssignUser(ctx, *hub, *caseID, actionmgmt.RoleMember{RoleID: *to, UserID: *user}); err != nil {
		fmt.Fprintln(stderr, "actionmgmt-move: adding to the new role:", err)
		return 1
	}
	cs, err := client.UnassignUser(ctx, *hub, *caseID, actionmgmt.RoleMember{RoleID: *from, UserID: *user})
	if err != nil {
		fmt.Fprintln(stderr, "actionmgmt-move: removing from the old role (the user is now in both):", err)
		return 1
	}
	for _, r := range cs.Roles {
		fmt.Fprintf(stdout, "%-14s", r.Name+":")
		if len(r.Users) == 0 {
			fmt.Fprint(stdout, " (nobody)")
		}
		for _, u := range r.Users {
			fmt.Fprintf(stdout, " %d", u.ID)
		}
		fmt.Fprintln(stdout)
	}
	return 0
}

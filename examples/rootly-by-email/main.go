// Command rootly-by-email makes a person, named by e-mail, take a role,
// named by slug, in a Rootly incident: the way people on call think of it.
//
// Offline by default: without ROOTLY_API_TOKEN it runs against an
// in-process Rootly API.
//
//	go run ./examples/rootly-by-email
//	ROOTLY_API_TOKEN=... go run ./examples/rootly-by-email -incident <uuid> -email you@example.com -role commander
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rootly-by-email", flag.ContinueOnError)
	fs.SetOutput(stderr)
	incident := fs.String("incident", rootlytest.FirstExtraIncident, "incident id")
	email := fs.String("email", "responder330@example.com", "e-mail of the person")
	role := fs.String("role", "commander", "incident role slug")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	token := env("ROOTLY_API_TOKEN")
	opts := []rootly.Option{rootly.WithRateLimit(45, 10)}
	if token == "" {
		srv := rootlytest.NewServer()
		defer srv.Close()
		token = srv.Token
		opts = append(opts, rootly.WithBaseURL(srv.URL))
		fmt.Fprintln(stdout, "offline: in-process Rootly API")
	}
	client, err := rootly.NewClient(token, opts...)
	if err != nil {
		fmt.Fprintln(stderr, "rootly-by-email:", err)
		return 1
	}
	defer client.CloseIdleConnections()
	inc, err := client.AssignRoleByEmail(ctx, *incident, rootly.AssignRoleByEmailRequest{Email: *email, RoleSlug: *role})
	if errors.Is(err, rootly.ErrNotFound) {
		fmt.Fprintln(stderr, "rootly-by-email: not found (check the e-mail, the role slug and the incident id):", err)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "rootly-by-email:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s (%s)\n", inc.Title, inc.Status)
	for _, ra := range inc.Roles {
		if ra.Role != nil && ra.User != nil {
			fmt.Fprintf(stdout, "  %-22s %s <%s>\n", ra.Role.Name, ra.User.Name, ra.User.Email)
		}
	}
	return 0
}

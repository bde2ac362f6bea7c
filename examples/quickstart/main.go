// Command quickstart shows caseassign's main job end to end: routing on-call
// work to people across Coralogix, Thalamus, Forsta Action Management and
// Rootly.
//
// With no credentials in the environment it starts the four in-process test
// servers, seeded with a small on-call scenario, and runs every step against
// them. Give an API's credentials and that API runs against the real
// service instead:
//
//	go run ./examples/quickstart
//	CORALOGIX_API_KEY=... CORALOGIX_REGION=EU2 go run ./examples/quickstart -coralogix-cases CASE-1,CASE-2 -coralogix-user <uuid>
//
// Run it with -h for every flag and variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `quickstart: route on-call work to people across four incident tools.

Usage: go run ./examples/quickstart [flags]

With no credentials, every API runs against an in-process test server with
a seeded scenario: a checkout-latency night shift. Set an API's variables to
run that API against the real service (the others stay offline):

  Coralogix   CORALOGIX_API_KEY, CORALOGIX_REGION (EU1 default, EU2, US1, US2, US3, AP1, AP2, AP3)
  Thalamus    THALAMUS_URL, THALAMUS_TOUCHPOINT, THALAMUS_TOKEN,
              THALAMUS_PRINCIPAL and THALAMUS_PASSWORD (the operator login),
              THALAMUS_LOGIN_PATH (optional)
  Forsta      FORSTA_URL (e.g. https://ws.euro.confirmit.com), FORSTA_TOKEN_URL,
              FORSTA_CLIENT_ID, FORSTA_CLIENT_SECRET, FORSTA_SCOPE (default pub.hubs)
  Rootly      ROOTLY_API_TOKEN

Against a real service, pass your own ids with the flags below: the defaults
are the scenario's ids.

Flags:
`

type config struct {
	only    string
	timeout time.Duration
	verbose bool

	cxCases    string
	cxUser     string
	cxUserName string

	thOperatorCase int64
	thOperator     string
	thGroupCase    int64
	thGroup        string

	amHub, amCase, amRole, amUser, amList int64

	rlIncident, rlEmail, rlRole string
}

func run(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) int {
	var cfg config
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.only, "only", "", "comma-separated APIs to run: coralogix,thalamus,actionmgmt,rootly (default all)")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "deadline for each step")
	fs.BoolVar(&cfg.verbose, "v", false, "log every HTTP try to stderr (never a secret)")
	fs.StringVar(&cfg.cxCases, "coralogix-cases", "CASE-124,CASE-125,CASE-126", "Coralogix case ids to assign")
	fs.StringVar(&cfg.cxUser, "coralogix-user", "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0", "Coralogix user id (UUID) to assign them to")
	fs.StringVar(&cfg.cxUserName, "coralogix-user-name", "Dana Night <dana.night@example.com>", "who that user is, for the report (the Cases API knows users by id only)")
	fs.Int64Var(&cfg.thOperatorCase, "thalamus-case", thalamustest.ComplaintCase, "Thalamus case to assign to an operator")
	fs.StringVar(&cfg.thOperator, "thalamus-operator", thalamustest.ActiveOperator, "operator e-mail")
	fs.Int64Var(&cfg.thGroupCase, "thalamus-group-case", thalamustest.BillingCase, "Thalamus case to assign to a group")
	fs.StringVar(&cfg.thGroup, "thalamus-group", thalamustest.SupportGroup, "operator group name")
	fs.Int64Var(&cfg.amHub, "forsta-hub", actionmgmttest.Hub, "Action Management hub id")
	fs.Int64Var(&cfg.amCase, "forsta-case", actionmgmttest.ExampleCase, "case id")
	fs.Int64Var(&cfg.amRole, "forsta-role", actionmgmttest.Watcher, "role id")
	fs.Int64Var(&cfg.amUser, "forsta-user", actionmgmttest.UserBob, "end user id to add to the role")
	fs.Int64Var(&cfg.amList, "forsta-list", actionmgmttest.List, "End User List the user is on (to name them in the report)")
	fs.StringVar(&cfg.rlIncident, "rootly-incident", rootlytest.FirstExtraIncident, "Rootly incident id")
	fs.StringVar(&cfg.rlEmail, "rootly-email", rootlytest.CreatorEmail, "e-mail of the person to make commander")
	fs.StringVar(&cfg.rlRole, "rootly-role", "commander", "incident role slug")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	want := map[string]bool{}
	for _, name := range strings.Split(cfg.only, ",") {
		if name = strings.TrimSpace(name); name != "" {
			want[name] = true
		}
	}
	selected := func(name string) bool { return len(want) == 0 || want[name] }
	var logger *slog.Logger
	if cfg.verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	fmt.Fprintln(stdout, "caseassign quickstart: the 02:14 checkout-latency page, routed to the night shift")
	failed := 0
	steps := []struct {
		name string
		run  func(context.Context, *report, config, func(string) string, *slog.Logger) error
	}{
		{"coralogix", stepCoralogix},
		{"thalamus", stepThalamus},
		{"actionmgmt", stepActionMgmt},
		{"rootly", stepRootly},
	}
	for _, s := range steps {
		if !selected(s.name) {
			continue
		}
		r := &report{w: stdout}
		sctx, cancel := context.WithTimeout(ctx, cfg.timeout)
		err := s.run(sctx, r, cfg, env, logger)
		cancel()
		if err != nil {
			failed++
			r.fail(err)
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "\n%d API(s) failed.\n", failed)
		return 1
	}
	fmt.Fprintln(stdout, "\nAll done.")
	return 0
}

// report prints a step's account.
type report struct {
	w     io.Writer
	start time.Time
}

func (r *report) header(api, mode string) {
	fmt.Fprintf(r.w, "\n%s [%s]\n", api, mode)
}

func (r *report) ask(format string, a ...any) {
	fmt.Fprintf(r.w, "  → "+format+"\n", a...)
	r.start = time.Now()
}

func (r *report) ok(format string, a ...any) {
	fmt.Fprintf(r.w, "  ✓ "+format+" (%s)\n", append(a, time.Since(r.start).Round(100*time.Microsecond))...)
}

func (r *report) fail(err error) {
	fmt.Fprintf(r.w, "  ✗ %v\n", err)
}

const offline = "offline: in-process test server"

func stepCoralogix(ctx context.Context, r *report, cfg config, env func(string) string, logger *slog.Logger) error {
	var opts []coralogix.Option
	if logger != nil {
		opts = append(opts, coralogix.WithLogger(logger))
	}
	key := env("CORALOGIX_API_KEY")
	mode := "live: region " + strings.ToUpper(orDefault(env("CORALOGIX_REGION"), "EU1"))
	if key == "" {
		srv := coralogixtest.NewServer()
		defer srv.Close()
		key, mode = srv.APIKey, offline
		opts = append(opts, coralogix.WithBaseURL(srv.URL))
	} else if region := env("CORALOGIX_REGION"); region != "" {
		opts = append(opts, coralogix.WithRegion(coralogix.Region(region)))
	}
	r.header("Coralogix", mode)
	client, err := coralogix.NewClient(key, opts...)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()
	ids := splitList(cfg.cxCases)
	r.ask("bulk-assign %d cases (%s) to %s (Coralogix user %s)", len(ids), strings.Join(ids, ", "), cfg.cxUserName, cfg.cxUser)
	res, err := client.AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: cfg.cxUser}, IDs: ids,
	}, coralogix.BulkOptions{})
	if err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	titles := make([]string, len(res.Cases))
	for i, c := range res.Cases {
		titles[i] = fmt.Sprintf("%s %q", c.ReadableID, c.Title)
	}
	r.ok("%s now holds %d cases: %s", cfg.cxUserName, len(res.SucceededIDs), strings.Join(titles, ", "))
	return nil
}

func stepThalamus(ctx context.Context, r *report, cfg config, env func(string) string, logger *slog.Logger) error {
	var opts []thalamus.Option
	if logger != nil {
		opts = append(opts, thalamus.WithLogger(logger))
	}
	url, creds := env("THALAMUS_URL"), thalamus.Credentials{Touchpoint: env("THALAMUS_TOUCHPOINT"), Token: env("THALAMUS_TOKEN")}
	principal, password := env("THALAMUS_PRINCIPAL"), env("THALAMUS_PASSWORD")
	if p := env("THALAMUS_LOGIN_PATH"); p != "" {
		opts = append(opts, thalamus.WithLoginPath(p))
	}
	mode := "live: " + url
	if url == "" || creds.Token == "" {
		// Like a real instance, the test server needs an operator login.
		srv := thalamustest.NewServer()
		defer srv.Close()
		principal, password = "routing-bot@example.com", "demo-operator-password"
		srv.RequireLogin(principal, password)
		url, creds, mode = srv.URL, thalamus.Credentials{Touchpoint: srv.Touchpoint, Token: srv.Token}, offline
	}
	if principal != "" {
		opts = append(opts, thalamus.WithOperatorLogin(principal, password))
	}
	r.header("Thalamus", mode)
	client, err := thalamus.NewClient(url, creds, opts...)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()
	if principal != "" {
		r.ask("log in as operator %s", principal)
		if err := client.Login(ctx); err != nil {
			return err
		}
		r.ok("session open")
		defer func() { _ = client.Logout(context.WithoutCancel(ctx)) }()
	}
	for _, job := range []struct {
		id int64
		to thalamus.Assignee
	}{
		{cfg.thOperatorCase, thalamus.ToOperator(cfg.thOperator)},
		{cfg.thGroupCase, thalamus.ToGroup(cfg.thGroup)},
	} {
		target := "operator " + job.to.Email
		if job.to.GroupName != "" {
			target = "group " + strconv.Quote(job.to.GroupName)
		}
		r.ask("assign case %d to %s", job.id, target)
		res, err := client.AssignCase(ctx, job.id, job.to)
		if err != nil {
			return err
		}
		r.ok("case %d (%s, status %s) is now with %s", res.Case.ID, orDefault(res.Case.TypeCode, "?"), orDefault(res.Case.Status, "?"), target)
	}
	return nil
}

func stepActionMgmt(ctx context.Context, r *report, cfg config, env func(string) string, logger *slog.Logger) error {
	var opts []actionmgmt.Option
	if logger != nil {
		opts = append(opts, actionmgmt.WithLogger(logger))
	}
	base := env("FORSTA_URL")
	tc := actionmgmt.TokenConfig{
		TokenURL: env("FORSTA_TOKEN_URL"), ClientID: env("FORSTA_CLIENT_ID"), ClientSecret: env("FORSTA_CLIENT_SECRET"),
		Scopes: []string{orDefault(env("FORSTA_SCOPE"), "pub.hubs")},
	}
	mode := "live: " + base
	if base == "" || tc.ClientSecret == "" {
		srv := actionmgmttest.NewServer()
		defer srv.Close()
		base, mode = srv.URL, offline
		tc.TokenURL, tc.ClientID, tc.ClientSecret = srv.TokenURL(), srv.ClientID, srv.ClientSecret
	}
	r.header("Forsta Action Management", mode)
	client, err := actionmgmt.NewClient(base, actionmgmt.APIUserTokenSource(ctx, tc), opts...)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()
	who := fmt.Sprintf("end user %d", cfg.amUser)
	for u, err := range client.AllEndUsers(ctx, cfg.amHub, cfg.amList, nil) {
		if err != nil {
			return err
		}
		if u.ID == cfg.amUser {
			who = fmt.Sprintf("%s %s <%s> (end user %d)", u.FirstName, u.LastName, u.Email, u.ID)
			break
		}
	}
	r.ask("add %s to role %d of case %d (hub %d)", who, cfg.amRole, cfg.amCase, cfg.amHub)
	cs, err := client.AssignUser(ctx, cfg.amHub, cfg.amCase, actionmgmt.RoleMember{RoleID: cfg.amRole, UserID: cfg.amUser})
	if err != nil {
		return err
	}
	role := cs.Role(cfg.amRole)
	if role == nil || !role.HasUser(cfg.amUser) {
		return fmt.Errorf("the case came back without user %d in role %d", cfg.amUser, cfg.amRole)
	}
	r.ok("%s is now in role %q of case %d %q (hub %d; the role holds %d user(s))", who, role.Name, cs.ID, cs.Name, cfg.amHub, len(role.Users))
	return nil
}

func stepRootly(ctx context.Context, r *report, cfg config, env func(string) string, logger *slog.Logger) error {
	opts := []rootly.Option{rootly.WithRateLimit(45, 10)}
	if logger != nil {
		opts = append(opts, rootly.WithLogger(logger))
	}
	token, mode := env("ROOTLY_API_TOKEN"), "live: "+rootly.DefaultBaseURL
	if token == "" {
		srv := rootlytest.NewServer()
		defer srv.Close()
		token, mode = srv.Token, offline
		opts = append(opts, rootly.WithBaseURL(srv.URL))
	}
	r.header("Rootly", mode)
	client, err := rootly.NewClient(token, opts...)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()
	r.ask("make %s the %q of incident %s", cfg.rlEmail, cfg.rlRole, cfg.rlIncident)
	inc, err := client.AssignRoleByEmail(ctx, cfg.rlIncident, rootly.AssignRoleByEmailRequest{Email: cfg.rlEmail, RoleSlug: cfg.rlRole})
	if err != nil {
		return err
	}
	for _, ra := range inc.Roles {
		if ra.Role != nil && ra.Role.Slug == cfg.rlRole && ra.User != nil && strings.EqualFold(ra.User.Email, cfg.rlEmail) {
			r.ok("%s <%s> is now %s of incident %q", ra.User.Name, ra.User.Email, ra.Role.Name, inc.Title)
			return nil
		}
	}
	return fmt.Errorf("incident %s came back without %s as %s", inc.ID, cfg.rlEmail, cfg.rlRole)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

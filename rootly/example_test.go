package rootly_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
)

func Example() {
	srv := rootlytest.NewServer() // in production: rootly.NewClient(os.Getenv("ROOTLY_API_TOKEN"))
	defer srv.Close()

	client, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	inc, err := client.AssignRoleToUser(context.Background(), "1f000000-0000-4000-8000-000000000001", rootly.AssignRoleRequest{
		UserID:         "317",
		IncidentRoleID: "0c0ffee0-0000-4000-8000-000000000001",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, ra := range inc.Roles {
		fmt.Println(inc.Title+":", ra.Role.Name, "=", ra.User.Name)
	}
	// Output:
	// Checkout errors 1: Incident Commander = Mario Casper
}

func ExampleClient_AssignRoleByEmail() {
	srv := rootlytest.NewServer()
	defer srv.Close()
	client, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	inc, err := client.AssignRoleByEmail(ctx, "1f000000-0000-4000-8000-000000000002", rootly.AssignRoleByEmailRequest{Email: "emmett.daugherty@wehner-turner.test", RoleSlug: "commander"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inc.Roles[0].Role.Slug, "->", inc.Roles[0].User.Email)

	_, err = client.AssignRoleByEmail(ctx, "1f000000-0000-4000-8000-000000000002", rootly.AssignRoleByEmailRequest{Email: "nobody@example.com", RoleSlug: "commander"})
	fmt.Println(errors.Is(err, rootly.ErrNotFound))
	// Output:
	// commander -> emmett.daugherty@wehner-turner.test
	// true
}

func ExampleClient_AllIncidentRoles() {
	srv := rootlytest.NewServer()
	defer srv.Close()
	client, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	enabled := false
	for role, err := range client.AllIncidentRoles(context.Background(), &rootly.ListIncidentRolesOptions{Enabled: &enabled}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(role.Slug, role.Enabled)
	}
	// Output:
	// retired-role false
}

func ExampleClient_AssignRoles() {
	srv := rootlytest.NewServer()
	defer srv.Close()
	client, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL), rootly.WithRateLimit(45, 10))
	if err != nil {
		log.Fatal(err)
	}
	scribe := "0c0ffee0-0000-4000-8000-000000000002"
	items := []rootly.Assignment{
		{IncidentID: "1f000000-0000-4000-8000-000000000003", AssignRoleRequest: rootly.AssignRoleRequest{UserID: "318", IncidentRoleID: scribe}},
		{IncidentID: "1f000000-0000-4000-8000-000000000003", AssignRoleRequest: rootly.AssignRoleRequest{UserID: "319", IncidentRoleID: scribe}},
		{IncidentID: "no-such-incident", AssignRoleRequest: rootly.AssignRoleRequest{UserID: "318", IncidentRoleID: scribe}},
	}
	outcomes, err := client.AssignRoles(context.Background(), items, rootly.BulkOptions{Concurrency: 1})
	var bulk *rootly.BulkError
	if errors.As(err, &bulk) {
		fmt.Printf("%d of %d failed\n", bulk.Failed, bulk.Total)
	} else if err != nil {
		log.Fatal(err) // invalid input: nothing was sent
	}
	for _, o := range outcomes {
		if o.Err != nil {
			fmt.Println(o.Assignment.IncidentID, "failed, not found:", errors.Is(o.Err, rootly.ErrNotFound))
			continue
		}
		fmt.Println(o.Assignment.UserID, "assigned; scribes now:", len(o.Incident.Roles))
	}
	// Output:
	// 1 of 3 failed
	// 318 assigned; scribes now: 1
	// 319 assigned; scribes now: 2
	// no-such-incident failed, not found: true
}

// Count every try and watch the API key's headroom: the hook sees each try
// (retries included), and RateLimit is the last X-RateLimit-* state.
func ExampleWithTryHook() {
	srv := rootlytest.NewServer()
	defer srv.Close()
	srv.Inject(rootlytest.Fault{Method: "POST", Status: 502}) // one retry

	var mu sync.Mutex
	statuses := map[int]int{}
	client, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL),
		rootly.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		rootly.WithTryHook(func(t rootly.Try) {
			mu.Lock()
			defer mu.Unlock()
			statuses[t.Status]++ // or: a metric, a span event, an alert on t.RateLimit.Remaining
		}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.AssignRoleToUser(context.Background(), rootlytest.SeedIncident, rootly.AssignRoleRequest{
		UserID: "318", IncidentRoleID: rootlytest.CommanderRole,
	})
	if err != nil {
		log.Fatal(err)
	}
	mu.Lock()
	fmt.Println("502s:", statuses[502], "200s:", statuses[200])
	mu.Unlock()
	rl := client.RateLimit()
	fmt.Println("limit:", rl.Limit, "plenty of headroom:", rl.Remaining > rl.Limit/2, "reset known:", !rl.Reset.IsZero())
	// Output:
	// 502s: 1 200s: 1
	// limit: 3000 plenty of headroom: true reset known: true
}

// Find the open incidents that still need a commander, and give each one.
func ExampleClient_AllIncidents() {
	srv := rootlytest.NewServer()
	defer srv.Close()
	client, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	opts := &rootly.ListIncidentsOptions{Status: "mitigated", ListOptions: rootly.ListOptions{PageSize: 50}}
	for inc, err := range client.AllIncidents(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		// Any id works: the UUID, or the slug.
		done, err := client.AssignRoleByEmail(ctx, inc.Slug, rootly.AssignRoleByEmailRequest{Email: rootlytest.CreatorEmail, RoleSlug: "commander"})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(done.SequentialID, done.Status, done.Roles[0].User.Name)
	}
	// Output:
	// 4 mitigated Mario Casper
	// 7 mitigated Mario Casper
	// 10 mitigated Mario Casper
	// 13 mitigated Mario Casper
	// 19 mitigated Mario Casper
}

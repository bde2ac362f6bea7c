package rootlytest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
)

// Your own users, roles and incidents, and two 503s before the assignment
// goes through: the client retries them.
func ExampleServer_Inject() {
	srv := rootlytest.NewServer() // in a test: rootlytest.Start(t), closed for you
	defer srv.Close()
	srv.AddUser(rootlytest.User{ID: "900", Name: "Ada Lovelace", Email: "ada@example.com"})
	srv.AddRole(rootlytest.Role{ID: "0c0ffee0-0000-4000-8000-00000000aaaa", Name: "Ops lead", Slug: "ops-lead", Enabled: true})
	srv.AddIncident("1f000000-0000-4000-8000-00000000beef", "Payments down")
	srv.Inject(rootlytest.Fault{Method: "POST", Path: "/v1/incidents/*", Status: 503, Times: 2})

	client, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL), rootly.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	inc, err := client.AssignRoleByEmail(context.Background(), "1f000000-0000-4000-8000-00000000beef", rootly.AssignRoleByEmailRequest{Email: "ada@example.com", RoleSlug: "ops-lead"})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range inc.Roles {
		fmt.Println(a.Role.Slug, a.User.Name)
	}
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == "POST" {
			posts++
		}
	}
	fmt.Println("POSTs:", posts, "applied:", len(srv.Events()))
	// Output:
	// ops-lead Ada Lovelace
	// POSTs: 3 applied: 1
}

// A server-side rate limit: three requests, then 429s, with the
// X-RateLimit-* headers Rootly sends on every answer.
func ExampleServer_SetRateLimit() {
	srv := rootlytest.NewServer()
	defer srv.Close()
	srv.SetRateLimit(1.0/60, 3) // a burst of 3, then one a minute
	client, err := rootly.NewClient(srv.Token, rootly.WithBaseURL(srv.URL), rootly.WithRetryMax(0))
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		if _, err := client.GetIncident(context.Background(), rootlytest.SeedIncident); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("remaining:", client.RateLimit().Remaining)
	// The window is used up until beyond the client's max wait: the client
	// does not send the fourth request at all.
	_, err = client.GetIncident(context.Background(), rootlytest.SeedIncident)
	fmt.Println("rate limited:", errors.Is(err, rootly.ErrRateLimited), "requests sent:", len(srv.Requests()))
	// Output:
	// remaining: 0
	// rate limited: true requests sent: 3
}

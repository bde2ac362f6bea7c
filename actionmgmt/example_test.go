package actionmgmt_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
)

func Example() {
	srv := actionmgmttest.NewServer() // in production: actionmgmt.EuroURL and actionmgmt.EuroTokenURL
	defer srv.Close()

	ctx := context.Background()
	tokens := actionmgmt.APIUserTokenSource(ctx, actionmgmt.TokenConfig{
		TokenURL:     srv.TokenURL(),
		ClientID:     actionmgmttest.ClientID,
		ClientSecret: actionmgmttest.ClientSecret,
		Scopes:       []string{"pub.hubs"},
	})
	client, err := actionmgmt.NewClient(srv.URL, tokens)
	if err != nil {
		log.Fatal(err)
	}
	// Add user 8791 to the Watcher role (3457) of case 2009631 on hub 6435.
	cs, err := client.AssignUser(ctx, 6435, 2009631, actionmgmt.RoleMember{RoleID: 3457, UserID: 8791})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range cs.Roles {
		fmt.Print(r.Name, ":")
		for _, u := range r.Users {
			fmt.Print(" ", u.ID)
		}
		fmt.Println()
	}
	// Output:
	// Case Manager: 8790
	// Watcher: 8791
}

func ExampleClient_AllEndUsers() {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := actionmgmt.NewClient(srv.URL, actionmgmt.APIUserTokenSource(ctx, actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: actionmgmttest.ClientID, ClientSecret: actionmgmttest.ClientSecret,
	}))
	if err != nil {
		log.Fatal(err)
	}
	active := true
	n := 0
	for u, err := range client.AllEndUsers(ctx, 6435, 201, &actionmgmt.EndUserQuery{IsActive: &active, SortBy: "UserId", Top: 10}) {
		if err != nil {
			log.Fatal(err)
		}
		if n < 2 {
			fmt.Println(u.ID, u.UserName)
		}
		n++
	}
	fmt.Println("active users:", n)
	// Output:
	// 8790 exampleUser8790
	// 8791 exampleUser8791
	// active users: 33
}

func ExampleClient_AssignUser_missingRole() {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := actionmgmt.NewClient(srv.URL, actionmgmt.APIUserTokenSource(ctx, actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: actionmgmttest.ClientID, ClientSecret: actionmgmttest.ClientSecret,
	}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.AssignUser(ctx, 6435, 2009631, actionmgmt.RoleMember{RoleID: 9999, UserID: 8791})
	fmt.Println(errors.Is(err, actionmgmt.ErrNotFound), "- PUTs sent:", srv.Puts())
	// Output:
	// true - PUTs sent: 0
}

// Move a user from one role to another in one GET and one PUT. A move that
// already happened writes nothing, so a job that fails half-way can simply
// run again.
func ExampleClient_MoveUser() {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := actionmgmt.NewClient(srv.URL, actionmgmt.APIUserTokenSource(ctx, actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: actionmgmttest.ClientID, ClientSecret: actionmgmttest.ClientSecret,
	}))
	if err != nil {
		log.Fatal(err)
	}
	const hub, caseID, from, to, user = 6435, 2009631, 3456, 3457, 8790 // Case Manager -> Watcher
	cs, err := client.MoveUser(ctx, hub, caseID, from, to, user)
	switch {
	case errors.Is(err, actionmgmt.ErrRejected):
		log.Fatalf("refused: %v", err) // e.g. the user is no longer active
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println("Case Manager:", len(cs.Role(from).Users), "Watcher:", cs.Role(to).HasUser(user), "writes:", srv.Puts())
	// Output:
	// Case Manager: 0 Watcher: true writes: 1
}

// Find the open cases of a hub, oldest first, and give each a Watcher.
func ExampleClient_AllCases() {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := actionmgmt.NewClient(srv.URL, actionmgmt.APIUserTokenSource(ctx, actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: actionmgmttest.ClientID, ClientSecret: actionmgmttest.ClientSecret,
	}))
	if err != nil {
		log.Fatal(err)
	}
	q := actionmgmt.CaseQuery{Top: 100, OrderBy: "id", OrderByAscending: true}
	for cs, err := range client.AllCases(ctx, 6435, q) {
		if err != nil {
			log.Fatal(err)
		}
		if cs.IsClosed {
			continue
		}
		_, err := client.ModifyCase(ctx, 6435, cs.ID, func(c *actionmgmt.Case) error {
			if w := c.Role(3457); w != nil && !w.HasUser(8791) {
				w.Users = append(w.Users, actionmgmt.RoleUser{ID: 8791})
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
		due := "none"
		if t, ok := cs.DateDue.Time(); ok {
			due = t.UTC().Format("2006-01-02")
		}
		fmt.Println(cs.ID, "due", due)
	}
	// Output:
	// 2009631 due none
	// 2009632 due none
	// 2009633 due none
	// 2009634 due 2021-11-01
	// 2009635 due 2021-06-04
	// 2009636 due none
}

// Put users in case roles in bulk: pairs on the same case share one GET and
// one PUT, and a refused pair (here an inactive user) fails alone.
func ExampleClient_AssignUsers() {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := actionmgmt.NewClient(srv.URL, actionmgmt.APIUserTokenSource(ctx, actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: actionmgmttest.ClientID, ClientSecret: actionmgmttest.ClientSecret,
	}))
	if err != nil {
		log.Fatal(err)
	}
	items := []actionmgmt.Assignment{
		{CaseID: 2009631, Member: actionmgmt.RoleMember{RoleID: 3457, UserID: 8791}},
		{CaseID: 2009631, Member: actionmgmt.RoleMember{RoleID: 3457, UserID: 8792}},
		{CaseID: 2009632, Member: actionmgmt.RoleMember{RoleID: 3456, UserID: 8795}}, // inactive
	}
	out, err := client.AssignUsers(ctx, 6435, items, actionmgmt.BulkOptions{Concurrency: 4})
	var bulk *actionmgmt.BulkError
	if err != nil && !errors.As(err, &bulk) {
		log.Fatal(err) // invalid input: nothing was sent
	}
	for _, o := range out {
		if errors.Is(o.Err, actionmgmt.ErrRejected) {
			fmt.Printf("case %d, user %d: refused by the server\n", o.Assignment.CaseID, o.Assignment.Member.UserID)
			continue
		}
		fmt.Printf("case %d, user %d: in %s\n", o.Case.ID, o.Assignment.Member.UserID, o.Case.Role(o.Assignment.Member.RoleID).Name)
	}
	if bulk != nil {
		fmt.Printf("%d of %d failed\n", bulk.Failed, bulk.Total)
	}
	// Output:
	// case 2009631, user 8791: in Watcher
	// case 2009631, user 8792: in Watcher
	// case 2009632, user 8795: refused by the server
	// 1 of 3 failed
}

// Select open cases on the client side: the case list query's filter
// grammar is not in any public source the SDK could read, so the sure way
// is to page through AllCases and keep what you want.
func ExampleClient_AllCases_openCases() {
	srv := actionmgmttest.NewServer()
	defer srv.Close()
	if err := srv.AddCase(6435, []byte(`{"id":2009700,"name":"Closed last week","isClosed":true,"roles":[]}`)); err != nil {
		log.Fatal(err)
	}
	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	var open, closed int
	for cs, err := range client.AllCases(context.Background(), 6435, actionmgmt.CaseQuery{Top: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		if cs.IsClosed {
			closed++
			continue
		}
		open++ // route it
	}
	fmt.Println("open:", open, "closed:", closed)
	// Output: open: 6 closed: 1
}

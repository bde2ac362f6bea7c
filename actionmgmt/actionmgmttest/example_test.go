package actionmgmttest_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
)

// Your own hub, end user, role and case, a connection dropped after the
// server applied the PUT, and what the server's event log saw.
func ExampleServer_Inject() {
	srv := actionmgmttest.NewServer() // in a test: actionmgmttest.Start(t), closed for you
	defer srv.Close()
	const hub, list, role, user, caseID = 7001, 301, 5001, 42, 900001
	srv.AddEndUser(hub, list, actionmgmttest.EndUser{ID: user, UserName: "grace", Email: "grace@example.com", IsActive: true})
	srv.AddRole(hub, actionmgmttest.Role{ID: role, Name: "Reviewer", LastUpdated: "2021-06-04 13:51:04.967-00:00"})
	if err := srv.AddCase(hub, []byte(`{"id": 900001, "name": "Late delivery", "roles": [{"id": 5001, "caseId": 900001, "name": "Reviewer", "users": []}]}`)); err != nil {
		log.Fatal(err)
	}
	srv.Inject(actionmgmttest.Fault{Method: "PUT", DropAfterHandling: true})

	tokens := actionmgmt.APIUserTokenSource(context.Background(), actionmgmt.TokenConfig{
		TokenURL: srv.TokenURL(), ClientID: srv.ClientID, ClientSecret: srv.ClientSecret,
	})
	client, err := actionmgmt.NewClient(srv.URL, tokens, actionmgmt.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	cs, err := client.AssignUser(context.Background(), hub, caseID, actionmgmt.RoleMember{RoleID: role, UserID: user})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("reviewers:", len(cs.Role(role).Users))
	for _, ev := range srv.Events() {
		fmt.Println("PUT case", ev.CaseID, "reviewers", ev.Roles[role])
	}
	// Output:
	// reviewers: 1
	// PUT case 900001 reviewers [42]
	// PUT case 900001 reviewers [42]
}

package thalamus_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
)

func Example() {
	srv := thalamustest.NewServer() // in production: your instance's URL and touchpoint
	defer srv.Close()

	client, err := thalamus.NewClient(srv.URL, thalamus.Credentials{
		Touchpoint: thalamustest.Touchpoint,
		Token:      thalamustest.Token,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	res, err := client.AssignCase(ctx, 1001, thalamus.ToOperator("ana.lima@example.com"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("case", res.Case.ID, res.Case.TypeCode, "assigned to", string(res.Case.Extra["assignedTo"]))

	res, err = client.AssignCase(ctx, 1002, thalamus.ToGroup("Tier 2 Support"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("case", res.Case.ID, res.Case.TypeCode, "assigned to", string(res.Case.Extra["assignedTo"]))
	// Output:
	// case 1001 COMPLAINT assigned to "ana.lima@example.com"
	// case 1002 BILLING assigned to "Tier 2 Support"
}

func ExampleFieldErrors() {
	srv := thalamustest.NewServer()
	defer srv.Close()
	client, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: thalamustest.Touchpoint, Token: thalamustest.Token})
	if err != nil {
		log.Fatal(err)
	}
	// This operator is blocked and may not handle BILLING cases: the answer
	// carries two codes for the same field.
	_, err = client.AssignCase(context.Background(), 1002, thalamus.ToOperator("dee.diaz@example.com"))
	fmt.Println("blocked:", errors.Is(err, thalamus.ErrOperatorBlocked))
	fmt.Println("not authorized:", errors.Is(err, thalamus.ErrNotAuthorized))
	var fe thalamus.FieldErrors
	if errors.As(err, &fe) {
		for _, e := range fe {
			fmt.Println(e.Field, e.Code)
		}
	}
	// Output:
	// blocked: true
	// not authorized: true
	// email blocked
	// email isNotAuthorized
}

func ExampleClient_AssignCases() {
	srv := thalamustest.NewServer()
	defer srv.Close()
	client, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: thalamustest.Touchpoint, Token: thalamustest.Token})
	if err != nil {
		log.Fatal(err)
	}
	outcomes, err := client.AssignCases(context.Background(), []int64{1003, 1004, 4242}, thalamus.ToOperator("cy.chen@example.com"), thalamus.BulkOptions{Concurrency: 4})
	var bulk *thalamus.BulkError
	if err != nil && !errors.As(err, &bulk) {
		log.Fatal(err) // invalid input: nothing was sent
	}
	for _, o := range outcomes {
		switch {
		case o.Err == nil:
			fmt.Println(o.CaseInstanceID, "assigned")
		case errors.Is(o.Err, thalamus.ErrNotAuthorized):
			fmt.Println(o.CaseInstanceID, "operator not authorized for this case type")
		case errors.Is(o.Err, thalamus.ErrInvalidID):
			fmt.Println(o.CaseInstanceID, "no such case")
		}
	}
	// Output:
	// 1003 assigned
	// 1004 operator not authorized for this case type
	// 4242 no such case
}

func ExampleToOperator_validation() {
	client, err := thalamus.NewClient("https://crm.example.com", thalamus.Credentials{Touchpoint: "tp", Token: "tok"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.AssignCase(context.Background(), 7, thalamus.Assignee{Email: "a@example.com", GroupName: "Billing"})
	fmt.Println(errors.Is(err, thalamus.ErrBothTargets), errors.Is(err, thalamus.ErrInvalidInput))
	// Output:
	// true true
}

// An instance that needs a logged-in operator: the client logs in before
// its first call, and again (once) when the session expires.
func ExampleWithOperatorLogin() {
	srv := thalamustest.NewServer()
	defer srv.Close()
	srv.RequireLogin("routing-bot@example.com", "correct-horse-battery")

	client, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: srv.Touchpoint, Token: srv.Token},
		thalamus.WithOperatorLogin("routing-bot@example.com", "correct-horse-battery"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	cs, err := client.GetCase(ctx, 1001)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("case", cs.ID, cs.Status, "comment:", cs.Comments[0].Description)

	srv.ExpireSessions() // the server ends the session
	if _, err := client.AssignCase(ctx, 1001, thalamus.ToOperator("ana.lima@example.com")); err != nil {
		log.Fatal(err)
	}
	fmt.Println("logins:", srv.Logins())
	if err := client.Logout(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// case 1001 OPEN comment: Customer called about order #7007
	// logins: 2
}

package thalamustest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
)

// Your own operator and case, and a 429 with Retry-After before the
// assignment goes through.
func ExampleServer_Inject() {
	srv := thalamustest.NewServer() // in a test: thalamustest.Start(t), closed for you
	defer srv.Close()
	srv.AddOperator(thalamustest.Operator{Email: "lin@example.com", Active: true})
	srv.AddCase(thalamustest.Case{ID: 5555, CategoryCode: "CUSTOMER_CARE", TypeCode: "COMPLAINT", Status: "OPEN"})
	srv.Inject(thalamustest.Fault{Method: "PUT", Status: 429, RetryAfter: "0"})

	client, err := thalamus.NewClient(srv.URL, thalamus.Credentials{Touchpoint: srv.Touchpoint, Token: srv.Token},
		thalamus.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AssignCase(context.Background(), 5555, thalamus.ToOperator("lin@example.com"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Case.ID, "assigned after", len(srv.Requests()), "requests; applied:", srv.Events())

	_, err = client.AssignCase(context.Background(), 5555, thalamus.ToOperator("nobody@example.com"))
	fmt.Println("refused:", errors.Is(err, thalamus.ErrRejected), errors.Is(err, thalamus.ErrOperatorNotValid))
	// Output:
	// 5555 assigned after 2 requests; applied: [{5555 lin@example.com}]
	// refused: true true
}

// A client with an operator login works against a fresh server: any login
// is accepted until RequireLogin names the operators.
func ExampleServer_NewClient() {
	srv := thalamustest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient(thalamus.WithOperatorLogin("routing-bot@example.com", "any-password"))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AssignCase(context.Background(), thalamustest.ComplaintCase, thalamus.ToGroup(thalamustest.SupportGroup))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Case.ID, srv.Logins())
	// Output: 1001 1
}

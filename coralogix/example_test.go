package coralogix_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
)

func Example() {
	srv := coralogixtest.NewServer() // in production: coralogix.NewClient(apiKey, coralogix.WithRegion(coralogix.EU2))
	defer srv.Close()

	client, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	cases, err := client.AssignCases(context.Background(), coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"},
		IDs:      []string{"CASE-124", "CASE-125"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cases {
		fmt.Println(c.ReadableID, c.Title, "->", c.Assignee.UserID)
	}
	// Output:
	// CASE-124 Checkout latency above SLO -> 3af152ee-9eaf-4803-87f1-23c5fb2fbaa0
	// CASE-125 Login error rate spike -> 3af152ee-9eaf-4803-87f1-23c5fb2fbaa0
}

// Assign 5,000 cases, one of them closed and one unknown: the two are
// isolated and reported each with its own error, every other id is
// assigned, and the job keeps no case in memory.
func ExampleClient_AssignCasesInBatches() {
	srv := coralogixtest.NewServer()
	defer srv.Close()
	ids := srv.AddCases("TRIAGE", 5000)
	srv.CloseCase(ids[1234])   // CLOSED is final: the server refuses it
	ids[4321] = "TRIAGE-99999" // no such case

	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"},
		IDs:      ids,
	}, coralogix.BulkOptions{
		Concurrency:  1, // one batch at a time, so the progress lines come in order
		DiscardCases: true,
		OnOutcome: func(p coralogix.Progress) {
			fmt.Printf("%d/%d ids, %d failed\n", p.Done, p.Total, p.Failed)
		},
	})
	var bulk *coralogix.BulkError
	if err != nil && !errors.As(err, &bulk) {
		log.Fatal(err) // invalid input: nothing was sent
	}
	fmt.Println("assigned:", len(res.SucceededIDs))
	for _, f := range res.Failures {
		fmt.Printf("failed %s: not found %v, refused %v\n", f.IDs[0], errors.Is(f.Err, coralogix.ErrNotFound), errors.Is(f.Err, coralogix.ErrRejected))
	}
	// Output:
	// 1000/5000 ids, 0 failed
	// 2000/5000 ids, 1 failed
	// 3000/5000 ids, 1 failed
	// 4000/5000 ids, 1 failed
	// 5000/5000 ids, 2 failed
	// assigned: 4998
	// failed TRIAGE-1235: not found false, refused true
	// failed TRIAGE-99999: not found true, refused false
}

func ExampleClient_AllCases() {
	srv := coralogixtest.NewServer()
	defer srv.Close()
	client, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	req := coralogix.ListCasesRequest{
		Filters:    &coralogix.CaseFilters{Assignees: []coralogix.AssigneeOption{coralogix.Unassigned()}},
		Pagination: &coralogix.PaginationRequest{PageSize: 2},
	}
	for c, err := range client.AllCases(context.Background(), &req) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.ReadableID, c.Priority)
	}
	// Output:
	// CASE-124 CASE_PRIORITY_P1
	// CASE-125 CASE_PRIORITY_P2
	// CASE-126 CASE_PRIORITY_P3
	// CASE-127 CASE_PRIORITY_P4
}

func ExampleClient_ListCaseEvents() {
	srv := coralogixtest.NewServer()
	defer srv.Close()
	client, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.AssignCase(ctx, "CASE-124", coralogix.UserDetails{UserID: "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"}); err != nil {
		log.Fatal(err)
	}
	if _, err := client.UnassignCase(ctx, "CASE-124"); err != nil {
		log.Fatal(err)
	}
	events, err := client.ListCaseEvents(ctx, "CASE-124")
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range events {
		switch e.EventData.Kind {
		case coralogix.EventAssigned:
			fmt.Println("assigned to", e.EventData.Assigned.AssigneeUserID)
		default:
			fmt.Println(e.EventData.Kind)
		}
	}
	// Output:
	// assigned to 3af152ee-9eaf-4803-87f1-23c5fb2fbaa0
	// unassigned
}

func ExampleErrUnknownRoute() {
	srv := coralogixtest.NewServer()
	defer srv.Close()
	// A wrong path prefix stands in for a wrong region or base URL.
	client, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL+"/eu2"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.GetCase(context.Background(), "CASE-123")
	switch {
	case errors.Is(err, coralogix.ErrUnknownRoute):
		fmt.Println("wrong region or base URL")
	case errors.Is(err, coralogix.ErrNotFound):
		fmt.Println("no such case")
	}
	// Output:
	// wrong region or base URL
}

func ExampleValidationError() {
	client, err := coralogix.NewClient("api-key")
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.AssignCases(context.Background(), coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"},
		IDs:      []string{"CASE-1", "case-2"},
	})
	var ve *coralogix.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, errors.Is(err, coralogix.ErrInvalidInput))
	}
	// Output:
	// ids[1] true
}

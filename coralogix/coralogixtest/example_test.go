package coralogixtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
)

// Your own cases, and a batch that fails for good (a 500 is not retried)
// while the others succeed: the bulk call reports it, and keeps the rest.
func ExampleServer_Inject() {
	srv := coralogixtest.NewServer() // in a test: coralogixtest.Start(t), closed for you
	defer srv.Close()
	ids := srv.AddCases("OPS", 1500)
	srv.Inject(coralogixtest.Fault{Method: "PUT", Status: 500, Body: `{"code":500,"message":"boom"}`})

	client, err := coralogix.NewClient(srv.APIKey, coralogix.WithBaseURL(srv.URL), coralogix.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.AssignCasesInBatches(context.Background(), coralogix.AssignCasesRequest{
		Assignee: coralogix.UserDetails{UserID: "3af152ee-9eaf-4803-87f1-23c5fb2fbaa0"}, IDs: ids,
	}, coralogix.BulkOptions{Concurrency: 1})
	var bulk *coralogix.BulkError
	if errors.As(err, &bulk) {
		fmt.Println("failed ids:", bulk.Failed, "of", bulk.Total, "server error:", errors.Is(err, coralogix.ErrServer))
	}
	fmt.Println("assigned:", len(res.Cases), "events:", len(srv.Events()))
	// Output:
	// failed ids: 1000 of 1500 server error: true
	// assigned: 500 events: 500
}

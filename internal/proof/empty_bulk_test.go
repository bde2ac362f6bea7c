package proof

import (
	"context"
	"testing"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/caseassign/caseassign/coralogix"
	"github.com/caseassign/caseassign/coralogix/coralogixtest"
	"github.com/caseassign/caseassign/rootly"
	"github.com/caseassign/caseassign/rootly/rootlytest"
	"github.com/caseassign/caseassign/thalamus"
	"github.com/caseassign/caseassign/thalamus/thalamustest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A bulk call with no items succeeds at once and sends nothing, in every
// package (as the README's "Bulk calls" says).
func TestEmptyBulkCallsSendNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("coralogix", func(t *testing.T) {
		srv := coralogixtest.Start(t)
		c, err := srv.NewClient()
		require.NoError(t, err)
		res, err := c.AssignCasesInBatches(ctx, coralogix.AssignCasesRequest{Assignee: coralogix.UserDetails{UserID: cxUser}}, coralogix.BulkOptions{})
		assert.NoError(t, err)
		assert.Empty(t, res.SucceededIDs)
		res, err = c.UnassignCasesInBatches(ctx, nil, coralogix.BulkOptions{})
		assert.NoError(t, err)
		assert.Empty(t, res.SucceededIDs)
		assert.Empty(t, srv.Requests())
	})
	t.Run("thalamus", func(t *testing.T) {
		srv := thalamustest.Start(t)
		c, err := srv.NewClient()
		require.NoError(t, err)
		out, err := c.AssignCases(ctx, nil, thalamus.ToOperator("a@example.com"), thalamus.BulkOptions{})
		assert.NoError(t, err)
		assert.Empty(t, out)
		assert.Empty(t, srv.Requests())
	})
	t.Run("actionmgmt", func(t *testing.T) {
		srv := actionmgmttest.Start(t)
		c, err := srv.NewClient()
		require.NoError(t, err)
		out, err := c.AssignUsers(ctx, 1, nil, actionmgmt.BulkOptions{})
		assert.NoError(t, err)
		assert.Empty(t, out)
		out, err = c.UnassignUsers(ctx, 1, nil, actionmgmt.BulkOptions{})
		assert.NoError(t, err)
		assert.Empty(t, out)
		assert.Empty(t, srv.Requests())
	})
	t.Run("rootly", func(t *testing.T) {
		srv := rootlytest.Start(t)
		c, err := srv.NewClient()
		require.NoError(t, err)
		out, err := c.AssignRoles(ctx, nil, rootly.BulkOptions{})
		assert.NoError(t, err)
		assert.Empty(t, out)
		assert.Empty(t, srv.Requests())
	})
}

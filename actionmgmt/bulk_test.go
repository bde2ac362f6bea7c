package actionmgmt_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/caseassign/caseassign/actionmgmt"
	"github.com/caseassign/caseassign/actionmgmt/actionmgmttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fifty pairs over five cases: one GET and one PUT per case, outcomes in
// input order, every user in its role afterwards; then the same pairs
// unassigned.
func TestAssignUsersGroupsPairsByCase(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	var items []actionmgmt.Assignment
	for i := range 50 {
		user := actionmgmttest.FirstGenerated + int64(i%10)
		if user%5 == 0 { // every fifth generated user is inactive
			user = actionmgmttest.UserBob
		}
		items = append(items, actionmgmt.Assignment{
			CaseID: cse + int64(i%5),
			Member: actionmgmt.RoleMember{RoleID: []int64{mgr, watc}[i%2], UserID: user},
		})
	}
	var mu sync.Mutex
	var last actionmgmt.Progress
	out, err := c.AssignUsers(ctx, hub, items, actionmgmt.BulkOptions{Concurrency: 3, OnOutcome: func(p actionmgmt.Progress) {
		mu.Lock()
		last = p
		mu.Unlock()
	}})
	require.NoError(t, err)
	require.Len(t, out, 50)
	for i, o := range out {
		assert.Equal(t, items[i], o.Assignment, "input order")
		require.NoError(t, o.Err)
		require.NotNil(t, o.Case)
		assert.Equal(t, items[i].CaseID, o.Case.ID)
		assert.True(t, o.Case.Role(items[i].Member.RoleID).HasUser(items[i].Member.UserID))
		assert.Contains(t, srv.RoleUsers(hub, items[i].CaseID, items[i].Member.RoleID), items[i].Member.UserID)
	}
	assert.Equal(t, actionmgmt.Progress{Done: 50, Succeeded: 50, Total: 50}, last)
	gets, puts := 0, 0
	for _, r := range apiRequests(srv) {
		switch r.Method {
		case http.MethodGet:
			gets++
		case http.MethodPut:
			puts++
		}
	}
	assert.Equal(t, 5, gets, "one GET per case")
	assert.Equal(t, 5, puts, "one PUT per case")

	out, err = c.UnassignUsers(ctx, hub, items, actionmgmt.BulkOptions{})
	require.NoError(t, err)
	for i, o := range out {
		require.NoError(t, o.Err)
		assert.NotContains(t, srv.RoleUsers(hub, items[i].CaseID, items[i].Member.RoleID), items[i].Member.UserID)
	}
}

// One refused pair never sinks the others: a role the case lacks fails
// alone, and an inactive user the server refuses in the case's combined
// write is isolated by trying the case's pairs one by one.
func TestAssignUsersIsolatesRefusedPairs(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	items := []actionmgmt.Assignment{
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserBob}},
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: 999, UserID: actionmgmttest.UserBob}},
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.InactiveUser}},
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: watc, UserID: actionmgmttest.FirstGenerated}},
		{CaseID: cse + 1, Member: actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserAlice}},
	}
	out, err := c.AssignUsers(context.Background(), hub, items, actionmgmt.BulkOptions{})
	var be *actionmgmt.BulkError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 2, be.Failed)
	assert.Equal(t, 5, be.Total)
	assert.ErrorIs(t, err, actionmgmt.ErrNotFound)
	assert.ErrorIs(t, err, actionmgmt.ErrRejected)
	assert.NoError(t, out[0].Err)
	assert.ErrorIs(t, out[1].Err, actionmgmt.ErrNotFound)
	assert.ErrorIs(t, out[2].Err, actionmgmt.ErrRejected)
	assert.NoError(t, out[3].Err)
	assert.NoError(t, out[4].Err)
	assert.Contains(t, srv.RoleUsers(hub, cse, mgr), actionmgmttest.UserBob)
	assert.Contains(t, srv.RoleUsers(hub, cse, watc), actionmgmttest.FirstGenerated)
	assert.NotContains(t, srv.RoleUsers(hub, cse, watc), actionmgmttest.InactiveUser)
}

// Every pair is checked before anything is sent.
func TestAssignUsersValidatesFirst(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	_, err := c.AssignUsers(context.Background(), hub, []actionmgmt.Assignment{
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: mgr, UserID: actionmgmttest.UserBob}},
		{CaseID: cse, Member: actionmgmt.RoleMember{RoleID: mgr}},
	}, actionmgmt.BulkOptions{})
	var ve *actionmgmt.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "items[1].Member.UserID", ve.Field)
	assert.Empty(t, apiRequests(srv))
	out, err := c.AssignUsers(context.Background(), hub, nil, actionmgmt.BulkOptions{})
	assert.NoError(t, err)
	assert.Empty(t, out)
}

package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func noEnv(string) string { return "" }

func TestThalamusAssign(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), nil, noEnv, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "case 1001: assigned (COMPLAINT)")
	assert.Contains(t, out.String(), "case 1003: assigned (COMPLAINT)")

	out.Reset()
	assert.Equal(t, 1, run(context.Background(), []string{"-cases", "1001,1002,4242", "-operator", "dee.diaz@example.com"}, noEnv, &out, &errOut))
	assert.Contains(t, out.String(), "case 1002: refused: the operator is blocked; the operator may not handle this case type")
	assert.Contains(t, out.String(), "case 4242: refused: no such case")

	out.Reset()
	assert.Equal(t, 0, run(context.Background(), []string{"-cases", "1004", "-group", "Billing"}, noEnv, &out, &errOut))
	assert.Contains(t, out.String(), "case 1004: assigned (BILLING)")

	errOut.Reset()
	assert.Equal(t, 1, run(context.Background(), []string{"-operator", "a@example.com", "-group", "Billing"}, noEnv, &out, &errOut))
	assert.Contains(t, errOut.String(), "not both")
}

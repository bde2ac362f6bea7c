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

func TestMove(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), nil, noEnv, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "Case Manager:  (nobody)\n")
	assert.Contains(t, out.String(), "Watcher:       8790\n")

	out.Reset()
	errOut.Reset()
	assert.Equal(t, 1, run(context.Background(), []string{"-to", "9999"}, noEnv, &out, &errOut))
	assert.Contains(t, errOut.String(), "case 2009631 has no role 9999")
}

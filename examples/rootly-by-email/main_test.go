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

func TestByEmail(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), nil, noEnv, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "Checkout errors 1 (started)")
	assert.Contains(t, out.String(), "Incident Commander     Responder 330 <responder330@example.com>")

	errOut.Reset()
	assert.Equal(t, 1, run(context.Background(), []string{"-role", "no-such-role"}, noEnv, &out, &errOut))
	assert.Contains(t, errOut.String(), "not found")
}

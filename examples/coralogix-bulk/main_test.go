package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func env(stdin string, terminal bool) (ioEnv, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return ioEnv{env: func(string) string { return "" }, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, stdoutTerminal: terminal}, &out, &errOut
}

func TestAllDemoCasesPlainProgress(t *testing.T) {
	e, out, errOut := env("", false)
	code := run(context.Background(), nil, e)
	require.Equal(t, 0, code, errOut.String())
	s := out.String()
	assert.Contains(t, s, "assigning 2500 ids")
	assert.Equal(t, 3, strings.Count(s, " failed\n"), "a plain line per batch")
	assert.Contains(t, s, "2500/2500 ids done, 0 failed")
	assert.Contains(t, s, "assigned 2500 cases")
}

func TestIDsFromStdinWithLiveLine(t *testing.T) {
	e, out, errOut := env("DEMO-1\n# a comment\n\nDEMO-2, DEMO-3\nDEMO-1\n", true)
	code := run(context.Background(), []string{"-f", "-"}, e)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "assigning 4 ids")
	assert.Contains(t, out.String(), "\r  ids 3/3 (0 failed)\n", "a live line on a terminal")
	assert.Contains(t, out.String(), "assigned 3 cases", "duplicates are sent once")
}

func TestIDsFromFileAndFailures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ids.txt")
	require.NoError(t, os.WriteFile(path, []byte("DEMO-10\nDEMO-99999\n"), 0o600))
	e, out, _ := env("", false)
	code := run(context.Background(), []string{"-f", path}, e)
	assert.Equal(t, 1, code)
	assert.Contains(t, out.String(), "assigned 1 cases", "the unknown id does not sink DEMO-10")
	assert.Contains(t, out.String(), "failed DEMO-99999: ")
	assert.Contains(t, out.String(), "case DEMO-99999 not found")
	assert.Contains(t, out.String(), "1 of 2 ids failed")

	e, _, errOut := env("", false)
	assert.Equal(t, 1, run(context.Background(), []string{"-f", "-", "-user", "nope"}, e))
	assert.Contains(t, errOut.String(), "invalid assignee.userId")
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func noEnv(string) string { return "" }

func TestQuickstartOffline(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, noEnv, &out, &errOut)
	assert.Equal(t, 0, code, out.String()+errOut.String())
	s := out.String()
	for _, want := range []string{
		"Coralogix [offline: in-process test server]",
		`✓ Dana Night <dana.night@example.com> now holds 3 cases: CASE-124 "Checkout latency above SLO"`,
		"Thalamus [offline: in-process test server]",
		"✓ case 1001 (COMPLAINT, status OPEN) is now with operator ana.lima@example.com",
		`✓ case 1002 (BILLING, status OPEN) is now with group "Tier 2 Support"`,
		"Forsta Action Management [offline: in-process test server]",
		`✓ first name 2 last name 2 <exampleUser8791@example.com> (end user 8791) is now in role "Watcher" of case 2009631 "Example case"`,
		"Rootly [offline: in-process test server]",
		`✓ Mario Casper <emmett.daugherty@wehner-turner.test> is now Incident Commander of incident "Checkout errors 1"`,
		"All done.",
	} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "✗")
	assert.Empty(t, errOut.String(), "nothing on stderr without -v")
}

func TestQuickstartOnlyAndVerbose(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-only", "rootly,thalamus", "-v"}, noEnv, &out, &errOut)
	assert.Equal(t, 0, code)
	assert.Contains(t, out.String(), "Rootly")
	assert.Contains(t, out.String(), "Thalamus")
	assert.NotContains(t, out.String(), "Coralogix")
	assert.Contains(t, errOut.String(), "level=DEBUG")
	assert.NotContains(t, errOut.String(), "thalamus-test-token", "no secret in the verbose log")
	assert.NotContains(t, errOut.String(), "demo-operator-password", "no password in the verbose log")
	assert.NotContains(t, out.String(), "demo-operator-password")
	assert.Contains(t, out.String(), "session open", "the quickstart logs in to Thalamus")
	assert.NotContains(t, errOut.String(), "rootly-test-token")
}

func TestQuickstartReportsFailures(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-only", "rootly,coralogix", "-rootly-email", "nobody@example.com", "-coralogix-user", "not-a-uuid"}, noEnv, &out, &errOut)
	assert.Equal(t, 1, code)
	assert.Contains(t, out.String(), `✗ rootly: no user with e-mail "nobody@example.com"`)
	assert.Contains(t, out.String(), "✗ coralogix: invalid assignee.userId")
	assert.Contains(t, out.String(), "2 API(s) failed.")
}

func TestQuickstartHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, noEnv, &out, &errOut))
	for _, v := range []string{"CORALOGIX_API_KEY", "CORALOGIX_REGION", "THALAMUS_URL", "THALAMUS_TOUCHPOINT", "THALAMUS_TOKEN", "THALAMUS_PASSWORD", "FORSTA_URL", "FORSTA_CLIENT_SECRET", "ROOTLY_API_TOKEN", "-only", "-coralogix-cases"} {
		assert.True(t, strings.Contains(errOut.String(), v), v)
	}
	assert.Equal(t, 2, run(context.Background(), []string{"-no-such-flag"}, noEnv, &out, &errOut))
}

package main

import (
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generatedHeader is the line Go tools look for in a generated file.
var generatedHeader = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

func TestEveryRowRendersValidGoThatSpeaksOfItsOwnVendor(t *testing.T) {
	for pkg, v := range vendors {
		for _, kind := range []string{"public", "fake"} {
			t.Run(pkg+"/"+kind, func(t *testing.T) {
				v.Pkg = pkg
				src, err := render(kind, v)
				require.NoError(t, err)
				assert.Regexp(t, generatedHeader, string(src))
				f, err := parser.ParseFile(token.NewFileSet(), kind+".go", src, parser.ParseComments)
				require.NoError(t, err)
				wantPkg := pkg
				if kind == "fake" {
					wantPkg += "test"
				}
				assert.Equal(t, wantPkg, f.Name.Name)
				// A row's texts name its own vendor only: no copy speaks of another.
				for other, ov := range vendors {
					if other != pkg {
						assert.NotContains(t, string(src), ov.Vendor+" ", "the %s %s file names %s", pkg, kind, ov.Vendor)
					}
				}
				assert.NotContains(t, string(src), "<no value>", "a field the template uses is missing from the row")
			})
		}
	}
}

func TestEveryRowFillsWhatEveryPackageDocuments(t *testing.T) {
	for pkg, v := range vendors {
		for name, text := range map[string]string{
			"Vendor": v.Vendor, "APIErrorNote": v.APIErrorNote, "BulkFor": v.BulkFor, "Concurrency": v.Concurrency,
			"OnProgress": v.OnProgress, "Unit": v.Unit, "BulkFailed": v.BulkFailed, "BulkErrs": v.BulkErrs,
			"RateLimitDoc": v.RateLimitDoc, "UnwrapDoc": v.UnwrapDoc, "FieldExample": v.FieldExample, "BaseURLDoc": v.BaseURLDoc, "BaseURLWhat": v.BaseURLWhat,
			"NewClientDoc": v.NewClientDoc, "NewClientBody": v.NewClientBody,
		} {
			assert.NotEmpty(t, strings.TrimSpace(text), "%s: %s", pkg, name)
		}
	}
}

func TestRunRefusesWhatItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	assert.ErrorContains(t, run("jira", "public", dir+"/x.go"), "unknown package")
	assert.ErrorContains(t, run("rootly", "private", dir+"/x.go"), "-kind")
	assert.ErrorContains(t, run("rootly", "public", ""), "-o")
	require.NoError(t, run("rootly", "public", dir+"/public.go"))
}

func TestComment(t *testing.T) {
	assert.Equal(t, "\t// a\n\t//\n\t// b", comment("\t", "a\n\nb\n"))
	assert.Equal(t, "// one", comment("", "one"))
}

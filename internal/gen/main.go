// Command gen writes the part of each vendor package that the four share:
// the public error types, bulk options, try hook, rate-limit view, the
// common options and the thin Client methods (<pkg>/public.go), and the
// test servers' common methods (<pkg>/<pkg>test/fake.go). One template per
// kind of file; what differs between vendors (the vendor's name, its error
// document, its rate-limit headers, the unit its bulk calls count) comes
// from the table in vendors.go.
//
// It runs from go:generate lines in each package:
//
//	//go:generate go run ../internal/gen -pkg coralogix -kind public -o public.go
//	//go:generate go run ../../internal/gen -pkg coralogix -kind fake -o fake.go
//
// and CI runs `go generate ./...` then `git diff --exit-code`, so a
// generated file that no longer matches its template fails the build.
package main

import (
	"bytes"
	"embed"
	"flag"
	"fmt"
	"go/format"
	"os"
	"strings"
	"text/template"
)

//go:embed *.tmpl
var templates embed.FS

func main() {
	pkg := flag.String("pkg", "", "the vendor package: coralogix, thalamus, actionmgmt or rootly")
	kind := flag.String("kind", "", "public (the package's shared surface) or fake (its test server's common methods)")
	out := flag.String("o", "", "the file to write")
	flag.Parse()
	if err := run(*pkg, *kind, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(pkg, kind, out string) error {
	v, ok := vendors[pkg]
	if !ok {
		return fmt.Errorf("unknown package %q (the table in internal/gen/vendors.go names the four)", pkg)
	}
	if kind != "public" && kind != "fake" {
		return fmt.Errorf("-kind must be public or fake, not %q", kind)
	}
	if out == "" {
		return fmt.Errorf("-o names the file to write")
	}
	v.Pkg = pkg
	src, err := render(kind, v)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// render executes the kind's template for v and formats the result.
func render(kind string, v Vendor) ([]byte, error) {
	t, err := template.New(kind+".go.tmpl").Funcs(template.FuncMap{"comment": comment}).ParseFS(templates, kind+".go.tmpl")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return nil, err
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("the %s template for %s is not valid Go: %w\n%s", kind, v.Pkg, err, buf.Bytes())
	}
	return src, nil
}

// comment turns text into comment lines at the given indentation: each
// line of text becomes "<indent>// <line>" (a blank line "<indent>//").
func comment(indent, text string) string {
	var b strings.Builder
	for i, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(indent + "//")
		if line != "" {
			b.WriteString(" " + line)
		}
	}
	return b.String()
}

package proof

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docPackages are the packages whose names docs may qualify, by name, with
// their directory from the repository root.
var docPackages = map[string]string{
	"coralogix": "coralogix", "coralogixtest": "coralogix/coralogixtest",
	"thalamus": "thalamus", "thalamustest": "thalamus/thalamustest",
	"actionmgmt": "actionmgmt", "actionmgmttest": "actionmgmt/actionmgmttest",
	"rootly": "rootly", "rootlytest": "rootly/rootlytest",
}

// surface is a package's exported names: top-level declarations, and for
// each type its fields and methods (embedded structs' included).
type surface struct {
	top     map[string]bool
	members map[string]map[string]bool
	embeds  map[string][]string
}

func loadSurface(t *testing.T, dir string) *surface {
	t.Helper()
	fset := token.NewFileSet()
	s := &surface{top: map[string]bool{}, members: map[string]map[string]bool{}, embeds: map[string][]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	member := func(typ, name string) {
		if s.members[typ] == nil {
			s.members[typ] = map[string]bool{}
		}
		s.members[typ][name] = true
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					s.top[d.Name.Name] = true
					continue
				}
				rt := d.Recv.List[0].Type
				if st, ok := rt.(*ast.StarExpr); ok {
					rt = st.X
				}
				if id, ok := rt.(*ast.Ident); ok {
					member(id.Name, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						s.top[sp.Name.Name] = true
						if st, ok := sp.Type.(*ast.StructType); ok {
							for _, fl := range st.Fields.List {
								for _, n := range fl.Names {
									member(sp.Name.Name, n.Name)
								}
								if len(fl.Names) == 0 {
									if id, ok := fl.Type.(*ast.Ident); ok {
										s.embeds[sp.Name.Name] = append(s.embeds[sp.Name.Name], id.Name)
										member(sp.Name.Name, id.Name)
									}
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							s.top[n.Name] = true
						}
					}
				}
			}
		}
	}
	return s
}

func (s *surface) hasMember(typ, name string) bool {
	if s.members[typ][name] {
		return true
	}
	for _, e := range s.embeds[typ] {
		if s.hasMember(e, name) {
			return true
		}
	}
	return false
}

var qualified = regexp.MustCompile(`\b(coralogixtest|thalamustest|actionmgmttest|rootlytest|coralogix|thalamus|actionmgmt|rootly)\.([A-Z][A-Za-z0-9_]*)(?:\.([A-Z][A-Za-z0-9_]*))?`)

// TestDocsNameOnlyWhatExists: every qualified name the README, the other
// top-level documents and the packages' doc comments mention
// (rootly.AssignRoleByEmail, coralogix.BulkOptions.DiscardCases, ...)
// is declared in that package, so the docs cannot drift from the code
// unseen (a renamed field, a removed option).
func TestDocsNameOnlyWhatExists(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	surfaces := map[string]*surface{}
	for name, dir := range docPackages {
		surfaces[name] = loadSurface(t, filepath.Join(root, dir))
	}
	var docs []string
	for _, f := range []string{"README.md", "CHANGELOG.md", "RELIABILITY.md"} {
		docs = append(docs, filepath.Join(root, f))
	}
	for _, dir := range docPackages {
		fs, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
		require.NoError(t, err)
		docs = append(docs, fs...)
	}
	var missing []string
	for _, path := range docs {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		text := string(b)
		if strings.HasSuffix(path, ".go") {
			text = comments(t, path)
		}
		if strings.HasSuffix(path, "CHANGELOG.md") {
			// Older entries name what was renamed or removed since.
			if i := strings.Index(text, "\n## "); i >= 0 {
				if j := strings.Index(text[i+4:], "\n## "); j >= 0 {
					text = text[:i+4+j]
				}
			}
		}
		for _, m := range qualified.FindAllStringSubmatch(text, -1) {
			s := surfaces[m[1]]
			switch {
			case !s.top[m[2]] && !s.members["Client"][m[2]] && !s.members["Server"][m[2]]: // pkg.Method is shorthand for a Client's (or test Server's)
				missing = append(missing, filepath.Base(path)+": "+m[1]+"."+m[2])
			case m[3] != "" && !s.hasMember(m[2], m[3]) && !s.top[m[3]]:
				missing = append(missing, filepath.Base(path)+": "+m[0])
			}
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "docs name what the packages do not declare")
}

// comments returns the comments of a Go file.
func comments(t *testing.T, path string) string {
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	require.NoError(t, err)
	var b strings.Builder
	for _, g := range file.Comments {
		b.WriteString(g.Text())
	}
	return b.String()
}

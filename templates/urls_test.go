package templates

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestURLBuildersComplete: every URL builder lives in urls.go and has a
// sample in URLBuilders, so that the server's tests check it against the
// route table (TestURLBuildersMatchRoutes in internal/server).
func TestURLBuildersComplete(t *testing.T) {
	fset := token.NewFileSet()
	builders := map[string]bool{} // exported func …URL in urls.go
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || !strings.HasSuffix(fn.Name.Name, "URL") {
				continue
			}
			if name != "urls.go" {
				t.Errorf("%s: URL builder %s must live in urls.go", name, fn.Name.Name)
				continue
			}
			builders[fn.Name.Name] = true
		}
	}
	if len(builders) < 60 {
		t.Fatalf("only %d builders found in urls.go", len(builders))
	}
	sampled := map[string]bool{}
	for _, s := range URLBuilders() {
		if !builders[s.Name] {
			t.Errorf("URLBuilders names %q, which is not a builder of urls.go", s.Name)
		}
		if s.Method != http.MethodGet && s.Method != http.MethodPost {
			t.Errorf("%s: method %q, want GET (links) or POST (form actions)", s.Name, s.Method)
		}
		if !strings.HasPrefix(string(s.URL), "/") {
			t.Errorf("%s: %q is not a path", s.Name, s.URL)
		}
		sampled[s.Name] = true
	}
	var missing []string
	for b := range builders {
		if !sampled[b] {
			missing = append(missing, b)
		}
	}
	sort.Strings(missing)
	for _, b := range missing {
		t.Errorf("builder %s has no sample in URLBuilders", b)
	}
}

// TestURLBuildersEscape: arguments are path-escaped one segment each; an
// indicator key keeps its "/" as the separator of code and number.
func TestURLBuildersEscape(t *testing.T) {
	cases := []struct{ got, want string }{
		{string(PlanURL("a b", "c/d")), "/enti/a%20b/piani/c%2Fd"},
		{string(EntryURL("e", "p", "O.1 x/2")), "/enti/e/piani/p/misurazioni/O.1%20x/2"},
		{string(IndicatorURL("e", "p", "O.1/2")), "/enti/e/piani/p/indicatori/O.1/2"},
		{string(UserStateURL("e", "a/b")), "/amministrazione/e/utenti/a%2Fb/stato"},
		{string(OpenDataURL("e", "p", "json")), "/opendata/e/p/indicators.json"},
		{string(SignInReturnURL("/enti/e?x=1&y=2")), "/accedi?next=%2Fenti%2Fe%3Fx%3D1%26y%3D2"},
		{string(DecisionURL("e", "p", 2023, 9)), "/enti/e/piani/p/relazione/2023/validazione/9"},
		{string(PublicRelazioneFileURL("e", "p", 2024, "relazione.pdf")), "/trasparenza/e/p/relazione/2024/relazione.pdf"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

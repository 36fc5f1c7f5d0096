package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/piao-performance/piao/internal/notify"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/templates"
)

// routesWithoutBuilder are the routes nothing links or redirects to.
var routesWithoutBuilder = map[string]bool{
	"GET /healthz":             true, // probes
	"GET /readyz":              true,
	"GET /static/*":            true, // assets, linked by file name in layout.templ
	"GET /accedi/sso/callback": true, // the identity provider's redirect (PIAO_OIDC_REDIRECT_URL)
}

// TestURLBuildersMatchRoutes: every URL builder of templates/urls.go, called
// with sample arguments, reaches a registered route of the method it is used
// with (GET for links and redirects, POST for form actions), and every route
// but the few above has a builder.
func TestURLBuildersMatchRoutes(t *testing.T) {
	t.Parallel()
	pool := testdb.Pool(t)
	sessions, stop := server.NewSessions(pool, server.SessionOptions{})
	t.Cleanup(stop)
	app := server.New(store.New(pool), sessions, slog.New(slog.NewTextHandler(io.Discard, nil)))

	// A router with the same patterns answers which one a path reaches, by chi's own matching.
	mux := chi.NewRouter()
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	registered := map[string]bool{}
	for _, rt := range app.Routes() {
		mux.Method(rt.Method, rt.Pattern, noop)
		registered[rt.Method+" "+rt.Pattern] = true
	}
	reached := map[string]bool{}
	samples := templates.URLBuilders()
	if len(samples) < 60 {
		t.Fatalf("only %d builder samples", len(samples))
	}
	for _, s := range samples {
		u, err := url.Parse(string(s.URL))
		if err != nil {
			t.Errorf("%s: %q: %v", s.Name, s.URL, err)
			continue
		}
		if u.Host != "" || u.Scheme != "" {
			t.Errorf("%s: %q is not a same-origin path", s.Name, s.URL)
			continue
		}
		pattern := mux.Find(chi.NewRouteContext(), s.Method, u.EscapedPath())
		if pattern == "" || !registered[s.Method+" "+pattern] {
			t.Errorf("%s: %s %s matches no route", s.Name, s.Method, u.EscapedPath())
			continue
		}
		reached[s.Method+" "+pattern] = true
	}
	var orphans []string
	for key := range registered {
		if !reached[key] && !routesWithoutBuilder[key] {
			orphans = append(orphans, key)
		}
	}
	sort.Strings(orphans)
	for _, key := range orphans {
		t.Errorf("route %s has no URL builder in templates/urls.go (or no sample of it in URLBuilders)", key)
	}
}

// TestNotifyLinksAgreeWithBuilders: the e-mail notifications build absolute
// links in package notify (which templates imports, so it cannot call the
// builders); its builders must give the same paths as templates/urls.go.
func TestNotifyLinksAgreeWithBuilders(t *testing.T) {
	t.Parallel()
	const e, p = "cciaa-gran-sasso", "piao-2023-2025"
	site := notify.Site{BaseURL: "https://piao.example.it/"}
	cases := []struct{ got, want string }{
		{site.PlanURL(e, p), string(templates.PlanURL(e, p))},
		{site.EntryURL(e, p, "O.3.3.1/1", 2023, "final"), string(templates.EntryURL(e, p, "O.3.3.1/1")) + "?periodo=2023-final"},
		{site.AccountURL(), string(templates.AccountURL())},
	}
	for _, c := range cases {
		if c.got != "https://piao.example.it"+c.want {
			t.Errorf("notify builds %q, templates %q", c.got, c.want)
		}
	}
}

// pathLiteral is a string that starts like an application path: "/x…".
var pathLiteral = regexp.MustCompile(`^/[A-Za-z]`)

// templPath finds, in a .templ file, a quoted path ("/x…") or a suffix glued
// onto a URL (… + "/x", … + templ.SafeURL("/…")).
var templPath = regexp.MustCompile(`"/[A-Za-z][^"]*"|\+\s*(templ\.SafeURL\(\s*)?"/[^"]*"`)

// handWrittenPathsAllowed are files whose path-like strings are not URLs.
var handWrittenPathsAllowed = map[string]string{
	"internal/server/server.go":        "the route table",
	"internal/server/bodylimit.go":     "classifies route patterns by suffix, never builds a URL",
	"internal/server/pending_forms.go": "classifies route patterns by suffix (which forms are kept), never builds a URL",
	"templates/urls.go":                "the URL builders",
	"internal/paths/paths.go":          "the paths e-mails link too",
}

// TestNoHandWrittenPaths: outside the route table, templates/urls.go and
// internal/paths, the server, the templates and the e-mail texts write no
// path by hand: they call a builder.
// Assets (/static/…) are exempt.
func TestNoHandWrittenPaths(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	var found []string
	report := func(file string, line int, lit string) {
		if strings.HasPrefix(strings.TrimPrefix(strings.TrimLeft(lit, "+ \t"), "templ.SafeURL("), `"/static/`) ||
			strings.HasPrefix(lit, "/static/") {
			return
		}
		found = append(found, file+":"+strconv.Itoa(line)+": "+lit)
	}
	scanned := 0
	for _, dir := range []string{"internal/server", "templates", "internal/notify", "internal/paths"} {
		entries, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			rel := dir + "/" + name
			if _, ok := handWrittenPathsAllowed[rel]; ok || e.IsDir() {
				continue
			}
			path := filepath.Join(root, dir, name)
			switch {
			case strings.HasSuffix(name, "_test.go"), strings.HasSuffix(name, "_templ.go"):
				continue // tests request paths; generated code repeats its .templ
			case strings.HasSuffix(name, ".go"):
				fset := token.NewFileSet()
				f, err := parser.ParseFile(fset, path, nil, 0)
				if err != nil {
					t.Fatal(err)
				}
				ast.Inspect(f, func(n ast.Node) bool {
					lit, ok := n.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return true
					}
					s, err := strconv.Unquote(lit.Value)
					if err == nil && pathLiteral.MatchString(s) {
						report(rel, fset.Position(lit.Pos()).Line, s)
					}
					return true
				})
				scanned++
			case strings.HasSuffix(name, ".templ"):
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				for i, line := range strings.Split(string(src), "\n") {
					for _, m := range templPath.FindAllString(line, -1) {
						report(rel, i+1, m)
					}
				}
				scanned++
			}
		}
	}
	if scanned < 40 {
		t.Fatalf("only %d files scanned", scanned)
	}
	for _, f := range found {
		t.Errorf("path written by hand (use a builder of templates/urls.go): %s", f)
	}
}

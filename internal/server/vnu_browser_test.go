//go:build browser

package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// vnuInstall says how to get the Nu HTML checker the browser tests run.
const vnuInstall = "install Debian's JRE (apt-get install -y default-jre-headless) and the pinned vnu-jar " +
	"(cd tools/vnu && npm ci --ignore-scripts), or set VNU_JAR to a vnu.jar"

// vnuPages holds, per test, the HTML of the pages it visited; the test's
// cleanup runs the Nu HTML checker on them once.
var vnuPages sync.Map // *testing.T → *pageSet

type pageSet struct {
	mu    sync.Mutex
	dir   string
	seen  map[[32]byte]bool
	files map[string]string // file name → page URL
}

// recordPage saves the current document (its DOM serialised, with the
// doctype) for the Nu HTML checker that runs when t ends.
func recordPage(t *testing.T, ctx context.Context) {
	t.Helper()
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	page, err := chromedp.Run(rctx, chromedp.Evaluate[[]string](
		`[location.href, (document.doctype ? '<!DOCTYPE ' + document.doctype.name + '>\n' : '') + document.documentElement.outerHTML]`))
	if err != nil || len(page) != 2 {
		t.Fatalf("read the page's HTML for the Nu HTML checker: %v", err)
	}
	v, loaded := vnuPages.LoadOrStore(t, &pageSet{dir: t.TempDir(), seen: map[[32]byte]bool{}, files: map[string]string{}})
	ps := v.(*pageSet)
	if !loaded {
		t.Cleanup(func() { vnuPages.Delete(t); ps.check(t) })
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	sum := sha256.Sum256([]byte(page[1]))
	if ps.seen[sum] {
		return
	}
	ps.seen[sum] = true
	name := fmt.Sprintf("page-%03d.html", len(ps.files)+1)
	if err := os.WriteFile(filepath.Join(ps.dir, name), []byte(page[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	ps.files[name] = page[0]
}

// vnuCommand finds java and vnu.jar; outside CI a missing one skips the HTML
// check (with the reason), in CI (CI=true) it fails the test.
func vnuCommand(t *testing.T) (java, jar string, ok bool) {
	t.Helper()
	java, err := exec.LookPath("java")
	jar = os.Getenv("VNU_JAR")
	if jar == "" {
		jar, _ = filepath.Abs("../../tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
	}
	missing := ""
	if err != nil {
		missing = "java not found"
	} else if _, err := os.Stat(jar); err != nil {
		missing = "vnu.jar not found at " + jar
	}
	if missing == "" {
		return java, jar, true
	}
	if os.Getenv("CI") == "true" {
		t.Errorf("Nu HTML checker: %s: %s", missing, vnuInstall)
	} else {
		t.Logf("Nu HTML checker NOT run: %s: %s", missing, vnuInstall)
	}
	return "", "", false
}

// vnuReport is the JSON output of vnu.jar --format json.
type vnuReport struct {
	Messages []struct {
		Type     string `json:"type"`
		URL      string `json:"url"`
		LastLine int    `json:"lastLine"`
		Message  string `json:"message"`
		Extract  string `json:"extract"`
	} `json:"messages"`
}

// check runs vnu.jar --errors-only on every recorded page: 0 errors required;
// it logs the count per page.
func (ps *pageSet) check(t *testing.T) {
	t.Helper()
	java, jar, ok := vnuCommand(t)
	if !ok || len(ps.files) == 0 {
		return
	}
	names := make([]string, 0, len(ps.files))
	args := []string{"-jar", jar, "--errors-only", "--format", "json"}
	for n := range ps.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args = append(args, filepath.Join(ps.dir, n))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run() // exit status 1 when it reports errors
	var rep vnuReport
	if err := json.Unmarshal(stderr.Bytes(), &rep); err != nil {
		t.Errorf("Nu HTML checker: %v (run: %v): %s", err, runErr, stderr.String())
		return
	}
	errs := map[string][]string{}
	for _, m := range rep.Messages {
		n := filepath.Base(m.URL)
		errs[n] = append(errs[n], fmt.Sprintf("%s line %d: %s [%s] (%s)", m.Type, m.LastLine, m.Message, strings.TrimSpace(m.Extract), n))
	}
	for n, e := range errs {
		if _, ok := ps.files[n]; !ok {
			t.Errorf("Nu HTML checker:\n%s", strings.Join(e, "\n"))
		}
	}
	for _, n := range names {
		t.Logf("Nu HTML checker: %d errors on %s", len(errs[n]), ps.files[n])
		if len(errs[n]) > 0 {
			t.Errorf("Nu HTML checker on %s:\n%s", ps.files[n], strings.Join(errs[n], "\n"))
		}
	}
	if len(rep.Messages) == 0 && runErr != nil {
		t.Errorf("Nu HTML checker failed: %v: %s", runErr, stderr.String())
	}
}

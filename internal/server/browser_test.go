//go:build browser

// Browser tests: Debian's Chromium driven by chromedp against the real handler
// and a real database. Run with `make e2e` (they need the chromium package).
package server_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/seed"
)

// browser starts a headless Chromium for t.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		var err error
		if path, err = exec.LookPath("chromium"); err != nil {
			t.Fatal("chromium not found: install Debian's chromium package (make e2e does) or set CHROMIUM")
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// shot saves a screenshot when the test has failed, for the CI artifacts.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !t.Failed() {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err != nil {
		return
	}
	dir := os.Getenv("PIAO_E2E_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "piao-e2e")
	}
	_ = os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, name+".png")
	if os.WriteFile(p, buf, 0o644) == nil {
		t.Logf("screenshot: %s", p)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func TestBrowserBrowsePlan(t *testing.T) {
	h, _ := newApp(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "browse-plan")

	// keyboard first: the first Tab reaches the skip link
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	if focused := eval[string](t, ctx, `document.activeElement.textContent.trim()`); focused != "Vai al contenuto principale" {
		t.Errorf("first Tab focuses %q, want the skip link", focused)
	}
	// Enter on the skip link moves the focus to the main content
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if id := eval[string](t, ctx, `document.activeElement.id`); id != "contenuto" {
		t.Errorf("after the skip link the focus is on %q, want the main content", id)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	// a click that navigates: loadAfter waits for the new page to load
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`a[href="`+planPath+`"]`)))
	if heading := eval[string](t, ctx, `document.querySelector('h1').textContent.trim()`); heading != "PIAO 2023–2025" {
		t.Errorf("plan heading %q", heading)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("plan page: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	// the vendored stylesheet and fonts are served and allowed by the CSP
	if font := eval[string](t, ctx, `getComputedStyle(document.body).fontFamily`); !strings.Contains(font, "Titillium Web") {
		t.Errorf("Bootstrap Italia stylesheet not applied: font %q", font)
	}
	if ok := eval[bool](t, ctx, `document.fonts.ready.then(() => document.fonts.check('16px "Titillium Web"'))`); !ok {
		t.Error("Titillium Web font not loaded")
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`a[href="`+planPath+`/obiettivi/O.1.1.8"]`)))
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("objective page: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	text := eval[string](t, ctx, `document.querySelector('table.piao-table').innerText`)
	rows := eval[int](t, ctx, `document.querySelectorAll('table.piao-table tbody tr').length`)
	if !strings.Contains(text, "−19,91") || !strings.Contains(text, "≤ 0") || rows != 1 {
		t.Errorf("indicator table: %d rows, text %q", rows, text)
	}
}

func TestBrowserPhoneWidth(t *testing.T) {
	h, _ := newApp(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "phone-width")
	for _, path := range []string{"/", planPath, planPath + "/obiettivi/O.3.3.1", planPath + "/dirigenti/dir-prm"} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(375, 740),
			chromedp.Navigate(srv.URL+path),
			chromedp.WaitReady(chromedp.CSS(`main`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		// wide tables scroll inside their wrapper; the page itself must not
		if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
			t.Errorf("%s scrolls sideways at 375px", path)
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s at 375px: axe-core violations:\n%s", path, strings.Join(v, "\n"))
		}
	}
}

// TestBrowserExplanationOpensByKeyboard: "Come è calcolato" beside a score is
// a native disclosure: Tab to it, Enter, and the arithmetic shows.
func TestBrowserExplanationOpensByKeyboard(t *testing.T) {
	h, pool := newApp(t)
	importFixture(t, pool, true)
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "explanation")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/obiettivi/3.3")); err != nil {
		t.Fatal(err)
	}
	if open := eval[bool](t, ctx, `document.querySelector('details.piao-explain').open`); open {
		t.Fatal("explanations start closed")
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`details.piao-explain summary`)), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if open := eval[bool](t, ctx, `document.querySelector('details.piao-explain').open`); !open {
		t.Fatal("Enter on the summary did not open the explanation")
	}
	text := eval[string](t, ctx, `document.querySelector('details.piao-explain').innerText`)
	if !strings.Contains(text, "÷ 2 = 95,75%") {
		t.Errorf("explanation text: %q", text)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("open explanation: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
}

// TestBrowserDemoRolesSignIn: every demo account signs in through the form
// and lands on the page of its role; "Esci" signs it out.
func TestBrowserDemoRolesSignIn(t *testing.T) {
	h, pool := newApp(t)
	for _, a := range seed.DemoAccounts() {
		addUserAs(t, pool, a.Username, a.DisplayName, a.Role, a.Position)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "demo-sign-in")
	home := map[string]string{
		"segretario":           planPath + "/cruscotto",
		"dir.economico":        planPath + "/misurazioni",
		"dir.promozione":       planPath + "/misurazioni",
		"referente.promozione": planPath + "/misurazioni",
		"oiv":                  planPath + "/oiv",
		"admin":                "/amministrazione/cciaa-gran-sasso",
	}
	for _, a := range seed.DemoAccounts() {
		err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+"/accedi"),
			chromedp.SendKeys(chromedp.ID("username"), a.Username),
			chromedp.SendKeys(chromedp.ID("password"), testPassword),
		)
		if err != nil {
			t.Fatal(err)
		}
		loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
		if path := eval[string](t, ctx, `location.pathname`); path != home[a.Username] {
			t.Errorf("%s landed on %s, want %s", a.Username, path, home[a.Username])
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s's home: axe-core violations:\n%s", a.Username, strings.Join(v, "\n"))
		}
		if name := eval[string](t, ctx, `document.querySelector('header a[href="/area-riservata"]').textContent`); name != a.DisplayName {
			t.Errorf("%s: header shows %q", a.Username, name)
		}
		loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`header form[action="/esci"] button`)))
		if path := eval[string](t, ctx, `location.pathname`); path != "/accedi" {
			t.Errorf("%s: after Esci on %s", a.Username, path)
		}
	}
}

// TestBrowserReportApproveScore: dir.promozione fills the grid for O.3.3.1
// and submits; segretario approves every entry; the objective's score appears.
func TestBrowserReportApproveScore(t *testing.T) {
	h, pool := newApp(t)
	for _, a := range seed.DemoAccounts() {
		addUserAs(t, pool, a.Username, a.DisplayName, a.Role, a.Position)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "report-approve")
	signInAs := func(user string) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/accedi"),
			chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), testPassword))
		if err != nil {
			t.Fatal(err)
		}
		loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	}
	signInAs("dir.promozione")
	// a computed indicator shows its result while it is typed (htmx, within the CSP)
	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/misurazioni/O.3.3.1/6?periodo=2023-final"),
		chromedp.SendKeys(chromedp.ID("in_numerator"), "299"), chromedp.SendKeys(chromedp.ID("in_denominator"), "300"))
	if err != nil {
		t.Fatal(err)
	}
	live, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => { const t = document.getElementById('risultato').innerText;
		return t.includes('Risultato calcolato') ? t : false })()`))
	if err != nil || !strings.Contains(live, "99,67%") {
		t.Fatalf("live result %q: %v", live, err)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("entry page: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	// 183 mediations of 200 is a scostamento: the dirigente explains it on the
	// entry form (the grid keeps the stored motivazione), else no approval
	err = chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/misurazioni/O.3.3.1/1?periodo=2023-final"),
		chromedp.SendKeys(chromedp.ID("valore"), "180"), // a draft: the grid below changes it to 183 and submits
		chromedp.SendKeys(chromedp.ID("scost_cosa"), "Avviate 183 mediazioni su 200."),
		chromedp.SendKeys(chromedp.ID("scost_perche"), "Due conciliatori in meno da settembre."),
		chromedp.SendKeys(chromedp.ID("scost_azione"), "Nuovo elenco di conciliatori dal 2024."))
	if err != nil {
		t.Fatal(err)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("entry page with the motivazione: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`button[value=salva]`)))
	if !eval[bool](t, ctx, `document.body.innerText.includes('Misurazione salvata') && document.getElementById('scost_perche').value.includes('conciliatori')`) {
		t.Fatal("the motivazione was not saved")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/misurazioni/griglia?periodo=2023-final")); err != nil {
		t.Fatal(err)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("grid: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	// the nine KPIs of O.3.3.1, Italian numbers; a SI/NO picked from its list
	values := map[string]map[string]string{
		"O.3.3.1/1": {"valore": "183"}, "O.3.3.1/2": {"valore": "101"},
		"O.3.3.1/3": {"in_numerator": "10", "in_denominator": "10"}, "O.3.3.1/4": {"valore": "SI"},
		"O.3.3.1/5": {"in_numerator": "20", "in_denominator": "20"}, "O.3.3.1/6": {"in_numerator": "1.300", "in_denominator": "1.300"},
		"O.3.3.1/7": {"valore": "24"}, "O.3.3.1/8": {"in_numerator": "1", "in_denominator": "1"},
		"O.3.3.1/9": {"in_numerator": "1", "in_denominator": "1"},
	}
	for key, fields := range values {
		for field, v := range fields {
			js := `(() => { const k = document.querySelector('input[name$=".chiave"][value="` + key + `"]');
				const f = k.form.elements[k.name.replace('chiave', '` + field + `')]; f.value = '` + v + `'; return true })()`
			if !eval[bool](t, ctx, js) {
				t.Fatalf("fill %s %s", key, field)
			}
		}
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`button[value=invia]`)))
	// the count comes first: nine typed now, none saved before
	if txt := eval[string](t, ctx, `document.getElementById('conferma-invio').innerText`); !strings.Contains(txt, "9 misurazioni") {
		t.Fatalf("confirmation: %q", txt)
	}
	loadAfter(t, ctx, submitWith(`button[value=invia-confermato]`))
	if path := eval[string](t, ctx, `location.pathname`); path != planPath+"/misurazioni" {
		t.Fatalf("after the grid: %s — %s", path, eval[string](t, ctx, `document.querySelector('.alert') ? document.querySelector('.alert').innerText : ''`))
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll('td .piao-status')].filter(e => e.innerText.includes('Inviata')).length`); n != 9 {
		t.Fatalf("%d entries submitted, want 9", n)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`header form[action="/esci"] button`)))

	signInAs("segretario")
	// before approval, the objective has no score
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/obiettivi/O.3.3.1")); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `document.body.innerText.includes('Grado di raggiungimento')`) {
		t.Fatal("a score before any approval")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/ritardi?periodo=2023-final")); err != nil {
		t.Fatal(err)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("approvals page: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	for range 9 {
		loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form button.btn-sm`)))
	}
	if eval[int](t, ctx, `document.querySelectorAll("main form button.btn-sm").length`) != 0 {
		t.Fatal("entries still waiting after nine approvals")
	}
	// the score: (183 / 200 = 91,5 + 8 × 100) / 9 = 99,06%
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/obiettivi/O.3.3.1")); err != nil {
		t.Fatal(err)
	}
	text := eval[string](t, ctx, `document.querySelector('main').innerText`)
	if !strings.Contains(text, "Grado di raggiungimento") || !strings.Contains(text, "99,06%") {
		t.Fatalf("objective page after approval lacks the score 99,06%%")
	}

	// The Segretario Generale closes the period: the scores become public.
	flush := consoleErrors(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/periodi")); err != nil {
		t.Fatal(err)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("periods page: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/periodi/2023-final"] button`)))
	// the confirmation lists what is still missing and needs the box ticked
	if text := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(text, "Cosa manca ancora") {
		t.Fatal("closing the period does not show what is still missing")
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("closing confirmation: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#conferma"))); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/periodi/2023-final"] button[type="submit"]`)))
	if text := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(text, "chiuso il") {
		t.Fatal("the confirmed closing did not close the period")
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`header form[action="/esci"] button`)))
	// An anonymous visitor sees the score and downloads the open data.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/obiettivi/O.3.3.1")); err != nil {
		t.Fatal(err)
	}
	if text := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(text, "99,06%") {
		t.Error("the public does not see the score of the closed period")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/opendata")); err != nil {
		t.Fatal(err)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("open data page: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	csv := eval[string](t, ctx, `(() => { const a = [...document.querySelectorAll('main a')].find(a => a.href.endsWith('/indicators.csv'));
		return a ? fetch(a.href).then(r => r.ok ? r.text() : 'HTTP ' + r.status) : 'no link' })()`)
	if !strings.Contains(csv, "O.3.3.1/1") || !strings.Contains(csv, "raggiunto") {
		t.Errorf("open data CSV from the page: %.200q", csv)
	}
	if errs := flush(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// consoleErrors collects the console errors and exceptions of the tab from now
// on; flush returns those logged before it was called (it logs a marker and
// waits for it, so no message still in flight is missed).
func consoleErrors(t *testing.T, ctx context.Context) (flush func() []string) {
	t.Helper()
	cctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	msgs := chromedp.Console(cctx)
	var (
		mu     sync.Mutex
		errs   []string
		marker = make(chan struct{}, 16)
	)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleLog && m.Text == "piao-test-marker" {
				marker <- struct{}{}
				continue
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				errs = append(errs, m.String())
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`console.log('piao-test-marker')`)); err != nil {
			t.Fatal(err)
		}
		select {
		case <-marker:
		case <-ctx.Done():
			t.Fatal("console marker never arrived")
		}
		mu.Lock()
		defer mu.Unlock()
		out := errs
		errs = nil
		return out
	}
}

// axeViolations runs the vendored axe-core (WCAG 2.1 A and AA rules and its
// best-practice rules: landmark-unique, heading order, …) on the page and
// returns one line per violation. It also records the page for the Nu HTML
// checker that runs when t ends (recordPage).
func axeViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	recordPage(t, ctx)
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
		.then(r => r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe: %v", err)
	}
	return out
}

// TestBrowserDashboardTreeIndicator: as segretario, the dashboard, the plan
// with its performance tree and an indicator page show their content, log no
// console error and pass axe-core's WCAG 2.1 AA rules.
func TestBrowserDashboardTreeIndicator(t *testing.T) {
	h, pool := newApp(t)
	importFixture(t, pool, true)
	addUserAs(t, pool, "segretario", "Segretario Generale (account dimostrativo)", auth.Segretario, "")
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "dashboard")
	flush := consoleErrors(t, ctx)
	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/accedi"),
		chromedp.SendKeys(chromedp.ID("username"), "segretario"), chromedp.SendKeys(chromedp.ID("password"), testPassword))
	if err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	pages := []struct {
		path string
		want []string
	}{
		{planPath + "/cruscotto?periodo=2023-final", []string{"Cruscotto del piano", "Performance dell'ente", "94,38%", "Stato di salute dell'ente", "Obiettivi per dirigente"}},
		{planPath, []string{"Albero della performance", "Ambito strategico 3", "81,92%"}},
		{planPath + "/indicatori/3.3/1", []string{"Numero di mediazioni avviate", "91,5%", "31/12/2023 (consuntivo annuale)"}},
	}
	for _, p := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+p.path)); err != nil {
			t.Fatal(err)
		}
		text := eval[string](t, ctx, `document.querySelector('main').innerText`)
		for _, w := range p.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: missing %q", p.path, w)
			}
		}
		if errs := flush(); len(errs) > 0 {
			t.Errorf("%s: console errors: %v", p.path, errs)
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s: axe-core violations:\n%s", p.path, strings.Join(v, "\n"))
		}
	}
}

// TestBrowserOIVJourney: the OIV signs in, verifies the audit chain, compares
// the plan's revisions, reads the Relazione with its explanations and fetches
// its PDF, XLSX and CSV; every page passes axe-core with no console error.
func TestBrowserOIVJourney(t *testing.T) {
	h, pool := newApp(t)
	importFixture(t, pool, true)
	addUserAs(t, pool, "oiv", "Organismo Indipendente di Valutazione (account dimostrativo)", auth.OIV, "")
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "oiv")
	flush := consoleErrors(t, ctx)
	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/accedi"),
		chromedp.SendKeys(chromedp.ID("username"), "oiv"), chromedp.SendKeys(chromedp.ID("password"), testPassword))
	if err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	check := func(name string, wants ...string) {
		t.Helper()
		text := eval[string](t, ctx, `document.querySelector('main').innerText`)
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s: missing %q", name, w)
			}
		}
		if errs := flush(); len(errs) > 0 {
			t.Errorf("%s: console errors: %v", name, errs)
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s: axe-core violations:\n%s", name, strings.Join(v, "\n"))
		}
	}
	// landed on the OIV desk; verify the chain with the keyboard-reachable button
	check("oiv", "Organismo indipendente di valutazione", "Verifica la catena", "Relazione 2023")
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/oiv/verifica"] button`)))
	check("oiv verified", "Catena integra")
	// compare the revisions: the original against the October update
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main a[href$="/revisioni"]`)))
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[method=get] button[type=submit]`)))
	check("revisions", "Versione originale (gennaio 2023)", "Differenze (6)", "Target modificato", ">=1", ">=5", "non noto")
	// the Relazione with every explanation
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/relazione/2023")); err != nil {
		t.Fatal(err)
	}
	check("relazione", "Relazione sulla performance 2023", "94,38%", "Come è calcolato", "Indicatore 3.3/1", "Metodo di misurazione")
	// the downloads answer with their formats, from the signed-in session
	for file, magic := range map[string]string{"relazione.pdf": "%PDF", "relazione.xlsx": "PK", "relazione-csv.zip": "PK"} {
		got := eval[string](t, ctx, `fetch('`+planPath+`/relazione/2023/`+file+`').then(r => r.ok ? r.text().then(s => s.slice(0, 4)) : 'HTTP ' + r.status)`)
		if !strings.HasPrefix(got, magic) {
			t.Errorf("%s: starts with %q", file, got)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/registro")); err != nil {
		t.Fatal(err)
	}
	check("audit trail", "Registro di audit", "Esporta CSV", "measurement.")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/trasparenza/cciaa-gran-sasso/piao-2023-2025")); err != nil {
		t.Fatal(err)
	}
	check("transparency", "Amministrazione trasparente", "CC-BY 4.0", "Nessuna relazione validata")
}

// TestBrowserAdminEditsATarget: the administrator opens a revision, changes a
// target in the indicator form with the keyboard-reachable controls, adopts
// the revision and finds it in the plan's revisions with the change; the
// editor pages pass axe-core with no console error.
func TestBrowserAdminEditsATarget(t *testing.T) {
	h, pool := newApp(t)
	addUserAs(t, pool, "admin", "Amministratore (account dimostrativo)", auth.Admin, "")
	addUserAs(t, pool, "lettore.prova", "Lettore di prova", auth.Lettore, "")
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "admin-edit")
	flush := consoleErrors(t, ctx)
	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/accedi"),
		chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), testPassword))
	if err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	check := func(name string, wants ...string) {
		t.Helper()
		text := eval[string](t, ctx, `document.querySelector('main').innerText`)
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s: missing %q", name, w)
			}
		}
		if errs := flush(); len(errs) > 0 {
			t.Errorf("%s: console errors: %v", name, errs)
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s: axe-core violations:\n%s", name, strings.Join(v, "\n"))
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/modifica")); err != nil {
		t.Fatal(err)
	}
	check("editor", "Modifica del piano", "Apri una revisione")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("rev-etichetta"), "Aggiornamento di prova"),
		chromedp.SendKeys(chromedp.ID("rev-vigore"), "01/07/2024"),
		chromedp.SendKeys(chromedp.ID("rev-atto"), "Delibera di Giunta n. 7/2024"),
		chromedp.SendKeys(chromedp.ID("motivo"), "Target 2024 delle iniziative"))
	if err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/modifica/avvia"] button`)))
	check("draft", "Bozza: Aggiornamento di prova", "Nessuna modifica ancora")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/modifica/obiettivi/O.4.2.1/indicatori/1")); err != nil {
		t.Fatal(err)
	}
	check("indicator form", "Indicatore O.4.2.1/1", "Target per anno")
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("t-op-2024"), ">="),
		chromedp.SendKeys(chromedp.ID("t-val-2024"), "7"))
	if err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form:not([action]) button[type=submit]`)))
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/modifica")); err != nil {
		t.Fatal(err)
	}
	check("draft with the change", "Modifiche rispetto al piano in vigore (1)", "Target aggiunto", ">= 7")
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/modifica/adotta"] button`)))
	// the confirmation: the counts and the differences above the button
	check("adoption confirmation", "Adottare la revisione", "Target annuali", "Target aggiunto", "Cambiano i punteggi degli anni")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("conferma"))); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/modifica/adotta"] button[type=submit]`)))
	check("adopted", "Revisione adottata")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/revisioni?da=2&a=3")); err != nil {
		t.Fatal(err)
	}
	check("revisions", "Aggiornamento di prova", "Delibera di Giunta n. 7/2024", "Target aggiunto", "O.4.2.1/1", "Target 2024 delle iniziative")

	// disabling an account: the confirmation says what changes, then it is done
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/amministrazione/cciaa-gran-sasso")); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/utenti/lettore.prova/stato"] button`)))
	check("disable confirmation", "Disattivare l'utente lettore.prova?", "Sessioni aperte che terminano subito")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("conferma"))); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/utenti/lettore.prova/stato"] button[type=submit]`)))
	check("disabled", "Stato dell'utente aggiornato")
}

//go:build browser

package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/auth"
)

// TestBrowserDirigenteReportsAPeriod is issue 16's journey: on a 390 px
// screen dir.promozione reports all his indicators of 30/06/2024 — a few on
// their own pages with "Salva e passa al successivo" (a value, a computed
// one, a SI/NO, a non applicabile, an attachment), back to the list, the
// rest in the grid — and sends everything, drafts included. Every page
// visited fits the width and passes axe-core; the page loads stay within
// 1.2 × the number of indicators. A file of the wrong type is stopped in the
// browser, before sending.
func TestBrowserDirigenteReportsAPeriod(t *testing.T) {
	h, pool := newApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browserFor(t, 4*time.Minute) // 42 indicators: longer than the other journeys on a loaded machine
	defer shot(t, ctx, "dirigente-reports")
	dir := t.TempDir()
	pdf, exe := filepath.Join(dir, "registro.pdf"), filepath.Join(dir, "programma.exe")
	if err := os.WriteFile(pdf, []byte("%PDF-1.7 registro delle mediazioni"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, []byte("MZ"), 0o644); err != nil {
		t.Fatal(err)
	}

	loads := 0
	visited := map[string]bool{}
	check := func() { // every page: no sideways scroll at 390 px, no axe-core violation
		t.Helper()
		page := eval[string](t, ctx, `location.pathname + location.search`)
		if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
			t.Errorf("%s scrolls sideways at 390 px: %s", page, eval[string](t, ctx, `[...document.querySelectorAll('body *')]
				.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0))
				.slice(0, 12).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right) + '/' + e.scrollWidth + '/' + e.clientWidth + '/' + getComputedStyle(e).overflowX).join(' | ') +
				' sw=' + document.documentElement.scrollWidth + ' iw=' + window.innerWidth + ' bw=' + document.body.scrollWidth`))
		}
		// axe-core once per kind of page (every entry page is one kind)
		key := eval[string](t, ctx, `location.pathname.replace(/\/misurazioni\/[^/]+\/\d+$/, '/misurazioni/{code}/{n}')`)
		if visited[key] {
			return
		}
		visited[key] = true
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s: axe-core violations:\n%s", page, strings.Join(v, "\n"))
		}
	}
	// the journey timed by steps: each page load, how long it took from the
	// click to the new page (printed at the end; speed is not asserted here)
	var steps []string
	var stepTotal time.Duration
	load := func(want int64, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		loads++
		start := time.Now()
		if status := loadAfter(t, ctx, actions...); want != 0 && status != want {
			t.Fatalf("status %d, want %d (at %s)", status, want, where(ctx))
		}
		d := time.Since(start)
		stepTotal += d
		steps = append(steps, fmt.Sprintf("%2d. %-70s %6d ms", len(steps)+1, eval[string](t, ctx, `location.pathname + location.search`), d.Milliseconds()))
		check()
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(srv.URL+"/accedi")); err != nil {
		t.Fatal(err)
	}
	loads++
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("username"), "dir.promozione"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword)); err != nil {
		t.Fatal(err)
	}
	load(200, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/misurazioni?periodo=2024-midyear&stato=todo")); err != nil {
		t.Fatal(err)
	}
	loads++
	check()
	total := eval[int](t, ctx, `document.querySelectorAll('tbody tr[id^="r-"]').length`)
	if total < 10 {
		t.Fatalf("%d indicators to report, want his whole list", total)
	}

	// the first indicators one by one, each saved with "Salva e passa al successivo"
	load(200, chromedp.Click(chromedp.CSS(`tbody tr[id^="r-"] a`)))
	done := map[string]bool{}
	kinds := map[string]bool{}
	for len(kinds) < 5 {
		key := eval[string](t, ctx, `document.querySelector('h1 .piao-code').innerText`)
		var fill []chromedp.Action[chromedp.Void]
		switch {
		case !kinds["na"] && len(kinds) == 3:
			kinds["na"] = true
			fill = append(fill, chromedp.Click(chromedp.ID("na")), chromedp.SendKeys(chromedp.ID("motivo"), "Attività non avviata nel semestre"))
		case eval[bool](t, ctx, `!!document.getElementById('valore-si')`):
			kinds["sino"] = true
			fill = append(fill, chromedp.Click(chromedp.ID("valore-si")))
		case eval[bool](t, ctx, `!!document.querySelector('input[id^="in_"]')`):
			kinds["computed"] = true
			for _, id := range eval[[]string](t, ctx, `[...document.querySelectorAll('input[id^="in_"]')].map(e => e.id)`) {
				fill = append(fill, chromedp.SendKeys(chromedp.ID(id), "45"))
			}
		case eval[bool](t, ctx, `!!document.getElementById('valore')`):
			fill = append(fill, chromedp.SendKeys(chromedp.ID("valore"), "1.183"))
			if kinds["value"] && !kinds["file"] {
				// a file of the wrong type is stopped before sending, then the right one goes with a progress bar
				if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("valore"), "1.183"),
					chromedp.SetUploadFiles(chromedp.ID("allegati"), []string{exe}),
					chromedp.Click(chromedp.CSS(`button[value=avanti]`))); err != nil {
					t.Fatal(err)
				}
				if msg := eval[string](t, ctx, `document.getElementById('allegati-controllo').innerText`); !strings.Contains(msg, "formato non ammesso") {
					t.Fatalf("wrong file type not stopped: %q (at %s)", msg, where(ctx))
				}
				kinds["file"] = true
				fill = []chromedp.Action[chromedp.Void]{chromedp.SetUploadFiles(chromedp.ID("allegati"), []string{pdf})}
			}
			kinds["value"] = true
		default:
			t.Fatalf("%s: no field to fill (at %s)", key, where(ctx))
		}
		if err := chromedp.Do(ctx, fill...); err != nil {
			t.Fatal(err)
		}
		done[key] = true
		load(200, chromedp.Click(chromedp.CSS(`button[value=avanti]`)))
		if msg := eval[string](t, ctx, `[...document.querySelectorAll('[role=status]')].map(e => e.innerText).join(' ')`); !strings.Contains(msg, key+" salvata in bozza") {
			t.Fatalf("after saving %s: %q (at %s)", key, msg, where(ctx))
		}
	}
	// back to the list, its filter kept
	load(200, chromedp.Click(chromedp.CSS(`nav[aria-label="Elenco delle misurazioni"] a`)))
	if q := eval[string](t, ctx, `location.search`); !strings.Contains(q, "stato=todo") {
		t.Errorf("the list lost its filter: %s", q)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('tbody tr[id^="r-"]').length`); n != total-len(done) {
		t.Errorf("%d still to fill, want %d", n, total-len(done))
	}

	// the grid: every empty row filled, then "Salva e invia tutto" with the drafts
	load(200, chromedp.Click(chromedp.CSS(`a[href*="/misurazioni/griglia"]`)))
	filled := eval[int](t, ctx, `(() => { let n = 0;
		for (const k of document.querySelectorAll('input[name$=".chiave"]')) {
			const p = k.name.replace('chiave', ''), f = k.form.elements;
			if (f[p + 'na'] && f[p + 'na'].checked) continue;
			const sel = f[p + 'valore'];
			const texts = [...k.form.querySelectorAll('input[type=text][name^="' + p + '"]')].filter(e => !e.name.endsWith('motivo'));
			if (sel && sel.tagName === 'SELECT') { if (sel.value === '') { sel.value = 'SI'; n++ } continue }
			if (texts.every(e => e.value === '')) { texts.forEach(e => e.value = '1'); n++ }
		}
		return n })()`)
	if filled != total-len(done) {
		t.Errorf("%d rows filled in the grid, want %d", filled, total-len(done))
	}
	load(200, chromedp.Click(chromedp.CSS(`button[value=invia]`)))
	confirm := eval[string](t, ctx, `document.getElementById('conferma-invio')?.innerText ?? ''`)
	if !strings.Contains(confirm, "bozze già salvate") {
		t.Fatalf("no count before sending: %q (at %s)", confirm, where(ctx))
	}
	load(200, chromedp.Click(chromedp.CSS(`button[value=invia-confermato]`)))
	if msg := eval[string](t, ctx, `document.querySelector('[role=status]')?.innerText ?? ''`); !strings.Contains(msg, "salvate e inviate al Segretario Generale") {
		t.Errorf("outcome: %q (at %s)", msg, where(ctx))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/misurazioni?periodo=2024-midyear")); err != nil {
		t.Fatal(err)
	}
	loads++
	check()
	if n := eval[int](t, ctx, `[...document.querySelectorAll('td .piao-status')].filter(e => e.innerText.includes('Inviata')).length`); n != total {
		t.Errorf("%d indicators sent, want %d", n, total)
	}
	var files int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM measurement_attachments WHERE filename = 'registro.pdf'`).Scan(&files); err != nil || files != 1 {
		t.Errorf("%d attachments stored, want 1 (%v)", files, err)
	}
	t.Logf("steps (click to new page):\n%s", strings.Join(steps, "\n"))
	t.Logf("%d indicators reported with %d page loads; the %d timed steps took %d ms in all", total, loads, len(steps), stepTotal.Milliseconds())
	if float64(loads) > 1.2*float64(total) {
		t.Errorf("%d page loads for %d indicators: more than 1.2 × the indicators", loads, total)
	}
}

// TestBrowserExpiredSessionKeepsTypedValues: the session ends while the
// dirigente types; "Salva" leads to sign-in and back to the form, filled.
func TestBrowserExpiredSessionKeepsTypedValues(t *testing.T) {
	h, pool := newApp(t)
	addUser(t, pool, "dir.promozione", auth.Dirigente, "dir-prm")
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "expired-session")
	signIn := func() {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("username"), "dir.promozione"),
			chromedp.SendKeys(chromedp.ID("password"), testPassword)); err != nil {
			t.Fatal(err)
		}
		loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/accedi")); err != nil {
		t.Fatal(err)
	}
	signIn()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/misurazioni/O.3.3.1/1?periodo=2024-midyear"),
		chromedp.SendKeys(chromedp.ID("valore"), "1.234,5"), chromedp.SendKeys(chromedp.ID("nota"), "Dal registro delle mediazioni")); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(t.Context(), `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`button[value=salva]`)))
	if p := eval[string](t, ctx, `location.pathname`); p != "/accedi" {
		t.Fatalf("after the expired save: %s", where(ctx))
	}
	if txt := eval[string](t, ctx, `document.querySelector('main').innerText`); !strings.Contains(txt, "La sessione è scaduta") {
		t.Errorf("the sign-in page does not say why: %q", txt)
	}
	signIn()
	if p := eval[string](t, ctx, `location.pathname`); p != planPath+"/misurazioni/O.3.3.1/1" {
		t.Fatalf("after sign-in: %s", where(ctx))
	}
	if v := eval[string](t, ctx, `document.getElementById('valore').value + '|' + document.getElementById('nota').value`); v != "1.234,5|Dal registro delle mediazioni" {
		t.Errorf("restored values: %q", v)
	}
	if !eval[bool](t, ctx, `!!document.getElementById('ripristinato')`) {
		t.Error("no notice of the restore")
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`button[value=salva]`)))
	if msg := eval[string](t, ctx, `document.querySelector('[role=status]')?.innerText ?? ''`); !strings.Contains(msg, "Misurazione salvata") {
		t.Errorf("save after the restore: %q (at %s)", msg, where(ctx))
	}
}

// browserFor is browser with a longer deadline for the whole test.
func browserFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		var err error
		if path, err = exec.LookPath("chromium"); err != nil {
			t.Fatal("chromium not found: install Debian's chromium package (make e2e does) or set CHROMIUM")
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, d)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

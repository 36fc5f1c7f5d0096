//go:build browser

package server_test

import (
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/auth"
)

// TestBrowserAdminReadsPublishedPIAO: with a revision open, the administrator
// uploads the published PIAO and lands on its review: every objective read,
// the uncertain cells marked "Da verificare" beside their source text, no
// horizontal scroll at 390 px. He corrects a title and creates the draft,
// which the editor then shows with the uncertain cells listed; both pages
// pass axe-core.
func TestBrowserAdminReadsPublishedPIAO(t *testing.T) {
	h, pool := newApp(t)
	addUserAs(t, pool, "admin", "Amministratore (account dimostrativo)", auth.Admin, "")
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "admin-published")
	flush := consoleErrors(t, ctx)
	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/accedi"),
		chromedp.SendKeys(chromedp.ID("username"), "admin"), chromedp.SendKeys(chromedp.ID("password"), testPassword))
	if err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath+"/modifica")); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("rev-etichetta"), "Dal PIAO pubblicato"),
		chromedp.SendKeys(chromedp.ID("rev-vigore"), "01/07/2024"),
		chromedp.SendKeys(chromedp.ID("motivo"), "Lettura del documento pubblicato"))
	if err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/modifica/avvia"] button`)))
	doc, err := filepath.Abs("../../docs/reference/piao-2023-2025-cciaa-gran-sasso.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("documento-file"), []string{doc})); err != nil {
		t.Fatal(err)
	}
	if status := loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/modifica/leggi-piao"] button[type=submit]`))); status != 200 {
		t.Fatalf("review page: %d (at %s)", status, where(ctx))
	}
	text := eval[string](t, ctx, `document.querySelector('main').innerText`)
	for _, w := range []string{"Revisione del PIAO letto", "Da verificare", "Obiettivo strategico 2.2", "Crea bozza"} {
		if !strings.Contains(text, w) {
			t.Errorf("review page: missing %q", w)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.piao-uncertain mark').length`); n < 20 {
		t.Errorf("only %d uncertain cells marked beside their source text", n)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("axe-core violations on the review:\n%s", strings.Join(v, "\n"))
	}
	// narrow screen: nothing of the review reaches past the viewport (the open
	// objectives included), and the page does not scroll sideways (the header
	// with this account's long name included)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	wide := eval[string](t, ctx, `(() => { document.querySelectorAll('main details').forEach(d => d.open = true);
		const w = document.documentElement.clientWidth;
		return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w + 0.5)
			.slice(0, 10).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ') })()`)
	if wide != "" {
		t.Errorf("the review is wider than 390 px: %s", wide)
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Errorf("the review page scrolls sideways at 390 px: %d px wide", eval[int](t, ctx, `document.documentElement.scrollWidth`))
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	// correct the title of O.3.3.1 and create the draft
	id := eval[string](t, ctx, `[...document.querySelectorAll('input[id$="-codice"]')].find(e => e.value === 'O.3.3.1').id.replace('-codice', '-titolo')`)
	if !eval[bool](t, ctx, `(() => { const d = document.getElementById(`+strconv.Quote(id)+`).closest('details'); d.open = true; return true })()`) {
		t.Fatal("open the objective")
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID(id), "Titolo corretto nella revisione")); err != nil {
		t.Fatal(err)
	}
	if status := loadAfter(t, ctx, submitWith(`main form#revisione button[formaction$="/bozza"]`)); status != 200 {
		t.Fatalf("Crea bozza: %d (at %s)", status, where(ctx))
	}
	text = eval[string](t, ctx, `document.querySelector('main').innerText`)
	for _, w := range []string{"Bozza creata dal documento rivisto", "Punti da rivedere (", "Titolo corretto nella revisione"} {
		if !strings.Contains(text, w) {
			t.Errorf("editor after Crea bozza: missing %q", w)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#punti-incerti ~ div mark').length`); n < 20 {
		t.Errorf("only %d highlighted source cells", n)
	}
	if errs := flush(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("axe-core violations:\n%s", strings.Join(v, "\n"))
	}
}

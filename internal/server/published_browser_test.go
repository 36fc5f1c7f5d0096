//go:build browser

package server_test

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/auth"
)

// TestBrowserAdminReadsPublishedPIAO: with a revision open, the administrator
// uploads the published PIAO; the editor comes back with the objectives in
// the draft and the uncertain cells listed beside their source text, the
// page passing axe-core.
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
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main form[action$="/modifica/leggi-piao"] button[type=submit]`)))
	text := eval[string](t, ctx, `document.querySelector('main').innerText`)
	for _, w := range []string{"Documento letto nella bozza", "Punti da rivedere (", "Obiettivo strategico 2.2", "O.3.3.1"} {
		if !strings.Contains(text, w) {
			t.Errorf("editor after reading: missing %q", w)
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

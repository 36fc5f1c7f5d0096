//go:build browser

package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRelazioneDraftOnPhones: at 390 px the draft's pages (the text
// with its notes, a section's form, the difference of a new generation)
// never scroll sideways and pass axe-core and the Nu HTML checker.
func TestBrowserRelazioneDraftOnPhones(t *testing.T) {
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	draft := refPlan + "/relazione/2023/bozza"
	sg := client(t)
	signIn(t, sg, srv.URL, "segretario", testPassword)
	if res, _ := postForm(t, sg, srv.URL+draft, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	long := strings.Repeat("Unaparolamoltolungasenzaspazicheprovaadallargarelapagina ", 3) + "Testo del Segretario."
	if res, _ := postForm(t, sg, srv.URL+draft+"/sezioni/sintesi", url.Values{"testo": {long}, "versione": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}

	ctx := browser(t)
	defer shot(t, ctx, "relazione-draft-phones")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800),
		chromedp.Navigate(srv.URL+"/accedi"),
		chromedp.SendKeys(chromedp.ID("username"), "segretario"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	for _, path := range []string{draft, draft + "/sezioni/sintesi", draft + "/sezioni/sintesi/rigenera", draft + "/sezioni/contesto-risorse"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
			t.Errorf("%s scrolls sideways at 390px", path)
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s at 390px: axe-core violations:\n%s", path, strings.Join(v, "\n"))
		}
		recordPage(t, ctx)
	}
}

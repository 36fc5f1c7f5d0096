//go:build browser

package server_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
)

// TestBrowserRulesAndValidationHistory: the rules page with its versions per
// year, the OIV page with a corrected validation and the withdrawal form,
// and the transparency page with a withdrawn year: axe-core finds nothing.
func TestBrowserRulesAndValidationHistory(t *testing.T) {
	h, pool := newApp(t)
	for _, a := range seed.DemoAccounts() {
		addUserAs(t, pool, a.Username, a.DisplayName, a.Role, a.Position)
	}
	importFixture(t, pool, true)
	closeFinalOn(t, pool, 2023, "2024-03-01")
	ctx := context.Background()
	st := store.New(pool)
	ph, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	validate2023(t, st, ph)
	v1, err := st.ValidationOf(ctx, ph.ID, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetValidation(ctx, ph, model.Validation{Year: 2023, Outcome: model.ValidatedWithReserve, Notes: "Riserva",
		DecidedOn: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), Correction: "Il verbale ometteva la riserva",
		Document: []byte(minimalPDF), DocumentName: "correzione.pdf", DocumentType: "application/pdf"}, v1.Stamp(), "oiv"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	bctx := browser(t)
	defer shot(t, bctx, "rules-validation-history")
	visit := func(user, path string, wants ...string) {
		t.Helper()
		if user != "" {
			err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/accedi"),
				chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), testPassword))
			if err != nil {
				t.Fatal(err)
			}
			loadAfter(t, bctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
		}
		if _, err := chromedp.RunResponse(bctx, chromedp.Navigate(srv.URL+path)); err != nil {
			t.Fatal(err)
		}
		text := eval[string](t, bctx, `document.querySelector('main').innerText`)
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s: missing %q", path, w)
			}
		}
		if v := axeViolations(t, bctx); len(v) > 0 {
			t.Errorf("%s: axe-core violations:\n%s", path, strings.Join(v, "\n"))
		}
		if user != "" {
			loadAfter(t, bctx, chromedp.Click(chromedp.CSS(`header form[action="/esci"] button`)))
		}
	}
	visit("admin", planPath+"/regole", "versione 1 (in vigore dal 2023)", "Validata: regole non modificabili")
	visit("oiv", planPath+"/oiv", "Storico delle decisioni dell'OIV", "Il verbale ometteva la riserva", "Revoca la validazione")
	v2, err := st.ValidationOf(ctx, ph.ID, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WithdrawValidation(ctx, ph, 2023, v2.Stamp(), "Dati da ricontrollare", "oiv"); err != nil {
		t.Fatal(err)
	}
	visit("", "/trasparenza/cciaa-gran-sasso/piao-2023-2025", "Validazione revocata il", "Dati da ricontrollare")
}

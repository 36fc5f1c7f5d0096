//go:build browser

package server_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/workflow"
)

// TestBrowserNotificationPages: the administrator's outbox page (with a
// notification) and the reserved area's e-mail form pass axe-core; the
// opt-out box is ticked and unticked by keyboard.
func TestBrowserNotificationPages(t *testing.T) {
	h, pool := newApp(t)
	addUserAs(t, pool, "admin", "Amministratore", auth.Admin, "")
	addUserAs(t, pool, "segretario", "Segretario Generale", auth.Segretario, "")
	ctx := context.Background()
	st := store.New(pool)
	hash := testHash(t)
	if _, err := st.CreateUser(ctx, store.NewUser{Ente: "cciaa-gran-sasso", Username: "dir.posta", DisplayName: "Ugo Dirigente",
		Email: "dir.posta@example.it", Role: auth.Dirigente, Position: "dir-prm", PasswordHash: hash}, "test"); err != nil {
		t.Fatal(err)
	}
	dir, _, err := st.Credentials(ctx, "dir.posta")
	if err != nil {
		t.Fatal(err)
	}
	sg, _, err := st.Credentials(ctx, "segretario")
	if err != nil {
		t.Fatal(err)
	}
	ph, err := st.PlanHeader(ctx, "cciaa-gran-sasso", "piao-2023-2025")
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.Period(ctx, ph.ID, 2024, "final")
	if err != nil {
		t.Fatal(err)
	}
	ind, err := st.EntryIndicator(ctx, ph, "O.3.3.1/1", p.Year)
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.SaveEntry(ctx, ph, store.EntryInput{Indicator: ind, Period: p, NotApplicable: true, Reason: "Servizio sospeso", Submit: true}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Transition(ctx, ph, ind, p, e.Version, workflow.Return, "Allegare il verbale", sg); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	bctx := browser(t)
	defer shot(t, bctx, "notifications")
	signInAs := func(username string) {
		if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/accedi"), chromedp.SendKeys(chromedp.ID("username"), username),
			chromedp.SendKeys(chromedp.ID("password"), testPassword)); err != nil {
			t.Fatal(err)
		}
		loadAfter(t, bctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	}
	signInAs("admin")
	if _, err := chromedp.RunResponse(bctx, chromedp.Navigate(srv.URL+"/amministrazione/cciaa-gran-sasso/notifiche")); err != nil {
		t.Fatal(err)
	}
	if body := eval[string](t, bctx, `document.querySelector('main').innerText`); !strings.Contains(body, "Misurazione restituita: indicatore O.3.3.1/1") ||
		!strings.Contains(body, "In coda") {
		t.Errorf("outbox page:\n%s", body)
	}
	if v := axeViolations(t, bctx); len(v) > 0 {
		t.Errorf("outbox page: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	loadAfter(t, bctx, chromedp.Click(chromedp.CSS(`header form[action="/esci"] button`)))

	signInAs("dir.posta")
	if _, err := chromedp.RunResponse(bctx, chromedp.Navigate(srv.URL+"/area-riservata")); err != nil {
		t.Fatal(err)
	}
	if v := axeViolations(t, bctx); len(v) > 0 {
		t.Errorf("reserved area: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	// keyboard: focus the box, Space unticks it, Enter on the button saves
	if err := chromedp.Do(bctx, chromedp.Focus(chromedp.CSS("#notifiche-facoltative")), chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, bctx, `document.getElementById('notifiche-facoltative').checked`) {
		t.Fatal("Space did not untick the box")
	}
	if err := chromedp.Do(bctx, chromedp.Focus(chromedp.CSS(`section[aria-labelledby="notifiche-email"] button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, bctx, chromedp.KeyEvent("\r"))
	if body := eval[string](t, bctx, `document.querySelector('main').innerText`); !strings.Contains(body, "Preferenze delle notifiche salvate.") {
		t.Errorf("after saving:\n%s", body)
	}
	if on, err := st.NotifyOptional(ctx, dir.ID); err != nil || on {
		t.Fatalf("stored preference: %v %v", on, err)
	}
	if v := axeViolations(t, bctx); len(v) > 0 {
		t.Errorf("reserved area after saving: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
}

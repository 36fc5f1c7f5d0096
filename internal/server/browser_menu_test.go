//go:build browser

package server_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// tabTo presses Tab until the focused element matches the CSS selector, at
// most max times; it fails the test when the element is never reached.
func tabTo(t *testing.T, ctx context.Context, selector string, max int) {
	t.Helper()
	for range max {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		if eval[bool](t, ctx, `document.activeElement.matches('`+selector+`')`) {
			return
		}
	}
	t.Fatalf("%d Tabs never reach %s (focus on %q)", max, selector, eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 200)`))
}

// menuOpen tells whether the header menu's links are shown.
func menuOpen(t *testing.T, ctx context.Context) bool {
	return eval[bool](t, ctx, `getComputedStyle(document.getElementById('piao-nav-links')).display !== 'none'`)
}

// TestBrowserMenuOnPhones: at 390 px the header menu is closed behind a
// "Menu" button that opens by keyboard (Enter, Space) and closes with Escape;
// no page scrolls sideways, with the menu open or closed, and each passes
// axe-core's WCAG 2.1 AA and best-practice rules (footer pages included); on a wide screen
// the links show without the button; printing hides the menu.
func TestBrowserMenuOnPhones(t *testing.T) {
	app, _, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "menu-phones")

	const toggle = `.piao-nav-toggle`
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800), chromedp.Navigate(srv.URL+planPath)); err != nil {
		t.Fatal(err)
	}
	if menuOpen(t, ctx) {
		t.Error("at 390px the menu starts open")
	}
	tabTo(t, ctx, toggle, 12)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if !menuOpen(t, ctx) || eval[string](t, ctx, `document.querySelector('`+toggle+`').getAttribute('aria-expanded')`) != "true" {
		t.Error("Enter on the Menu button does not open the menu")
	}
	if got := eval[string](t, ctx, `document.getElementById('piao-nav-links').innerText`); !strings.Contains(got, "Trasparenza") || !strings.Contains(got, "Open data") {
		t.Errorf("public menu: %q", got)
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Error("the plan page scrolls sideways at 390px with the menu open")
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("open menu: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	tabTo(t, ctx, `#piao-nav-links a`, 2) // the links follow the button
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\x1b")); err != nil {
		t.Fatal(err)
	}
	if menuOpen(t, ctx) || !eval[bool](t, ctx, `document.activeElement.matches('`+toggle+`')`) {
		t.Error("Escape does not close the menu and give the focus back to its button")
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	if !menuOpen(t, ctx) {
		t.Error("Space on the Menu button does not open the menu")
	}

	// the segretario's pages at 390 px
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/accedi"),
		chromedp.SendKeys(chromedp.ID("username"), "segretario"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	for _, path := range []string{planPath, planPath + "/obiettivi/O.3.3.1", planPath + "/cruscotto", planPath + "/misurazioni",
		planPath + "/periodi", planPath + "/ritardi", planPath + "/registro", "/opendata", "/trasparenza/cciaa-gran-sasso/piao-2023-2025",
		"/accessibilita", "/privacy", "/note-legali"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		for _, open := range []bool{false, true} {
			if open {
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(toggle))); err != nil {
					t.Fatal(err)
				}
			}
			if menuOpen(t, ctx) != open {
				t.Errorf("%s: menu open %v, want %v", path, !open, open)
			}
			if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
				t.Errorf("%s scrolls sideways at 390px (menu open: %v): %d px wide", path, open, eval[int](t, ctx, `document.documentElement.scrollWidth`))
			}
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s at 390px: axe-core violations (WCAG 2.1 AA and best practice):\n%s", path, strings.Join(v, "\n"))
		}
		if got := eval[string](t, ctx, `document.getElementById('piao-nav-links').innerText`); !strings.Contains(got, "Approvazioni") || !strings.Contains(got, "Registro") {
			t.Errorf("%s: segretario's menu %q", path, got)
		}
	}

	// wide screen: the links, no button
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+planPath+"/cruscotto"), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	if !menuOpen(t, ctx) || eval[bool](t, ctx, `getComputedStyle(document.querySelector('`+toggle+`')).display !== 'none'`) {
		t.Error("at 1280px the menu is not a row of links without its button")
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("cockpit at 1280px: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	// printing leaves the menu out: a print rule of the app's stylesheet hides it
	const printRule = `[...document.styleSheets].some(sh => { try { return [...sh.cssRules].some(r =>
		r instanceof CSSMediaRule && r.media.mediaText === 'print' && [...r.cssRules].some(x =>
			x.selectorText === '.piao-navbar' && x.style.display === 'none')) } catch (e) { return false } })`
	if !eval[bool](t, ctx, printRule) {
		t.Error("no print rule hides the menu")
	}
	// and prints status badges in black on white
	const badgeRule = `[...document.styleSheets].some(sh => { try { return [...sh.cssRules].some(r =>
		r instanceof CSSMediaRule && r.media.mediaText === 'print' && [...r.cssRules].some(x =>
			x.selectorText === '.piao-status' && x.style.color === 'rgb(0, 0, 0)' && x.style.backgroundColor === 'rgb(255, 255, 255)')) } catch (e) { return false } })`
	if !eval[bool](t, ctx, badgeRule) {
		t.Error("no print rule for the status badges")
	}
}

//go:build browser

package server_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/piao-performance/piao/internal/auth"
)

// emulateMedia makes the page render for a CSS media type ("print"; "" for
// the screen again).
func emulateMedia(media string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
}

// TestBrowserTablesAndTreeOnPhones: at 390 px every data table is a list of
// cards whose cells carry their column's header (Target, Valore, Grado all
// on screen, nothing scrolls sideways, not even inside a table's frame),
// the SVG charts give way to their data tables, and the performance tree's
// branches start closed and open from the keyboard; axe-core and the Nu
// HTML checker pass on each page. On a wide screen the tables are tables
// again, the labels hidden.
func TestBrowserTablesAndTreeOnPhones(t *testing.T) {
	app, pool, _ := authApp(t)
	// a long name must not push the header past the screen's edge
	addUserAs(t, pool, "segretario.lungo", "Maria Antonietta Giuseppina Abbondanza-Castelfranchi", auth.Segretario, "")
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := browser(t)
	defer shot(t, ctx, "tables-phones")

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800),
		chromedp.Navigate(srv.URL+"/accedi"),
		chromedp.SendKeys(chromedp.ID("username"), "segretario.lungo"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
	); err != nil {
		t.Fatal(err)
	}
	loadAfter(t, ctx, chromedp.Click(chromedp.CSS(`main button[type=submit]`)))

	// the cells of the tables, as "label|text|right edge|label width" per cell
	const cellsJS = `[...document.querySelectorAll('main table')].map(tb => ({
		stacked: tb.classList.contains('piao-stack'), display: getComputedStyle(tb).display,
		headers: [...(tb.tHead ? tb.tHead.rows[tb.tHead.rows.length-1].cells : [])].map(c => c.textContent.replace(/\s+/g,' ').trim()),
		first: tb.tBodies.length && tb.tBodies[0].rows.length ? [...tb.tBodies[0].rows[0].cells].map(c => {
			const l = c.querySelector('.piao-cell-label');
			return {label: l ? l.textContent : '', shown: l ? l.offsetWidth > 0 : false, hidden: l ? l.getAttribute('aria-hidden') : '',
				right: Math.round(c.getBoundingClientRect().right), span: c.colSpan};
		}) : []}))`
	type cell struct {
		Label  string `json:"label"`
		Shown  bool   `json:"shown"`
		Hidden string `json:"hidden"`
		Right  int    `json:"right"`
		Span   int    `json:"span"`
	}
	type table struct {
		Stacked bool     `json:"stacked"`
		Display string   `json:"display"`
		Headers []string `json:"headers"`
		First   []cell   `json:"first"`
	}
	pages := []string{planPath + "/obiettivi/O.3.3.1", planPath + "/obiettivi/PO.2.1", planPath + "/cruscotto", planPath + "/misurazioni", planPath + "/registro"}
	seenTables := 0
	for _, path := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
			t.Errorf("%s scrolls sideways at 390px", path)
		}
		if n := eval[int](t, ctx, `[...document.querySelectorAll('main .table-responsive')].filter(e => e.scrollWidth > e.clientWidth + 1).length`); n > 0 {
			t.Errorf("%s: %d table frames still scroll sideways at 390px", path, n)
		}
		if n := eval[int](t, ctx, `[...document.querySelectorAll('.piao-chart-svg')].filter(e => e.getClientRects().length > 0).length`); n > 0 {
			t.Errorf("%s: %d SVG charts shown at 390px (their data tables stand for them)", path, n)
		}
		width := eval[int](t, ctx, `window.innerWidth`)
		for i, tb := range eval[[]table](t, ctx, cellsJS) {
			if len(tb.Headers) < 2 || len(tb.First) == 0 {
				continue
			}
			seenTables++
			if !tb.Stacked || tb.Display != "block" {
				t.Errorf("%s table %d (%v): not shown as cards (stacked %v, display %s)", path, i, tb.Headers, tb.Stacked, tb.Display)
				continue
			}
			col := 0
			for _, c := range tb.First {
				if c.Span < len(tb.Headers) && col < len(tb.Headers) {
					if c.Label != tb.Headers[col] || !c.Shown || c.Hidden != "true" {
						t.Errorf("%s table %d column %d: label %q (shown %v, aria-hidden %q), want %q shown and hidden from screen readers",
							path, i, col, c.Label, c.Shown, c.Hidden, tb.Headers[col])
					}
				}
				if c.Right > width+1 {
					t.Errorf("%s table %d column %d: cell ends at %d px, beyond the %d px screen", path, i, col, c.Right, width)
				}
				col += max(c.Span, 1)
			}
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('main table [role], main table[role]').length`); n > 0 {
			t.Errorf("%s: %d ARIA roles inside tables (HTML forbids them on rows and cells)", path, n)
		}
		if v := axeViolations(t, ctx); len(v) > 0 {
			t.Errorf("%s at 390px: axe-core violations:\n%s", path, strings.Join(v, "\n"))
		}
		recordPage(t, ctx)
	}
	if seenTables < 5 {
		t.Errorf("only %d data tables with rows on %d pages: the check saw too little", seenTables, len(pages))
	}

	// the plan page: the tree's branches closed, opened with the keyboard
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+planPath), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('details.piao-tree-kids').length`); n < 5 {
		t.Fatalf("%d branches in the performance tree", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('details.piao-tree-kids[open]').length`); n != 0 {
		t.Errorf("%d tree branches open at 390px, want all closed", n)
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Error("the plan page scrolls sideways at 390px")
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`details.piao-tree-kids > summary`)), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, ctx, `(() => { const d = document.querySelector('details.piao-tree-kids'); return d.open && d.querySelector('a').offsetWidth > 0 })()`) {
		t.Error("Enter on a branch's summary does not show its objectives")
	}
	if v := axeViolations(t, ctx); len(v) > 0 {
		t.Errorf("plan page at 390px: axe-core violations:\n%s", strings.Join(v, "\n"))
	}
	recordPage(t, ctx)

	// wide screen: tables again, labels hidden
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+pages[0]), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, ctx, `[...document.querySelectorAll('main table.piao-stack')].every(tb => getComputedStyle(tb).display === 'table')`) {
		t.Error("at 1280px the tables are not plain tables")
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll('.piao-cell-label')].filter(e => e.offsetWidth > 0).length`); n != 0 {
		t.Errorf("%d cell labels shown at 1280px", n)
	}

	// printed (objective page, dashboard, worklist): no menu or buttons,
	// whole tables, status badges black on white with a border
	// (no actuals here: the objective page has no badge, the others do)
	for _, path := range []string{pages[0], planPath + "/cruscotto", planPath + "/misurazioni"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS(`main`)),
			emulateMedia("print")); err != nil {
			t.Fatal(err)
		}
		type printState struct {
			Badges, BadBadges, Buttons, Scrolling int
			Nav                                   string
		}
		p := eval[printState](t, ctx, `(() => {
			const shown = e => e.getClientRects().length > 0;
			const badges = [...document.querySelectorAll('main .piao-status')].filter(shown);
			return {
				Badges: badges.length,
				BadBadges: badges.filter(b => { const s = getComputedStyle(b); return s.color !== 'rgb(0, 0, 0)' || s.backgroundColor !== 'rgb(255, 255, 255)' || s.borderTopStyle !== 'solid'; }).length,
				Buttons: [...document.querySelectorAll('main .btn')].filter(shown).length,
				Scrolling: [...document.querySelectorAll('main .table-responsive')].filter(e => getComputedStyle(e).overflowX !== 'visible').length,
				Nav: getComputedStyle(document.querySelector('.piao-navbar')).display,
			}; })()`)
		if (p.Badges == 0 && path != pages[0]) || p.BadBadges > 0 || p.Buttons > 0 || p.Scrolling > 0 || p.Nav != "none" {
			t.Errorf("%s printed: %d status badges (%d not black on white with a border), %d buttons, %d table frames cut, menu display %q",
				path, p.Badges, p.BadBadges, p.Buttons, p.Scrolling, p.Nav)
		}
		if err := chromedp.Do(ctx, emulateMedia("")); err != nil {
			t.Fatal(err)
		}
	}
}

//go:build browser

package server_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// loadAfter runs actions that leave the page (a click on a submit button or a
// link, Enter in a form) and waits until the next document has loaded; it
// returns that document's HTTP status. It marks the old document and polls
// until a new one has loaded, instead of chromedp.RunResponse. In about one
// full run of the suite out of three a mouse click at a button's computed
// coordinates reached no form (no submit event, the page stayed): the marker
// also records whether a form was submitted or a link followed, and actions
// that started neither within 5 s are run again (at most twice) — safe,
// since nothing was sent. On failure it says where the browser is.
func loadAfter(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	const mark = `window.__piaoLeaving = true; window.__piaoSent = false;
		if (!window.__piaoWatch) {
			window.__piaoWatch = true;
			addEventListener('submit', () => { window.__piaoSent = true }, true);
			addEventListener('click', e => { if (e.target.closest && e.target.closest('a[href]')) window.__piaoSent = true }, true);
			addEventListener('pagehide', () => { window.__piaoSent = true }, true);
		}
		true`
	// -2: still the old page, nothing sent; -1: old page, leaving; else the new page's status
	const state = `window.__piaoLeaving !== true
		? (document.readyState === 'complete' ? (performance.getEntriesByType('navigation')[0]?.responseStatus ?? 0) : -1)
		: (window.__piaoSent ? -1 : -2)`
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for attempt := 1; ; attempt++ {
		if _, err := chromedp.Run(wctx, chromedp.Evaluate[bool](mark)); err != nil {
			t.Fatalf("mark the page: %v", err)
		}
		for _, a := range actions {
			if _, err := chromedp.Run(wctx, a); err != nil {
				t.Fatalf("action: %v (at %s)", err, where(ctx))
			}
		}
		idle := time.Now().Add(5 * time.Second)
	poll:
		for {
			// evaluation fails while the old document is torn down: poll again
			status, err := chromedp.Run(wctx, chromedp.Evaluate[int64](state))
			switch {
			case err == nil && status >= 0:
				recordPage(t, ctx)
				return status
			case err == nil && status == -2 && time.Now().After(idle) && attempt < 3:
				t.Logf("attempt %d reached no form or link within 5 s: running it again", attempt)
				break poll
			}
			select {
			case <-wctx.Done():
				t.Fatalf("no new page loaded within 60 s (at %s)", where(ctx))
			case <-tick.C:
			}
		}
	}
}

// where describes the browser's current page for a failure message.
func where(ctx context.Context) string {
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(dctx, chromedp.Evaluate[string](
		`location.href + ' — ' + (document.querySelector('main')?.innerText ?? '').slice(0, 1500)`))
	if err != nil {
		return "unknown page: " + err.Error()
	}
	return s
}

// submitWith submits the form of the button sel as that button would
// (form.requestSubmit(button)), without a mouse: for a button at the top of
// a long page that takes the focus on load (the grid's confirmation), where a
// click at coordinates computed before the autofocus scroll can miss it.
func submitWith(sel string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		js := `(() => { const b = document.querySelector(` + strconv.Quote(sel) + `);
			if (!b || !b.form) return false; b.form.requestSubmit(b); return true })()`
		ok, err := chromedp.Evaluate[bool](js)(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("no submit button %s in a form", sel)
		}
		return chromedp.Void{}, err
	}
}

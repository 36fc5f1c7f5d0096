package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// testEnteLegal: an ente with no texts reads as version 0; of two first saves
// racing from version 0 exactly one wins; a save from the current version
// moves it on, one audit event each.
func testEnteLegal(t *testing.T, ref testfix.Ref) {
	st, ctx := ref.Store, context.Background()
	const slug = "cciaa-testi-legali"
	if err := st.CreateEnte(ctx, testfixEnte(slug), "test"); err != nil {
		t.Fatal(err)
	}
	id, err := st.EnteID(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := st.EnteLegal(ctx, id); err != nil || l.Version != 0 || l.Privacy != "" {
		t.Fatalf("before any save: %+v %v", l, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.SaveEnteLegal(ctx, id, slug, model.EnteLegal{Privacy: "testo " + string(rune('A'+i))}, 0, "test")
		}()
	}
	wg.Wait()
	stale := 0
	for _, err := range errs {
		if errors.Is(err, store.ErrLegalChanged) {
			stale++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if stale != 1 {
		t.Fatalf("two saves from version 0: %d refused, want 1 (%v)", stale, errs)
	}
	if err := st.SaveEnteLegal(ctx, id, slug, model.EnteLegal{Conformity: "conforme", LegalNotes: "Note"}, 1, "test"); err != nil {
		t.Fatal(err)
	}
	l, err := st.EnteLegal(ctx, id)
	if err != nil || l.Version != 2 || l.Conformity != "conforme" || l.LegalNotes != "Note" || l.Privacy != "" {
		t.Fatalf("after two saves: %+v %v", l, err)
	}
	if ev := auditRows(t, st, store.AuditFilter{Action: "ente.legal", Object: slug}); len(ev) != 2 {
		t.Fatalf("audit events: %d, want 2", len(ev))
	}
}

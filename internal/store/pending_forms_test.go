package store_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// A kept form comes back once, only on its own path; one too large is not kept.
func TestPendingFormsAreTakenOnce(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	st, ctx := ref.Store, t.Context()
	form := url.Values{"valore": {"1.234,5"}, "nota": {"Dal registro"}}
	token, err := st.KeepForm(ctx, "/a", form)
	if err != nil || len(token) < 30 {
		t.Fatalf("keep: %q %v", token, err)
	}
	if _, err := st.TakeForm(ctx, token, "/b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("taken on another path: %v", err)
	}
	got, err := st.TakeForm(ctx, token, "/a")
	if err != nil || got.Get("valore") != "1.234,5" || got.Get("nota") != "Dal registro" {
		t.Fatalf("take: %v %v", got, err)
	}
	if _, err := st.TakeForm(ctx, token, "/a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("taken twice: %v", err)
	}
	if _, err := st.KeepForm(ctx, "/a", url.Values{"nota": {strings.Repeat("x", store.MaxPendingForm)}}); !errors.Is(err, store.ErrFormTooLarge) {
		t.Errorf("too large a form kept: %v", err)
	}
}

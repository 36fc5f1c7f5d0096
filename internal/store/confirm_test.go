package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

func testMeasurementsOf(t *testing.T, ref testfix.Ref) {
	st, ctx := ref.Store, context.Background()
	cases := []struct {
		name       string
		keys, objs []string
		want       int
	}{
		{"nothing removed", nil, nil, 0},
		{"one indicator, both periods", []string{"O.3.3.1/1"}, nil, 2},
		{"two indicators", []string{"1.1/1", "1.1/2"}, nil, 3},
		{"an objective: every indicator", nil, []string{"O.3.3.1"}, 14},
		{"an objective and one of its indicators count once", []string{"O.3.3.1/1"}, []string{"O.3.3.1"}, 14},
		{"indicator and objective elsewhere", []string{"1.1/1"}, []string{"O.3.3.1"}, 16},
		{"a derived indicator has none", []string{"PO.2.1/1"}, nil, 0},
		{"unknown keys", []string{"X/1"}, []string{"X"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := st.MeasurementsOf(ctx, ref.Plan.ID, c.keys, c.objs)
			if err != nil {
				t.Fatal(err)
			}
			if n != c.want {
				t.Errorf("got %d, want %d", n, c.want)
			}
		})
	}
	t.Run("another plan", func(t *testing.T) {
		n, err := st.MeasurementsOf(ctx, ref.Plan.ID+1000, []string{"O.3.3.1/1"}, nil)
		if err != nil || n != 0 {
			t.Errorf("got %d, %v", n, err)
		}
	})
}

func TestDraftEdits(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	count := func(t *testing.T, want int) {
		t.Helper()
		n, err := st.DraftEdits(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("draft edits %d, want %d", n, want)
		}
	}
	draft := model.Draft{Label: "Aggiornamento di prova", InForceFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Reason: "prova"}
	save := func(t *testing.T) {
		t.Helper()
		d, err := st.DraftOf(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveDraft(ctx, h, d.Doc, d.Version, map[string]any{"what": "test"}, "admin"); err != nil {
			t.Fatal(err)
		}
	}
	count(t, 0)
	if err := st.StartDraft(ctx, h, draft, "admin"); err != nil {
		t.Fatal(err)
	}
	count(t, 0)
	save(t)
	save(t)
	count(t, 2)
	d, err := st.DraftOf(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DiscardDraft(ctx, h, d.Version, "admin"); err != nil {
		t.Fatal(err)
	}
	// a new draft starts from zero: the earlier edits were lost with the discarded one
	if err := st.StartDraft(ctx, h, draft, "admin"); err != nil {
		t.Fatal(err)
	}
	count(t, 0)
	save(t)
	count(t, 1)
}

func TestUserDisableImpact(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	addUser(t, st, "segretario", auth.Segretario, "")
	addUser(t, st, "dir.promozione", auth.Dirigente, "dir-prm")
	addUser(t, st, "referente.promozione", auth.Referente, "dir-prm")
	addUser(t, st, "dir.economico", auth.Dirigente, "dir-ef")
	addUser(t, st, "admin", auth.Admin, "")
	p := period(t, st, h, 2024, "midyear")
	enter(t, st, h, p, "O.3.3.1/1", 10, false, auth.User{Username: "referente.promozione", Role: auth.Referente})
	enter(t, st, h, p, "O.3.3.1/2", 20, true, auth.User{Username: "dir.promozione", Role: auth.Dirigente})
	enter(t, st, h, p, "O.3.3.1/3", 30, true, auth.User{Username: "dir.promozione", Role: auth.Dirigente})

	type impact struct {
		role                                     auth.Role
		position                                 string
		othersRole, othersPos, objectives, indic int
		drafts, submitted, awaiting              int
	}
	cases := []struct {
		user string
		want impact
	}{
		{"dir.promozione", impact{auth.Dirigente, "Dirigente Area Promozione e Regolazione del Mercato", 1, 1, 24, 42, 0, 2, 0}},
		{"referente.promozione", impact{auth.Referente, "Dirigente Area Promozione e Regolazione del Mercato", 0, 1, 24, 42, 1, 0, 0}},
		{"dir.economico", impact{auth.Dirigente, "Dirigente Area Economico-Finanziaria", 1, 0, 21, 24, 0, 0, 0}},
		{"segretario", impact{auth.Segretario, "", 0, 0, 0, 0, 0, 0, 2}},
		{"admin", impact{auth.Admin, "", 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.user, func(t *testing.T) {
			u, err := st.UserDisableImpact(ctx, testfix.Ente, c.user)
			if err != nil {
				t.Fatal(err)
			}
			got := impact{u.Role, u.Position, u.OthersWithRole, u.OthersOnPosition, u.Objectives, u.Indicators, u.Drafts, u.Submitted, u.AwaitingApproval}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
			if u.Username != c.user || !u.Active || u.UserID == 0 || u.DisplayName != "Utente "+c.user {
				t.Errorf("account %+v", u)
			}
		})
	}
	t.Run("a disabled colleague is not someone who carries on", func(t *testing.T) {
		if err := st.SetActive(ctx, "referente.promozione", false, "admin"); err != nil {
			t.Fatal(err)
		}
		u, err := st.UserDisableImpact(ctx, testfix.Ente, "dir.promozione")
		if err != nil {
			t.Fatal(err)
		}
		if u.OthersOnPosition != 0 {
			t.Errorf("others on position %d, want 0", u.OthersOnPosition)
		}
		d, err := st.UserDisableImpact(ctx, testfix.Ente, "referente.promozione")
		if err != nil || d.Active {
			t.Errorf("disabled account: %+v %v", d, err)
		}
	})
	for _, c := range []struct{ name, ente, user string }{
		{"unknown user", testfix.Ente, "nessuno"},
		{"unknown ente", "nessun-ente", "segretario"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := st.UserDisableImpact(ctx, c.ente, c.user); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("err %v, want ErrNotFound", err)
			}
		})
	}
}

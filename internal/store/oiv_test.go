package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

func testObservations(t *testing.T, ref testfix.Ref) {
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	add := func(year int, objective, indicator, body string) (int64, error) {
		return st.AddObservation(ctx, h, model.Observation{Year: year, Objective: objective, Indicator: indicator, Body: body}, "oiv")
	}
	// added out of plan order: the reading puts them in objective order
	for _, o := range []model.Observation{
		{Year: 2023, Objective: "O.3.3.1", Indicator: "O.3.3.1/2", Body: "Ispezioni sotto il target"},
		{Year: 2023, Objective: "O.3.3.1", Body: "Obiettivo nel complesso raggiunto"},
		{Year: 2023, Objective: "1.1", Body: "Nessun rilievo"},
		{Year: 2024, Objective: "1.1", Body: "Anno successivo"},
	} {
		if _, err := add(o.Year, o.Objective, o.Indicator, o.Body); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
	}
	t.Run("a year's observations in objective order", func(t *testing.T) {
		os, err := st.Observations(ctx, h.ID, 2023)
		if err != nil {
			t.Fatal(err)
		}
		want := [][3]string{{"1.1", "", "Nessun rilievo"}, {"O.3.3.1", "", "Obiettivo nel complesso raggiunto"}, {"O.3.3.1", "O.3.3.1/2", "Ispezioni sotto il target"}}
		if len(os) != len(want) {
			t.Fatalf("%+v", os)
		}
		for i, w := range want {
			if o := os[i]; o.Objective != w[0] || o.Indicator != w[1] || o.Body != w[2] || o.Author != "oiv" || o.Year != 2023 || o.ID == 0 {
				t.Errorf("%d: %+v", i, o)
			}
		}
		if os, err := st.Observations(ctx, h.ID, 2025); err != nil || len(os) != 0 {
			t.Errorf("2025: %+v %v", os, err)
		}
	})
	t.Run("audited", func(t *testing.T) {
		ev := auditRows(t, st, store.AuditFilter{Action: "oiv.observation"})
		if len(ev) != 4 || ev[3].ObjectKey != "cciaa-gran-sasso/piao-2023-2025 2023 O.3.3.1/2" || ev[2].ObjectKey != "cciaa-gran-sasso/piao-2023-2025 2023 O.3.3.1" ||
			!strings.Contains(ev[3].Detail, "Ispezioni sotto il target") {
			t.Errorf("%+v", ev)
		}
	})
	for _, c := range []struct{ name, objective, indicator string }{
		{"unknown objective", "9.9", ""},
		{"indicator of another objective", "O.3.3.1", "1.1/1"},
		{"unknown indicator", "O.3.3.1", "O.3.3.1/99"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := add(2023, c.objective, c.indicator, "x"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("err %v, want ErrNotFound", err)
			}
			if n := len(auditRows(t, st, store.AuditFilter{Action: "oiv.observation"})); n != 4 {
				t.Errorf("%d events after a refusal", n)
			}
		})
	}
	t.Run("observable items: each objective then its indicators", func(t *testing.T) {
		items, err := st.ObservableItems(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 51+88 {
			t.Fatalf("%d items, want 139", len(items))
		}
		if items[0].Objective != "1.1" || items[0].Indicator != "" || items[1].Indicator != "1.1/1" || items[2].Indicator != "1.1/2" ||
			items[3].Objective != "C.1.1" || items[3].Indicator != "" || items[1].Title != "Rilievi formulati dall'OIV sulle pubblicazioni" {
			t.Errorf("%+v", items[:4])
		}
	})
}

func TestValidations(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	today := romeToday()
	valid := func(outcome, correction string) model.Validation {
		return model.Validation{Year: 2023, Outcome: outcome, DecidedOn: today, ActReference: "Verbale OIV n. 3/2024", Notes: "nota",
			DocumentName: "validazione.pdf", DocumentType: "application/pdf", Document: []byte("%PDF-1.4 " + outcome), Correction: correction}
	}
	final23 := period(t, st, h, 2023, "final")
	published := func(t *testing.T) int64 {
		t.Helper()
		u, err := st.PublishedUpdate(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u.UnixMicro()
	}

	t.Run("completeness of each year's final period", func(t *testing.T) {
		cs, err := st.YearsCompleteness(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 3 {
			t.Fatalf("%+v", cs)
		}
		c := cs[2023]
		if c.Expected != 84 || c.Approved != 82 || c.NotApplicable != 2 || c.Missing != 0 || c.ClosedAt == nil || !c.Complete() {
			t.Errorf("2023 %+v", c)
		}
		c = cs[2024]
		if c.Expected != 84 || c.Missing != 84 || c.ClosedAt != nil || c.Complete() || c.EndsOn.Format("2006-01-02") != "2024-12-31" {
			t.Errorf("2024 %+v", c)
		}
	})
	t.Run("published update before any decision: the year's closing", func(t *testing.T) {
		if got := published(t); got != final23.ClosedAt.UnixMicro() {
			t.Errorf("published update %d, want the close %d", got, final23.ClosedAt.UnixMicro())
		}
	})
	t.Run("refusals before a decision", func(t *testing.T) {
		open := valid(model.Validated, "")
		open.Year = 2024
		early, late := valid(model.Validated, ""), valid(model.Validated, "")
		early.DecidedOn = today.AddDate(0, 0, -1)
		late.DecidedOn = today.AddDate(0, 0, 1)
		noYear := valid(model.Validated, "")
		noYear.Year = 2030
		for _, c := range []struct {
			name string
			v    model.Validation
			seen string
			want error
		}{
			{"open year", open, "", store.ErrYearOpen},
			{"year outside the plan", noYear, "", store.ErrYearOpen},
			{"seen a decision that is not there", valid(model.Validated, ""), "123", store.ErrValidationChanged},
		} {
			if err := st.SetValidation(ctx, h, c.v, c.seen, "oiv"); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		for _, v := range []model.Validation{early, late} {
			var de *store.ValidationDateError
			if err := st.SetValidation(ctx, h, v, "", "oiv"); !errors.As(err, &de) || !de.ClosedOn.Equal(today) {
				t.Errorf("decided on %s: %v", v.DecidedOn.Format("02/01/2006"), err)
			}
		}
		if _, err := st.ValidationOf(ctx, h.ID, 2023); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a refused decision was stored: %v", err)
		}
		if n := len(auditRows(t, st, store.AuditFilter{Action: "oiv."})); n != 0 {
			t.Errorf("%d oiv events after refusals", n)
		}
	})
	var first model.Validation
	t.Run("validate", func(t *testing.T) {
		if err := st.SetValidation(ctx, h, valid(model.ValidatedWithReserve, ""), "", "oiv"); err != nil {
			t.Fatal(err)
		}
		v, err := st.ValidationOf(ctx, h.ID, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if v.Outcome != model.ValidatedWithReserve || !v.DecidedOn.Equal(today) || v.Author != "oiv" || !v.Public || !v.Current() ||
			v.ActReference != "Verbale OIV n. 3/2024" || len(v.SHA256) != 64 || v.DocumentSize != 0 {
			t.Errorf("%+v", v)
		}
		d, err := st.ValidationDocument(ctx, h.ID, 2023)
		if err != nil || d.ID != v.ID || d.DocumentSize != int64(len("%PDF-1.4 "+model.ValidatedWithReserve)) || d.DocumentName != "validazione.pdf" {
			t.Errorf("document %+v %v", d, err)
		}
		ev := lastAudit(t, st, "oiv.validation")
		if ev.Action != "oiv.validation" || ev.ObjectKey != "cciaa-gran-sasso/piao-2023-2025 2023" || ev.Reason != "nota" ||
			!strings.Contains(ev.Detail, `"expected": 84`) || !strings.Contains(ev.Detail, v.SHA256) {
			t.Errorf("audit %+v", ev)
		}
		if got := published(t); got != v.CreatedAt.UnixMicro() {
			t.Errorf("published update %d, want the decision's %d", got, v.CreatedAt.UnixMicro())
		}
		first = v
	})
	t.Run("a second decision is a correction and needs its reason", func(t *testing.T) {
		if err := st.SetValidation(ctx, h, valid(model.Validated, ""), "", "oiv"); !errors.Is(err, store.ErrValidationChanged) {
			t.Errorf("without the stamp: %v", err)
		}
		if err := st.SetValidation(ctx, h, valid(model.Validated, ""), first.Stamp(), "oiv"); !errors.Is(err, store.ErrCorrectionReason) {
			t.Errorf("without a reason: %v", err)
		}
		if err := st.SetValidation(ctx, h, valid(model.NotValidated, "riserva non sciolta"), first.Stamp(), "oiv"); err != nil {
			t.Fatal(err)
		}
		ev := lastAudit(t, st, "oiv.validation")
		if ev.Action != "oiv.validation.correct" || ev.Reason != "riserva non sciolta" || !strings.Contains(ev.Detail, model.ValidatedWithReserve) {
			t.Errorf("audit %+v", ev)
		}
	})
	t.Run("history and current decisions", func(t *testing.T) {
		for _, public := range []bool{false, true} {
			hist, err := st.ValidationHistory(ctx, h.ID, public)
			if err != nil {
				t.Fatal(err)
			}
			hs := hist[2023]
			if len(hist) != 1 || len(hs) != 2 || hs[0].ID != first.ID || hs[0].EndKind != model.EndCorrected || hs[0].EndReason != "riserva non sciolta" ||
				hs[0].EndedBy != "oiv" || hs[0].Current() || hs[1].Outcome != model.NotValidated || !hs[1].Current() {
				t.Errorf("public %v: %+v", public, hist)
			}
		}
		vs, err := st.Validations(ctx, h.ID)
		if err != nil || len(vs) != 1 || vs[2023].Outcome != model.NotValidated {
			t.Errorf("current %+v %v", vs, err)
		}
		// not validated: nothing to publish
		if ys, err := st.ValidatedYears(ctx, h.ID); err != nil || len(ys) != 0 {
			t.Errorf("validated years %+v %v", ys, err)
		}
		old, err := st.ValidationDecision(ctx, h.ID, 2023, first.ID)
		if err != nil || old.Outcome != model.ValidatedWithReserve || old.EndKind != model.EndCorrected || old.DocumentSize == 0 {
			t.Errorf("the corrected decision %+v %v", old, err)
		}
		for _, c := range []struct {
			year int
			id   int64
		}{{2024, first.ID}, {2023, -1}} {
			if _, err := st.ValidationDecision(ctx, h.ID, c.year, c.id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("decision %d of %d: %v", c.id, c.year, err)
			}
		}
	})
	t.Run("validated years list the validated ones", func(t *testing.T) {
		cur, err := st.ValidationOf(ctx, h.ID, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetValidation(ctx, h, valid(model.Validated, "nuovo esame"), cur.Stamp(), "oiv"); err != nil {
			t.Fatal(err)
		}
		ys, err := st.ValidatedYears(ctx, h.ID)
		if err != nil || len(ys) != 1 || ys[2023].Outcome != model.Validated || !ys[2023].Public {
			t.Errorf("validated years %+v %v", ys, err)
		}
	})
	t.Run("withdraw", func(t *testing.T) {
		cur, err := st.ValidationOf(ctx, h.ID, 2023)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.WithdrawValidation(ctx, h, 2023, cur.Stamp(), "", "oiv"); !errors.Is(err, store.ErrCorrectionReason) {
			t.Errorf("without a reason: %v", err)
		}
		if err := st.WithdrawValidation(ctx, h, 2023, first.Stamp(), "errore", "oiv"); !errors.Is(err, store.ErrValidationChanged) {
			t.Errorf("from a stale form: %v", err)
		}
		if err := st.WithdrawValidation(ctx, h, 2023, cur.Stamp(), "documento sbagliato", "oiv"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ValidationOf(ctx, h.ID, 2023); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("still current: %v", err)
		}
		if ys, err := st.ValidatedYears(ctx, h.ID); err != nil || len(ys) != 0 {
			t.Errorf("validated years %+v %v", ys, err)
		}
		hist, err := st.ValidationHistory(ctx, h.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		hs := hist[2023]
		if len(hs) != 3 || hs[2].EndKind != model.EndWithdrawn || hs[2].EndReason != "documento sbagliato" {
			t.Errorf("history %+v", hs)
		}
		ev := lastAudit(t, st, "oiv.validation")
		if ev.Action != "oiv.validation.withdraw" || ev.Reason != "documento sbagliato" {
			t.Errorf("audit %+v", ev)
		}
		if got := published(t); got != hs[2].EndedAt.UnixMicro() {
			t.Errorf("published update %d, want the withdrawal %d", got, hs[2].EndedAt.UnixMicro())
		}
		if err := st.WithdrawValidation(ctx, h, 2023, "", "ancora", "oiv"); !errors.Is(err, store.ErrNoValidation) {
			t.Errorf("nothing to withdraw: %v", err)
		}
		if err := st.WithdrawValidation(ctx, h, 2023, cur.Stamp(), "ancora", "oiv"); !errors.Is(err, store.ErrValidationChanged) {
			t.Errorf("withdrawn meanwhile: %v", err)
		}
	})
}

package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
	"github.com/piao-performance/piao/internal/workflow"
)

func testMeasureCatalogue(t *testing.T, ref testfix.Ref) {
	ctx := context.Background()
	h, cat, err := ref.Store.MeasureCatalogue(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if h.ID != ref.Plan.ID || len(cat) != 88 {
		t.Fatalf("plan %d, %d indicators (want 88)", h.ID, len(cat))
	}
	for _, c := range []struct {
		key, formula, unit, inputs string
	}{
		{"O.3.3.1/6", "ratio", "percent", "numerator,denominator"},
		{"O.3.3.1/1", "direct", "count", ""},
		{"PO.2.1/1", "derived", "", ""},
	} {
		t.Run(c.key, func(t *testing.T) {
			in, ok := cat[c.key]
			if !ok {
				t.Fatal("missing")
			}
			if in.Key != c.key || string(in.Formula) != c.formula || (c.unit != "" && in.Unit != c.unit) || strings.Join(in.Inputs, ",") != c.inputs {
				t.Errorf("%+v", in)
			}
		})
	}
	t.Run("unknown plan", func(t *testing.T) {
		if _, _, err := ref.Store.MeasureCatalogue(ctx, testfix.Ente, "piao-1999"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
	})
}

func TestImportMeasurements(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	mid24 := period(t, st, h, 2024, "midyear")
	note := "dal gestionale"
	row := func(line int, key string, v float64) measure.Row {
		return measure.Row{Line: line, Indicator: key, Year: 2024, Period: "midyear", Value: &v}
	}
	ratio := func(line int, num, den float64) measure.Row {
		r := row(line, "O.3.3.1/6", 100*num/den)
		r.Inputs = map[string]float64{"numerator": num, "denominator": den}
		return r
	}
	imp := func(t *testing.T, opt store.ImportOptions, rows ...measure.Row) store.ImportResult {
		t.Helper()
		if opt.Actor == "" {
			opt.Actor = "importatore"
		}
		res, err := st.ImportMeasurements(ctx, testfix.Ente, testfix.Plan, rows, opt)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	entry := func(t *testing.T, key string) (version int, status workflow.Status, value float64, noteText string, demo bool) {
		t.Helper()
		ind, err := st.EntryIndicator(ctx, h, key, 2024)
		if err != nil {
			t.Fatal(err)
		}
		e, err := st.Entry(ctx, ind.ID, mid24.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.Value != nil {
			value = *e.Value
		}
		return e.Version, e.Status, value, e.Note, e.Demo
	}
	withNote := row(1, "O.3.3.1/1", 120)
	withNote.Note = &note

	steps := []struct {
		name                         string
		opt                          store.ImportOptions
		rows                         []measure.Row
		inserted, updated, unchanged int
	}{
		{"new rows are inserted", store.ImportOptions{Status: "submitted"}, []measure.Row{withNote, ratio(2, 9, 10)}, 2, 0, 0},
		{"the same rows change nothing", store.ImportOptions{Status: "submitted"}, []measure.Row{withNote, ratio(2, 9, 10)}, 0, 0, 2},
		{"a file without notes keeps the stored note", store.ImportOptions{Status: "submitted"}, []measure.Row{row(1, "O.3.3.1/1", 120)}, 0, 0, 1},
		{"a changed value and a changed status update", store.ImportOptions{}, []measure.Row{row(1, "O.3.3.1/1", 130), ratio(2, 9, 10)}, 0, 2, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := len(auditRows(t, st, store.AuditFilter{Action: "measurement.import"}))
			res := imp(t, s.opt, s.rows...)
			if res.Inserted != s.inserted || res.Updated != s.updated || res.Unchanged != s.unchanged {
				t.Errorf("result %+v", res)
			}
			after := len(auditRows(t, st, store.AuditFilter{Action: "measurement.import"}))
			if after-before != s.inserted+s.updated {
				t.Errorf("%d measurement.import events, want one per change (%d)", after-before, s.inserted+s.updated)
			}
			sum := lastAudit(t, st, "measurements.import")
			if sum.Actor != "importatore" || !strings.Contains(sum.Detail, `"rows": `+itoa(len(s.rows))) {
				t.Errorf("summary event %+v", sum)
			}
		})
	}
	t.Run("the stored measurement", func(t *testing.T) {
		v, status, value, n, demo := entry(t, "O.3.3.1/1")
		if v != 2 || status != workflow.Approved || value != 130 || n != note || demo {
			t.Errorf("version %d status %s value %v note %q demo %v", v, status, value, n, demo)
		}
		ev := auditRows(t, st, store.AuditFilter{Action: "measurement.import", Object: "O.3.3.1/1 30/06/2024", Limit: 1})[0]
		var d struct {
			Old        struct{ Value float64 } `json:"old"`
			New        struct{ Value float64 } `json:"new"`
			OldVersion int                     `json:"old_version"`
		}
		if err := json.Unmarshal([]byte(ev.Detail), &d); err != nil {
			t.Fatal(err)
		}
		if d.Old.Value != 120 || d.New.Value != 130 || d.OldVersion != 1 {
			t.Errorf("audit detail %s", ev.Detail)
		}
	})
	t.Run("a row in a closed period refuses the whole file", func(t *testing.T) {
		before, err := st.Count(ctx, "measurements")
		if err != nil {
			t.Fatal(err)
		}
		events := len(auditRows(t, st, store.AuditFilter{}))
		closed := measure.Row{Line: 3, Indicator: "O.3.3.1/1", Year: 2023, Period: "final", Value: new(float64)}
		_, err = st.ImportMeasurements(ctx, testfix.Ente, testfix.Plan, []measure.Row{row(2, "3.2/1", 4), closed}, store.ImportOptions{Actor: "importatore"})
		if !errors.Is(err, store.ErrPeriodClosed) {
			t.Fatalf("err %v, want ErrPeriodClosed", err)
		}
		var rowErrs measure.Errors
		if !errors.As(err, &rowErrs) || len(rowErrs) != 1 || rowErrs[0].Line != 3 || rowErrs[0].Column != "period" ||
			!strings.Contains(rowErrs[0].Message, "31/12/2023 è chiuso") {
			t.Errorf("row errors %v", err)
		}
		after, err := st.Count(ctx, "measurements")
		if err != nil {
			t.Fatal(err)
		}
		if after != before || len(auditRows(t, st, store.AuditFilter{})) != events {
			t.Errorf("half saved: %d -> %d measurements", before, after)
		}
	})
	for _, c := range []struct {
		name, plan, status string
		want               error
	}{
		{"unknown status", testfix.Plan, "published", nil},
		{"unknown plan", "piao-1999", "", store.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := st.ImportMeasurements(ctx, testfix.Ente, c.plan, []measure.Row{row(1, "3.2/1", 1)}, store.ImportOptions{Actor: "x", Status: c.status})
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
				t.Errorf("err %v", err)
			}
		})
	}
	t.Run("demo rows, then closing the period they fill", func(t *testing.T) {
		res := imp(t, store.ImportOptions{Status: "draft", Demo: true, ClosePeriods: true}, row(1, "3.2/1", 3))
		if res.Inserted != 1 || len(res.Closed) != 1 || res.Closed[0] != "30/06/2024" || len(res.NotClosed) != 0 {
			t.Errorf("result %+v", res)
		}
		_, status, value, _, demo := entry(t, "3.2/1")
		if status != workflow.Draft || value != 3 || !demo {
			t.Errorf("status %s value %v demo %v", status, value, demo)
		}
		if p := period(t, st, h, 2024, "midyear"); p.ClosedAt == nil {
			t.Error("period left open")
		}
		if ev := lastAudit(t, st, "period.close"); !strings.HasSuffix(ev.ObjectKey, "30/06/2024") || ev.Actor != "importatore" {
			t.Errorf("close event %+v", ev)
		}
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func testSetBehaviour(t *testing.T, ref testfix.Ref) {
	st, h, ctx := ref.Store, ref.Plan, context.Background()
	set := func(role string, year int, score float64) error {
		return st.SetBehaviour(ctx, testfix.Ente, testfix.Plan, role, year, score, "segretario", "colloquio annuale")
	}
	if err := set("dir-prm", 2023, 80); err != nil {
		t.Fatal(err)
	}
	if err := set("dir-ef", 2023, 72.5); err != nil {
		t.Fatal(err)
	}
	if err := set("dir-prm", 2023, 85); err != nil {
		t.Fatal(err)
	}
	got, err := st.Behaviour(ctx, h.ID, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["dir-prm"] != 85 || got["dir-ef"] != 72.5 {
		t.Errorf("2023 scores %v", got)
	}
	if got, err := st.Behaviour(ctx, h.ID, 2024); err != nil || len(got) != 0 {
		t.Errorf("2024 scores %v %v", got, err)
	}
	ev := lastAudit(t, st, "behaviour.set")
	if ev.Actor != "segretario" || ev.ObjectType != "role" || ev.ObjectKey != "cciaa-gran-sasso/piao-2023-2025 dir-prm 2023" ||
		!strings.Contains(ev.Detail, `"old": 80`) || !strings.Contains(ev.Detail, `"new": 85`) {
		t.Errorf("audit %+v", ev)
	}
	for _, c := range []struct {
		name     string
		role     string
		year     int
		score    float64
		notFound bool
	}{
		{"score above 100", "dir-prm", 2023, 100.5, false},
		{"negative score", "dir-prm", 2023, -1, false},
		{"year before the plan", "dir-prm", 2022, 50, false},
		{"year after the plan", "dir-prm", 2026, 50, false},
		{"unknown role", "dir-x", 2023, 50, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(auditRows(t, st, store.AuditFilter{Action: "behaviour.set"}))
			err := set(c.role, c.year, c.score)
			if err == nil || c.notFound != errors.Is(err, store.ErrNotFound) {
				t.Errorf("err %v", err)
			}
			if after := len(auditRows(t, st, store.AuditFilter{Action: "behaviour.set"})); after != before {
				t.Error("a refused score was audited")
			}
		})
	}
	t.Run("unknown plan", func(t *testing.T) {
		if err := st.SetBehaviour(ctx, testfix.Ente, "piao-1999", "sg", 2023, 50, "x", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
	})
	t.Run("boundaries are accepted", func(t *testing.T) {
		if err := set("sg", 2025, 0); err != nil {
			t.Error(err)
		}
		if err := set("sg", 2025, 100); err != nil {
			t.Error(err)
		}
	})
}

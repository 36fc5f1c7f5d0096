package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testdb"
	"github.com/piao-performance/piao/internal/testfix"
)

// An indicator's early-warning mode is stored, scored and exported; the
// automatic mode is omitted from the export (a plan that never sets it
// exports as before: TestExportReferencePlan).
func TestEarlyWarningModeIsStoredAndExported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(testdb.Pool(t))
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]string{}
	set := []string{plan.EarlyWarningNone, plan.EarlyWarningProRata, plan.EarlyWarningTarget}
	for i := range doc.Objectives {
		for j := range doc.Objectives[i].Indicators {
			in := &doc.Objectives[i].Indicators[j]
			if len(modes) < len(set) && in.Formula != plan.FormulaDerived {
				in.EarlyWarning = set[len(modes)]
				modes[in.Key] = in.EarlyWarning
			}
		}
	}
	if _, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	got, err := st.ExportPlan(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range got.Objectives {
		for _, in := range o.Indicators {
			if in.EarlyWarning != modes[in.Key] {
				t.Errorf("%s: exported %q, loaded %q", in.Key, in.EarlyWarning, modes[in.Key])
			}
			if in.EarlyWarning != "" {
				n++
			}
		}
	}
	if n != len(set) {
		t.Errorf("%d indicators exported with a mode, want %d", n, len(set))
	}
	got.State = nil
	if b := string(testfix.MarshalDoc(t, got)); strings.Count(b, `"early_warning"`) != len(set) || strings.Contains(b, `"auto"`) {
		t.Errorf("export carries %d early_warning fields (want %d) or an automatic one", strings.Count(b, `"early_warning"`), len(set))
	}
	h, err := st.PlanHeader(ctx, testfix.Ente, testfix.Plan)
	if err != nil {
		t.Fatal(err)
	}
	snap, _, err := st.Snapshot(ctx, h, 2024, time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range snap.Indicators {
		if in.EarlyWarning != modes[in.Key] {
			t.Errorf("%s: scored with %q, want %q", in.Key, in.EarlyWarning, modes[in.Key])
		}
	}
}

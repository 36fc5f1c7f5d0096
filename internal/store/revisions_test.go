package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/revision"
	"github.com/piao-performance/piao/internal/testfix"
)

// TestReferenceRevisions: the reference plan holds the original version
// (January 2023), rebuilt only from what the October update states, and the
// update; the diff shows exactly the stated changes, and each period is
// scored against the revision in force at its end.
func TestReferenceRevisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := testfix.Reference(t)
	st, h := ref.Store, ref.Plan
	revs, err := st.Revisions(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || !revs[0].Reconstructed || revs[1].Reconstructed || h.RevisionSeq != 2 ||
		revs[0].Label != "Versione originale (gennaio 2023)" || revs[1].Label != h.RevisionLabel {
		t.Fatalf("revisions: %+v (header seq %d)", revs, h.RevisionSeq)
	}

	diff, err := st.RevisionDiff(ctx, h.ID, 2, 1) // either order: old → new
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]revision.Difference{}
	for _, d := range diff {
		got[d.Kind+" "+d.Objective+" "+d.Indicator] = d
		if d.Reason == "" || d.Revision != h.RevisionLabel {
			t.Errorf("%s %s: reason %q, revision %q", d.Kind, d.Objective, d.Reason, d.Revision)
		}
	}
	if len(diff) != 6 {
		t.Errorf("%d differences, want 6: %v", len(diff), diff)
	}
	// O.4.2.1: the KPI target from ≥ 1 to ≥ 5 (source line 689)
	if d := got["target O.4.2.1 O.4.2.1/1"]; d.Old != ">=1" || d.New != ">=5" || d.Year != 2023 || d.OldUnknown {
		t.Errorf("O.4.2.1 target: %+v", d)
	}
	// the mediations target of strategic objective 3.3 changed to ≥ 200, the old value is not given (line 645)
	if d := got["target 3.3 3.3/1"]; !d.OldUnknown || d.New != ">= 200" || d.OldText() != revision.Unknown {
		t.Errorf("3.3 mediations target: %+v", d)
	}
	// the rewritten descriptions of O.1.1.5 and OT_1: the old text is the first part, the new adds the update's paragraph
	for code, added := range map[string]string{"O.1.1.5": "In sede di aggiornamento è stato previsto", "OT_1": "il contenuto dell'obiettivo è stato così modificato"} {
		d := got["description "+code+" "]
		if d.Old == "" || strings.Contains(d.Old, added) || !strings.Contains(d.New, added) || !strings.HasPrefix(d.New, d.Old) {
			t.Errorf("%s description: old %q new %q", code, d.Old, d.New)
		}
	}
	for _, code := range []string{"O.3.3.1", "O.4.2.1"} {
		if _, ok := got["description "+code+" "]; !ok {
			t.Errorf("%s: the update's sentence in the description is not a difference", code)
		}
	}
	if same, err := st.RevisionDiff(ctx, h.ID, 2, 2); err != nil || len(same) != 0 {
		t.Errorf("a revision against itself: %v %v", same, err)
	}
	if _, err := st.RevisionDiff(ctx, h.ID, 1, 9); err == nil {
		t.Error("an unknown revision compared without error")
	}

	// The revision in force: the original until September, the update from October.
	for day, want := range map[string]int{"2023-06-30": 1, "2023-09-30": 1, "2023-10-01": 2, "2023-12-31": 2, "2024-06-30": 2} {
		d, _ := time.Parse("2006-01-02", day)
		r, err := st.RevisionInForce(ctx, h.ID, d)
		if err != nil || r.Seq != want {
			t.Errorf("%s: revision %+v, want %d (%v)", day, r, want, err)
		}
	}
	// Scoring uses it: O.4.2.1/1 is ≥ 1 at 30/06/2023 and ≥ 5 at 31/12/2023; 3.3/1 has no known target mid-year.
	target := func(kind, key string) (string, bool) {
		p, err := st.Period(ctx, h.ID, 2023, kind)
		if err != nil {
			t.Fatal(err)
		}
		snap, _, err := st.Snapshot(ctx, h, 2023, p.EndsOn)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range snap.Indicators {
			if in.Key == key {
				if in.Target == nil {
					return "", true
				}
				return in.Target.Text, true
			}
		}
		return "", false
	}
	for _, c := range []struct{ kind, key, want string }{
		{"midyear", "O.4.2.1/1", ">=1"}, {"final", "O.4.2.1/1", ">=5"},
		{"midyear", "3.3/1", ""}, {"final", "3.3/1", ">= 200"},
		{"midyear", "O.3.3.1/1", ">=200"}, // not stated as changed: the same in both
	} {
		if got, ok := target(c.kind, c.key); !ok || got != c.want {
			t.Errorf("%s %s target %q, want %q", c.kind, c.key, got, c.want)
		}
	}
}

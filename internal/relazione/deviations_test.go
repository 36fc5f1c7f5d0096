package relazione_test

import (
	"context"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/relazione"
)

// TestDeviationsSectionOnTheDemo: the scostamenti of the demo year, with the
// exact generated introduction, and the dirigenti's motivazioni quoted
// verbatim once written; the published version quotes approved ones only.
func TestDeviationsSectionOnTheDemo(t *testing.T) {
	t.Parallel()
	ref, h, _ := fixtureRef(t)
	ctx := context.Background()
	build := func(vis model.Visibility) *document.Table {
		t.Helper()
		d, err := relazione.Build(ctx, ref.Store, h, 2023, relazione.Options{Visibility: vis})
		if err != nil {
			t.Fatal(err)
		}
		tb := d.Table(relazione.SecDeviations)
		if tb == nil {
			t.Fatal("no scostamenti section")
		}
		var keys []string
		for _, r := range tb.Rows {
			keys = append(keys, strings.Fields(r[1].Text)[0])
		}
		if got := strings.Join(keys, " "); got != "2.3/1 O.1.1.1/1 TR.2/1 TR.2/2 TR.4/2 OT_2/1" {
			t.Errorf("scostamenti: %s", got)
		}
		return tb
	}
	tb := build(model.Approved)
	if want := "Al 31/12/2023 4 indicatori non raggiungono pienamente il target e 2 indicatori non sono applicabili. " +
		"Nessuna motivazione dello scostamento è ancora completa."; tb.Intro != want {
		t.Errorf("introduction:\n got %q\nwant %q", tb.Intro, want)
	}
	if r := tb.Rows[0]; r[2].Text != "≥ 8" || r[3].Text != "7,8" || r[4].Text != "97,5%" || r[5].Text != "motivazione mancante" {
		t.Errorf("first row: %+v", r)
	}

	// 2.3/1 explained in full, O.1.1.1/1 in part (not counted as explained)
	set := func(key, what, why, action string) {
		t.Helper()
		if _, err := ref.Pool.Exec(ctx, `UPDATE measurements m SET deviation_what = $2, deviation_why = $3, deviation_action = $4
			FROM indicators i, periods p WHERE i.id = m.indicator_id AND p.id = m.period_id AND i.plan_id = $1 AND i.key = $5
			AND p.year = 2023 AND p.kind = 'final'`, h.ID, what, why, action, key); err != nil {
			t.Fatal(err)
		}
	}
	set("2.3/1", "Gradimento medio 7,8 su 10.", "Due iniziative rinviate al 2024.", "Calendario condiviso con le associazioni.")
	set("O.1.1.1/1", "Tre incontri su quattro.", "", "")
	tb = build(model.Approved)
	if want := "Al 31/12/2023 4 indicatori non raggiungono pienamente il target e 2 indicatori non sono applicabili. " +
		"Per 1 di questi il dirigente responsabile ha motivato lo scostamento (riportato testualmente); " +
		"per 5 la motivazione manca o è incompleta."; tb.Intro != want {
		t.Errorf("introduction:\n got %q\nwant %q", tb.Intro, want)
	}
	if r := tb.Rows[0]; r[5].Text != "Gradimento medio 7,8 su 10." || r[6].Text != "Due iniziative rinviate al 2024." ||
		r[7].Text != "Calendario condiviso con le associazioni." {
		t.Errorf("quoted motivazione: %+v", r[5:])
	}
	if r := tb.Rows[1]; r[5].Text != "Tre incontri su quattro." || r[6].Text != "motivazione mancante" {
		t.Errorf("partial motivazione: %+v", r[5:])
	}
	// a value no longer approved: its motivazione is not quoted in the published version
	if _, err := ref.Pool.Exec(ctx, `UPDATE measurements m SET status = 'submitted' FROM indicators i
		WHERE i.id = m.indicator_id AND i.plan_id = $1 AND i.key = '2.3/1'`, h.ID); err != nil {
		t.Fatal(err)
	}
	d, err := relazione.Build(ctx, ref.Store, h, 2023, relazione.Options{Visibility: model.Public})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Table(relazione.SecDeviations).Rows {
		if strings.Contains(r[5].Text, "Gradimento medio") {
			t.Error("the published version quotes the motivazione of a value not approved")
		}
	}
}

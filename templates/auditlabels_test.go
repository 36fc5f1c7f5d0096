package templates

import (
	"slices"
	"testing"
)

func TestAuditDetail(t *testing.T) {
	got := AuditDetail(`{"old": null, "new": {"v": 1.5}, "reason": "rettifica", "not_applicable": true, "zz": 3}`)
	want := []AuditDetailLine{{"dopo", `{"v":1.5}`}, {"non applicabile", "sì"}, {"prima", "—"}, {"motivo", "rettifica"}, {"zz", "3"}}
	if !slices.Equal(got, want) {
		t.Errorf("AuditDetail = %q, want %q", got, want)
	}
	if got := AuditDetail(`not json`); !slices.Equal(got, []AuditDetailLine{{Value: "not json"}}) {
		t.Errorf("non-JSON detail: %q", got)
	}
	if got := AuditDetail(`{}`); got != nil {
		t.Errorf("empty detail: %q", got)
	}
	if AuditActionLabel("measurement.approve") != "Misurazione approvata" || AuditActionLabel("x.unknown") != "x.unknown" {
		t.Error("action labels")
	}
}

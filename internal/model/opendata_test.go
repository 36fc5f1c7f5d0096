package model

import "testing"

func TestOpenDataLabelsMatchColumns(t *testing.T) {
	cols, labels := OpenDataColumns(), OpenDataLabels()
	if len(cols) != len(labels) {
		t.Fatalf("%d columns, %d Italian headers", len(cols), len(labels))
	}
	seen := map[string]bool{}
	for i, l := range labels {
		if l == "" || l == cols[i] || seen[l] {
			t.Errorf("column %s: Italian header %q empty, untranslated or repeated", cols[i], l)
		}
		seen[l] = true
	}
}

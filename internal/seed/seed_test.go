package seed_test

import (
	"testing"

	"github.com/piao-performance/piao/internal/seed"
)

func TestReferenceDecodesAndValidates(t *testing.T) {
	doc, err := seed.Reference()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("objectives %d, individual %d, notes %d", len(doc.Objectives), len(doc.Individual), len(doc.Notes))
}

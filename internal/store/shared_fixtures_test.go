package store_test

import (
	"testing"

	"github.com/piao-performance/piao/internal/testfix"
)

// Loading the reference plan is what most store tests spend their time on,
// so the checks that can share a database do: each file keeps its checks
// beside the code they test (testX(t, ref)), and these functions run them on
// one fixture, in an order where no check depends on another's writes.

// TestReferencePlanReads runs the read-only checks on the reference plan.
func TestReferencePlanReads(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	t.Run("store", func(t *testing.T) { testPingAndCount(t, ref) }) // counts rows: first
	t.Run("plan_read", func(t *testing.T) { testPlanRead(t, ref) })
	t.Run("role_read", func(t *testing.T) { testRole(t, ref) })
	t.Run("scoring_read", func(t *testing.T) { testRevisionInForceAndSnapshot(t, ref) })
	t.Run("measurements", func(t *testing.T) { testMeasureCatalogue(t, ref) })
}

// TestReferencePlanWrites runs checks whose writes do not meet: enti,
// behaviour scores and OIV observations.
func TestReferencePlanWrites(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t)
	t.Run("enti", func(t *testing.T) { testEnti(t, ref) })
	t.Run("behaviour", func(t *testing.T) { testSetBehaviour(t, ref) })
	t.Run("oiv observations", func(t *testing.T) { testObservations(t, ref) })
	t.Run("legal texts", func(t *testing.T) { testEnteLegal(t, ref) })
}

// TestSampleActualsReads runs the checks on the plan with the demo's
// sample actuals that only read (the audit check adds an ente last).
func TestSampleActualsReads(t *testing.T) {
	t.Parallel()
	ref := testfix.Reference(t, testfix.WithSampleActuals())
	t.Run("confirm", func(t *testing.T) { testMeasurementsOf(t, ref) })
	t.Run("opendata", func(t *testing.T) { testOpenData(t, ref) })
	t.Run("audit_read", func(t *testing.T) { testAuditEvents(t, ref) })
}

package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/testfix"
)

// auditRows reads the events matching f through the store's audit reader.
func auditRows(t *testing.T, st *store.Store, f store.AuditFilter) []model.AuditRow {
	t.Helper()
	var out []model.AuditRow
	if err := st.AuditEvents(context.Background(), f, func(r model.AuditRow) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// lastAudit returns the newest event whose action starts with action, failing
// t when there is none.
func lastAudit(t *testing.T, st *store.Store, action string) model.AuditRow {
	t.Helper()
	rows := auditRows(t, st, store.AuditFilter{Action: action, Limit: 1})
	if len(rows) == 0 {
		t.Fatalf("no audit event %s", action)
	}
	return rows[0]
}

func testAuditEvents(t *testing.T, ref testfix.Ref) {
	st, ctx := ref.Store, context.Background()
	// An event of another ente, to be filtered out by EnteID.
	if err := st.CreateEnte(ctx, testfixEnte("altro-ente"), "admin.altro"); err != nil {
		t.Fatal(err)
	}
	enteID := ref.Plan.EnteID
	cases := []struct {
		name  string
		f     store.AuditFilter
		count int
		first string // action of the newest event
	}{
		// plan.load, 123 measurement.import, 2 period.close, measurements.import, ente.create
		{"everything", store.AuditFilter{}, 128, "ente.create"},
		{"the reference ente", store.AuditFilter{EnteID: &enteID}, 127, "measurements.import"},
		{"action prefix", store.AuditFilter{Action: "measurement."}, 123, "measurement.import"},
		{"action prefix is literal", store.AuditFilter{Action: "measurement_"}, 0, ""},
		{"period prefix", store.AuditFilter{Action: "period."}, 2, "period.close"},
		{"actor", store.AuditFilter{Actor: "test"}, 1, "plan.load"},
		{"actor is exact", store.AuditFilter{Actor: "tes"}, 0, ""},
		{"object key, any case", store.AuditFilter{Object: "o.3.3.1/"}, 14, "measurement.import"}, // 5 at midyear, 9 at year end
		{"object type", store.AuditFilter{Object: "ENTE"}, 1, "ente.create"},
		{"object with a literal percent", store.AuditFilter{Object: "%"}, 0, ""},
		{"limit", store.AuditFilter{Limit: 3}, 3, "ente.create"},
		{"in the future", store.AuditFilter{From: time.Now().Add(time.Hour)}, 0, ""},
		{"before the epoch", store.AuditFilter{Before: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}, 0, ""},
		{"before tomorrow", store.AuditFilter{Before: time.Now().Add(24 * time.Hour), Actor: "test"}, 1, "plan.load"},
		{"combined", store.AuditFilter{EnteID: &enteID, Action: "period.", Object: "31/12/2023"}, 1, "period.close"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := auditRows(t, st, c.f)
			if len(rows) != c.count {
				t.Fatalf("got %d events, want %d", len(rows), c.count)
			}
			if c.count == 0 {
				return
			}
			if rows[0].Action != c.first {
				t.Errorf("newest event %s, want %s", rows[0].Action, c.first)
			}
			for i := 1; i < len(rows); i++ {
				if rows[i].ID >= rows[i-1].ID {
					t.Fatalf("not newest first: %d after %d", rows[i].ID, rows[i-1].ID)
				}
			}
		})
	}
	t.Run("the plan.load event in full", func(t *testing.T) {
		r := auditRows(t, st, store.AuditFilter{Actor: "test"})[0]
		if r.ObjectType != "plan" || r.ObjectKey != "cciaa-gran-sasso/piao-2023-2025" || !strings.HasPrefix(r.Detail, "{") {
			t.Errorf("%+v", r)
		}
	})
	t.Run("an error from fn stops the walk and is returned", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := st.AuditEvents(ctx, store.AuditFilter{}, func(model.AuditRow) error {
			n++
			return stop
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("err %v after %d rows", err, n)
		}
	})
	t.Run("actors", func(t *testing.T) {
		otherID, err := st.EnteID(ctx, "altro-ente")
		if err != nil {
			t.Fatal(err)
		}
		unknown := int64(-1)
		cases := []struct {
			name string
			ente *int64
			want string
		}{
			{"every ente", nil, "admin.altro,piao demo (dati dimostrativi),test"},
			{"the reference ente", &ref.Plan.EnteID, "piao demo (dati dimostrativi),test"},
			{"the other ente", &otherID, "admin.altro"},
			{"an ente without events", &unknown, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := st.AuditActors(ctx, c.ente)
				if err != nil {
					t.Fatal(err)
				}
				if s := strings.Join(got, ","); s != c.want {
					t.Errorf("got %q, want %q", s, c.want)
				}
			})
		}
	})
}

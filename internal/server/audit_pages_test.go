package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/piao-performance/piao/internal/store"
)

// TestAuditRegisterPages: the register shows 100 events a page, newest
// first, with Italian previous/next links that keep the filter; the CSV
// export still has every filtered event; a bad page number is a 400.
func TestAuditRegisterPages(t *testing.T) {
	t.Parallel()
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	id, err := store.New(pool).EnteID(ctx, "cciaa-gran-sasso")
	if err != nil {
		t.Fatal(err)
	}
	// 230 events of one actor, keys evento-1 (oldest) … evento-230 (newest)
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (actor, action, ente_id, object_type, object_key, reason, detail)
		SELECT 'paginatore', 'test.pagina', $1, 'prova', 'evento-' || i, '', '{}'::jsonb FROM generate_series(1, 230) i ORDER BY i`, id); err != nil {
		t.Fatal(err)
	}
	c := client(t)
	signIn(t, c, srv.URL, "oiv", testPassword)
	reg := srv.URL + refPlan + "/registro"
	count := func(body string) int { return strings.Count(body, ">prova evento-") }

	res, body := fetch(t, c, reg+"?utente=paginatore")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("page 1: %d", res.StatusCode)
	}
	if n := count(body); n != 100 || !strings.Contains(body, "prova evento-230<") || strings.Contains(body, "prova evento-130<") {
		t.Fatalf("page 1: %d events (want 100, evento-230 … evento-131)", n)
	}
	next := `href="` + refPlan + `/registro?utente=paginatore&amp;pagina=2" rel="next">Eventi meno recenti (pagina 2)`
	if !strings.Contains(body, next) || strings.Contains(body, `rel="prev"`) || !strings.Contains(body, "Eventi dal 1 al 100 (pagina 1") {
		t.Fatalf("page 1 links: next %v, prev %v", strings.Contains(body, next), strings.Contains(body, `rel="prev"`))
	}

	_, body = fetch(t, c, reg+"?utente=paginatore&pagina=2")
	if n := count(body); n != 100 || !strings.Contains(body, "prova evento-130<") || !strings.Contains(body, "prova evento-31<") {
		t.Fatalf("page 2: %d events", n)
	}
	prev1 := `href="` + refPlan + `/registro?utente=paginatore" rel="prev">‹ Eventi più recenti (pagina 1)`
	if !strings.Contains(body, prev1) || !strings.Contains(body, "pagina=3\" rel=\"next\"") {
		t.Fatalf("page 2 links: prev %v", strings.Contains(body, prev1))
	}

	_, body = fetch(t, c, reg+"?utente=paginatore&pagina=3")
	if n := count(body); n != 30 || !strings.Contains(body, "prova evento-1<") || strings.Contains(body, `rel="next"`) ||
		!strings.Contains(body, "pagina=2\" rel=\"prev\"") || !strings.Contains(body, "Eventi dal 201 al 230 (pagina 3") {
		t.Fatalf("page 3: %d events (want 30), next link %v", n, strings.Contains(body, `rel="next"`))
	}

	// the export keeps every filtered event, whatever the page
	_, csv := fetch(t, c, srv.URL+refPlan+"/registro/registro-audit.csv?utente=paginatore&pagina=2")
	if n := strings.Count(csv, "evento-"); n != 230 {
		t.Fatalf("CSV export: %d events, want 230", n)
	}

	for _, bad := range []string{"0", "-1", "due", "1000001"} {
		if res, _ := fetch(t, c, reg+"?pagina="+bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("pagina=%s: %d, want 400", bad, res.StatusCode)
		}
	}
}

//go:build proof

package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
)

// TestLoadCorrectness: 200 signed-in dirigenti save measurements of the same
// indicators at once for PIAO_LOAD_SECONDS (60 by default) while Segretari
// read the dashboard, across two replicas — two servers, each with its own
// pool, caches and audit sealer, on one database, as two `piao serve`
// processes behind a round-robin proxy: each save reads its form from one
// replica and posts it to the other. No request may fail with a server
// error; every save either wins its version or is refused with a 409 (never
// silently lost); and the database and the audit trail agree with what the
// clients were told: versions 1…n each won exactly once, the stored value is
// the last winner's, and the audit trail holds one save event per winning
// version, with its value. The two sealers never fork or skip a chain (every
// event sealed, seq without gaps, every chain verifies), and afterwards
// both replicas serve the same entry versions and the same open data.
func TestLoadCorrectness(t *testing.T) {
	seconds := 60
	if v, err := strconv.Atoi(os.Getenv("PIAO_LOAD_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	const writers, readers = 200, 8
	app, pool, _ := authApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	ctx := context.Background()
	// the second replica: its own pool, sessions manager, caches and sealer
	pool2, err := pgxpool.New(ctx, pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	sessions2, stopSessions2 := server.NewSessions(pool2, server.SessionOptions{})
	defer stopSessions2()
	srv2 := httptest.NewServer(server.New(store.New(pool2), sessions2, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv2.Close()
	replicas := []*httptest.Server{srv, srv2}
	sealCtx, stopSealing := context.WithCancel(ctx)
	var sealers sync.WaitGroup
	for _, p := range []*pgxpool.Pool{pool, pool2} {
		sealers.Go(func() {
			store.New(p).SealAuditEvery(sealCtx, 100*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		})
	}
	// The indicators the writers share: the direct ones of the dir-prm position.
	rows, err := pool.Query(ctx, `SELECT i.key FROM indicators i JOIN objectives o ON o.id = i.objective_id
		JOIN objective_owners w ON w.objective_id = o.id JOIN roles r ON r.id = w.role_id
		WHERE r.key = 'dir-prm' AND i.formula = 'direct' ORDER BY i.key`)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		keys = append(keys, k)
	}
	if len(keys) < 4 {
		t.Fatalf("only %d indicators to share", len(keys))
	}
	tr := &http.Transport{MaxIdleConnsPerHost: writers + readers, MaxConnsPerHost: writers + readers}
	defer tr.CloseIdleConnections()
	newClient := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Transport: tr, Jar: jar, Timeout: 2 * time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	signInAll := func(prefix string, n int, role auth.Role, position string) []*http.Client {
		cs := make([]*http.Client, n)
		var wg sync.WaitGroup
		// argon2id costs 64 MiB each: no more at a time than the server hashes
		sem := make(chan struct{}, server.DefaultConcurrentHashes())
		for i := range cs {
			name := prefix + strconv.Itoa(i)
			addUser(t, pool, name, role, position)
			cs[i] = newClient()
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				// a busy machine may answer 503 (no hashing slot within a
				// second): a person tries again, and so does the test
				var res *http.Response
				var err error
				for try := 0; try < 10; try++ {
					res, err = cs[i].PostForm(srv.URL+"/accedi", url.Values{"username": {name}, "password": {testPassword}})
					if err == nil {
						res.Body.Close()
					}
					if err != nil || res.StatusCode != http.StatusServiceUnavailable {
						break
					}
				}
				switch {
				case err != nil:
					t.Errorf("sign in %s: %v", name, err)
				case res.StatusCode != http.StatusSeeOther:
					t.Errorf("sign in %s: %s", name, res.Status)
				}
			})
		}
		wg.Wait()
		return cs
	}
	ws := signInAll("carico.dir", writers, auth.Dirigente, "dir-prm")
	rs := signInAll("carico.sg", readers, auth.Segretario, "")
	if t.Failed() {
		t.FailNow()
	}

	type win struct {
		version int
		value   string
	}
	var (
		mu        sync.Mutex
		wins      = map[string][]win{} // indicator → winning saves
		saves     atomic.Int64
		conflicts atomic.Int64
		reads     atomic.Int64
		serverErr atomic.Int64
		firstErr  atomic.Value
	)
	fail := func(format string, a ...any) {
		serverErr.Add(1)
		firstErr.CompareAndSwap(nil, fmt.Sprintf(format, a...))
	}
	versionRe := regexp.MustCompile(`name="versione" value="(\d+)"`)
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for w, c := range ws {
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline); n++ {
				key := keys[(w+n)%len(keys)]
				code, num, _ := strings.Cut(key, "/")
				path := refPlan + "/misurazioni/" + code + "/" + num + "?periodo=2024-midyear"
				page := replicas[(w+n)%2].URL + path
				res, err := c.Get(page)
				if err != nil {
					fail("GET %s: %v", page, err)
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				m := versionRe.FindSubmatch(body)
				if res.StatusCode != http.StatusOK || m == nil {
					fail("GET %s: %d", page, res.StatusCode)
					return
				}
				v, _ := strconv.Atoi(string(m[1]))
				value := strconv.Itoa(w*100000 + n)
				page = replicas[(w+n+1)%2].URL + path // the form goes back through the other replica
				res, err = c.PostForm(page, url.Values{"versione": {string(m[1])}, "valore": {value}})
				if err != nil {
					fail("POST %s: %v", page, err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusSeeOther:
					saves.Add(1)
					mu.Lock()
					wins[key] = append(wins[key], win{version: v + 1, value: value})
					mu.Unlock()
				case http.StatusConflict:
					conflicts.Add(1)
				default:
					fail("POST %s: %d", page, res.StatusCode)
					return
				}
			}
		})
	}
	for r, c := range rs {
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline); n++ {
				res, err := c.Get(replicas[(r+n)%2].URL + refPlan + "/cruscotto")
				if err != nil {
					fail("dashboard: %v", err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					fail("dashboard: %d", res.StatusCode)
					return
				}
				reads.Add(1)
			}
		})
	}
	wg.Wait()
	stopSealing()
	sealers.Wait()
	t.Logf("%d s: %d saves won, %d refused as stale (409), %d dashboard reads, %d server errors",
		seconds, saves.Load(), conflicts.Load(), reads.Load(), serverErr.Load())
	if n := serverErr.Load(); n > 0 {
		t.Fatalf("%d failed requests; first: %v", n, firstErr.Load())
	}
	if saves.Load() == 0 || reads.Load() == 0 {
		t.Fatal("no load went through")
	}

	// Reconcile: the database and the audit trail against what the clients were told.
	st := store.New(pool)
	if _, err := st.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
	reps, err := st.VerifyAuditChains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range reps {
		if rep.BrokenAt != 0 {
			t.Fatalf("audit chain after the load: %+v", rep)
		}
	}
	// two sealers at once: every event sealed once, each chain's seq 1…n
	chains, err := pool.Query(ctx, `SELECT coalesce(ente_id, 0), count(*), count(seq), coalesce(min(seq), 0), coalesce(max(seq), 0),
		count(DISTINCT seq) FROM audit_events GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for chains.Next() {
		var chain, events, sealed, lo, hi, distinct int64
		if err := chains.Scan(&chain, &events, &sealed, &lo, &hi, &distinct); err != nil {
			t.Fatal(err)
		}
		if sealed != events || lo != 1 || hi != events || distinct != events {
			t.Errorf("chain %d: %d events, %d sealed, seq %d…%d with %d distinct: forked or skipped", chain, events, sealed, lo, hi, distinct)
		}
	}
	chains.Close()
	// both replicas show what the other wrote: the same versions, the same open data
	body := func(c *http.Client, u string) string {
		res, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", u, res.StatusCode)
		}
		return string(b)
	}
	for _, key := range keys {
		code, num, _ := strings.Cut(key, "/")
		path := refPlan + "/misurazioni/" + code + "/" + num + "?periodo=2024-midyear"
		v1 := versionRe.FindStringSubmatch(body(ws[0], srv.URL+path))
		v2 := versionRe.FindStringSubmatch(body(ws[0], srv2.URL+path))
		if v1 == nil || v2 == nil || v1[1] != v2[1] {
			t.Errorf("%s: the replicas show versions %v and %v", key, v1, v2)
		}
	}
	csv := "/opendata/cciaa-gran-sasso/piao-2023-2025/indicators.csv"
	if a, b := body(http.DefaultClient, srv.URL+csv), body(http.DefaultClient, srv2.URL+csv); a != b {
		t.Error("the replicas serve different open data after the load")
	}
	for key, ws := range wins {
		byVersion := map[int]string{}
		for _, w := range ws {
			if _, dup := byVersion[w.version]; dup {
				t.Fatalf("%s: version %d won twice: a lost update", key, w.version)
			}
			byVersion[w.version] = w.value
		}
		var version int
		var value float64
		err := pool.QueryRow(ctx, `SELECT m.version, m.value::float8 FROM measurements m JOIN indicators i ON i.id = m.indicator_id
			JOIN periods p ON p.id = m.period_id WHERE i.key = $1 AND p.year = 2024 AND p.kind = 'midyear'`, key).Scan(&version, &value)
		if err != nil {
			t.Fatal(err)
		}
		if version != len(ws) || strconv.FormatFloat(value, 'f', -1, 64) != byVersion[version] {
			t.Errorf("%s: stored version %d value %v; the clients won %d versions, the last with %s", key, version, value, len(ws), byVersion[len(ws)])
		}
		audit, err := pool.Query(ctx, `SELECT (detail->>'version')::int, detail->'new'->>'value' FROM audit_events
			WHERE action = 'measurement.save' AND object_key = $1`, key+" 30/06/2024")
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for audit.Next() {
			var v int
			var val string
			_ = audit.Scan(&v, &val)
			if byVersion[v] != val {
				t.Errorf("%s: audit says version %d is %s, the client was told %s", key, v, val, byVersion[v])
			}
			seen++
		}
		if seen != len(ws) {
			t.Errorf("%s: %d save events in the audit trail, %d winning saves", key, seen, len(ws))
		}
	}
}

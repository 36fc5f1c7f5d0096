// Command piaobench is the project's load benchmark (`make bench`). On the
// PostgreSQL server named by PIAO_TEST_DATABASE_URL (`piao withdb` sets it,
// starting a private one when needed) it creates a throw-away database
// piao_bench_<random>, migrates it, loads the reference plan and a synthetic
// load (internal/synth) with measurements for every plan (approved, periods
// closed, labelled as demo data; the reference plan's 30 June 2024 is left
// out, hence open, for the saves), serves the real application in-process on
// a loopback port with real sessions, and drives concurrent GET requests at a
// static asset (the ceiling), the plan tree, an objective page and the
// open-data CSV of the reference plan and of one synthetic ente, then the
// Segretario Generale's dashboard of the reference plan and of one large
// synthetic ente (-big indicators) with -cd signed-in clients, then
// concurrent saves of measurements by a signed-in dirigente of the reference
// plan, timing the SQL statements each route sends. It also times the
// scoring engine on the 50,000-indicator synthetic plan, prints one table
// (with whether each target is met) and writes the same data as JSON. The
// database is dropped at the end.
//
// Every loop is bounded in count and time; requests go only to 127.0.0.1.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/piao-performance/piao/internal/dbmigrate"
	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/seed"
	"github.com/piao-performance/piao/internal/server"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/internal/synth"
)

// envURL names the server on which piaobench may create a database.
const envURL = "PIAO_TEST_DATABASE_URL"

// options are the command-line flags.
type options struct {
	Enti        int           `json:"enti"`
	Indicators  int           `json:"indicators_per_ente"`
	Years       int           `json:"years"`
	StartYear   int           `json:"start_year"`
	Seed        uint64        `json:"seed"`
	Concurrency int           `json:"concurrency"`
	DashClients int           `json:"dashboard_concurrency"`
	BigInds     int           `json:"big_ente_indicators"`
	Duration    time.Duration `json:"-"`
	DurationS   float64       `json:"duration_s"`
	MaxRequests int           `json:"max_requests_per_route"`
	Warmup      int           `json:"warmup_requests"`
	JSONPath    string        `json:"-"`
	Timeout     time.Duration `json:"-"`
	Verbose     bool          `json:"-"`
	CPUProfile  string        `json:"-"`
	Replicas    int           `json:"replicas"` // 0: the server runs in this process
	PiaoBin     string        `json:"-"`
	Only        string        `json:"only,omitempty"`
	Identity    bool          `json:"identity"` // clients do not ask for gzip
	Compare     string        `json:"compare,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("piaobench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Enti, "enti", 60, "synthetic enti to load")
	fs.IntVar(&o.Indicators, "indicators", 500, "indicators per synthetic ente")
	fs.IntVar(&o.Years, "years", 3, "years of each synthetic plan")
	fs.IntVar(&o.StartYear, "start", 2024, "first year of the synthetic plans")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the synthetic data")
	fs.IntVar(&o.Concurrency, "c", 8, "concurrent workers per route")
	fs.IntVar(&o.DashClients, "cd", defaultDashConcurrency, "concurrent signed-in clients of the dashboard routes")
	fs.IntVar(&o.BigInds, "big", defaultBigIndicators, "indicators of the large synthetic ente of the second dashboard route")
	fs.DurationVar(&o.Duration, "d", 5*time.Second, "measured duration per route")
	fs.IntVar(&o.MaxRequests, "max", 200_000, "hard cap on the requests of one route")
	fs.IntVar(&o.Warmup, "warmup", 50, "warm-up requests per route, not measured")
	fs.StringVar(&o.JSONPath, "json", "bin/bench.json", "where to write the results as JSON (empty: nowhere)")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "the whole run stops after this long")
	fs.BoolVar(&o.Verbose, "v", false, "log the server's warnings and errors to stderr")
	fs.IntVar(&o.Replicas, "replicas", 0, "0: serve in this process; N ≥ 2: start N `piao serve` processes (-piao) on the database and send requests to them in turn")
	fs.StringVar(&o.PiaoBin, "piao", "bin/piao", "the piao binary the replicas run")
	fs.BoolVar(&o.Identity, "identity", false, "clients ask for no compression (by default they send Accept-Encoding: gzip, as browsers do, and read the bytes as sent)")
	fs.StringVar(&o.Only, "only", "", "drive only the routes whose key matches this regular expression (and the static ceiling); empty: all")
	fs.StringVar(&o.Compare, "compare", "", "a JSON report of an earlier run (e.g. with fewer -enti): print each route's p95 beside it, with the ratio (flat with growth: ≤ 1.25)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "folder for a CPU profile of the process per route (measured run only; empty: none)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || o.Concurrency < 1 || o.Concurrency > 256 || o.DashClients < 1 || o.DashClients > 256 ||
		o.Duration <= 0 || o.Duration > 10*time.Minute || o.MaxRequests < 1 || o.Warmup < 0 || o.Warmup > 10_000 ||
		o.Enti < 1 || o.Timeout <= 0 || o.Replicas < 0 || o.Replicas == 1 || o.Replicas > 8 {
		fmt.Fprintln(stderr, "piaobench: invalid flags: -c and -cd 1–256, -d up to 10m, -max ≥ 1, -warmup 0–10000, -enti ≥ 1, -timeout > 0, -replicas 0 or 2–8, no arguments")
		return 2
	}
	only, err := regexp.Compile(o.Only)
	if err != nil {
		fmt.Fprintln(stderr, "piaobench: -only:", err)
		return 2
	}
	o.DurationS = o.Duration.Seconds()
	cfg := synth.Config{Enti: o.Enti, IndicatorsPerEnte: o.Indicators, Years: o.Years, StartYear: o.StartYear, Seed: o.Seed}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "piaobench: synthetic load:", err)
		return 2
	}
	if err := bigConfigError(cfg, o.BigInds); err != nil {
		fmt.Fprintln(stderr, "piaobench: -big:", err)
		return 2
	}
	adminURL := getenv(envURL)
	if adminURL == "" {
		fmt.Fprintf(stderr, "piaobench: %s is not set: run it with `make bench` (./bin/piao withdb -- go run ./cmd/piaobench)\n", envURL)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	var earlier *report
	if o.Compare != "" {
		if earlier, err = readJSON(o.Compare); err != nil {
			fmt.Fprintln(stderr, "piaobench: -compare:", err)
			return 2
		}
	}
	rep, err := bench(ctx, o, only, cfg, adminURL, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "piaobench:", err)
		return 1
	}
	if earlier != nil {
		rep.compare(earlier)
	}
	printTable(stdout, rep)
	if o.JSONPath != "" {
		if err := writeJSON(o.JSONPath, rep); err != nil {
			fmt.Fprintln(stderr, "piaobench:", err)
			return 1
		}
		fmt.Fprintln(stdout, "JSON:", o.JSONPath)
	}
	return 0
}

// progress prints what the benchmark is doing, on stderr.
type progress struct {
	w     io.Writer
	start time.Time
}

func (p progress) say(format string, args ...any) {
	fmt.Fprintf(p.w, "[%6.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

func bench(ctx context.Context, o options, only *regexp.Regexp, cfg synth.Config, adminURL string, stderr io.Writer) (rep *report, err error) {
	p := progress{w: stderr, start: time.Now()}
	rep = &report{Started: time.Now().UTC().Format(time.RFC3339), Go: runtime.Version(), CPUs: runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0), Options: o}

	dbURL, stale, drop, err := createDatabase(ctx, adminURL)
	if err != nil {
		return nil, err
	}
	if stale > 0 {
		p.say("dropped %d database(s) left behind by interrupted runs", stale)
	}
	defer func() {
		if derr := drop(); derr != nil && err == nil {
			err = derr
		}
	}()
	p.say("database %s created", rep.setDatabase(dbURL))
	if err := dbmigrate.Up(dbURL); err != nil {
		return nil, err
	}
	pcfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	tracer := &sqlTracer{}
	pcfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(ctx, pcfg) // otherwise the defaults the application uses (cmd/piao openPool)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer pool.Close()
	st := store.New(pool)

	// The reference plan, then the synthetic load.
	ref, err := seed.Reference()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if _, err := st.LoadPlan(ctx, ref, store.LoadOptions{Actor: "piaobench"}); err != nil {
		return nil, fmt.Errorf("load the reference plan: %w", err)
	}
	rep.Load.ReferenceSeconds = time.Since(t0).Seconds()
	// The synthetic enti are generated one at a time where they are loaded,
	// and again (the generator is deterministic) where their measurements
	// are imported: the process holds a few enti at once, not all of them.
	p.say("reference plan loaded; generating and loading %d synthetic enti (%d indicators each)", cfg.Enti, cfg.IndicatorsPerEnte)
	var genNanos atomic.Int64
	synthAt := func(i int) synth.Ente {
		t := time.Now()
		defer func() { genNanos.Add(int64(time.Since(t))) }()
		return synth.GenerateNth(cfg, i+1)
	}
	t0 = time.Now()
	if err := loadSynthetic(ctx, st, cfg.Enti, synthAt, p); err != nil {
		return nil, err
	}
	rep.Load.SyntheticSeconds = time.Since(t0).Seconds()
	rep.Load.GenerateSeconds = time.Duration(genNanos.Load()).Seconds()
	rep.Load.Enti, rep.Load.IndicatorsPerEnte = cfg.Enti, cfg.IndicatorsPerEnte
	p.say("synthetic plans generated and loaded in %.1fs (generation %.1fs of it, summed over the loaders)", rep.Load.SyntheticSeconds, rep.Load.GenerateSeconds)
	firstSynth := synth.GenerateNth(cfg, 1).Doc
	// The large ente of the second dashboard route.
	t0 = time.Now()
	big := bigEnte(cfg, o.BigInds)
	rep.Load.BigGenerateSeconds = time.Since(t0).Seconds()
	t0 = time.Now()
	if err := loadSynthetic(ctx, st, 1, func(int) synth.Ente { return big }, p); err != nil {
		return nil, err
	}
	rep.Load.BigSeconds = time.Since(t0).Seconds()
	rep.Load.BigEnte, rep.Load.BigIndicators = big.Doc.Ente.Slug, o.BigInds
	p.say("large synthetic ente %s (%d indicators) generated in %.1fs, loaded in %.1fs", rep.Load.BigEnte, o.BigInds,
		rep.Load.BigGenerateSeconds, rep.Load.BigSeconds)

	// Measurements for every plan, the reference one included (synthetic
	// values around its targets), so that pages and files carry actuals and
	// scores as they will in use. The reference plan's period of the saves
	// gets none, so it stays open (the import closes the periods it touches);
	// the pages and files show the latest closed period and each year's
	// final one, which it is not.
	refRows := withoutPeriod(synth.Measurements(ref, o.Seed), saveYear, saveKind)
	plans := func(i int) (*plan.Document, []measure.Row) {
		switch i {
		case 0:
			return ref, refRows
		case 1:
			return big.Doc, big.Measurements
		}
		e := synth.GenerateNth(cfg, i-1)
		return e.Doc, e.Measurements
	}
	t0 = time.Now()
	if rep.Load.Measurements, err = importMeasurements(ctx, st, cfg.Enti+2, plans, p); err != nil {
		return nil, err
	}
	rep.Load.MeasurementsSeconds = time.Since(t0).Seconds()
	// The load's audit events are chained now, as `piao serve`'s sealer
	// would have done while they were written: left to the sealer of the
	// server below, sealing the whole load (a million events at 600 enti)
	// took a core for minutes while the routes were measured, and its
	// updates left the unsealed index full of dead entries.
	t0 = time.Now()
	sealed, err := st.SealAudit(ctx)
	if err != nil {
		return nil, err
	}
	rep.Load.SealedEvents, rep.Load.SealSeconds = sealed, time.Since(t0).Seconds()
	p.say("%d audit events of the load sealed in %.1fs", sealed, rep.Load.SealSeconds)
	// Statistics as autovacuum would have them on a database in use: measured
	// right after a bulk load, the planner works from empty statistics and the
	// results depend on when autovacuum happens to run.
	t0 = time.Now()
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		return nil, fmt.Errorf("vacuum analyze: %w", err)
	}
	// The bulk load leaves gigabytes of dirty pages at 600 enti: written out
	// now, not by the checkpointer while the routes are measured (which made
	// a larger run look slower than it is). Needs a superuser or
	// pg_checkpoint; without, the run goes on and says so.
	if _, err := pool.Exec(ctx, "CHECKPOINT"); err != nil {
		p.say("CHECKPOINT refused (%v): the routes are measured with the load's dirty pages still being written", err)
	}
	rep.Load.AnalyzeSeconds = time.Since(t0).Seconds()
	// The server gets fresh connections, as a server started on a loaded
	// database would: the load's backends keep the caches of thousands of
	// statements it ran.
	pool.Reset()
	p.say("%d measurements imported in %.1fs; VACUUM (ANALYZE) and CHECKPOINT in %.1fs", rep.Load.Measurements, rep.Load.MeasurementsSeconds, rep.Load.AnalyzeSeconds)
	if err := checkSavePeriod(ctx, st, ref); err != nil {
		return nil, err
	}
	if err := createBenchUser(ctx, st, ref.Ente.Slug); err != nil {
		return nil, err
	}
	if err := createSegretario(ctx, st, ref.Ente.Slug, dashRefUser); err != nil {
		return nil, err
	}
	if err := createSegretario(ctx, st, big.Doc.Ente.Slug, dashBigUser); err != nil {
		return nil, err
	}
	if err := createSegretario(ctx, st, firstSynth.Ente.Slug, synUser); err != nil {
		return nil, err
	}

	// What the load left in this process is garbage: collected now, so the
	// routes start from the server's own heap at every size of the load.
	runtime.GC()
	debug.FreeOSMemory()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	p.say("this process's live heap after the load: %.1f MiB", float64(mem.HeapAlloc)/(1<<20))

	// The application, served on a loopback port.
	logHandler := slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}) // formatted like production, not printed
	if o.Verbose {
		logHandler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})
	}
	sessions, stopSweeper := server.NewSessions(pool, server.SessionOptions{})
	defer stopSweeper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           server.New(st, sessions, slog.New(logHandler)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logHandler, slog.LevelWarn),
	}
	var served sync.WaitGroup
	served.Go(func() { _ = srv.Serve(ln) })
	// the audit sealer runs as in `piao serve`, so its cost is in the numbers
	sealCtx, stopSealing := context.WithCancel(ctx)
	served.Go(func() { st.SealAuditEvery(sealCtx, time.Second, slog.New(logHandler)) })
	defer func() {
		stopSealing()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		served.Wait()
	}()
	base := "http://" + ln.Addr().String()
	p.say("serving on %s", base)
	if err := validateFirstYear(ctx, st, ref); err != nil {
		return nil, err
	}
	bases := []string{base}
	if o.Replicas > 1 {
		reps, err := startReplicas(ctx, o, dbURL, p)
		if err != nil {
			return nil, err
		}
		defer func() {
			stopped := reps.stop()
			if rep != nil { // nil when the run ends with an error
				rep.Replicas = stopped
			}
		}()
		bases = reps.bases
		p.say("requests go in turn to %d replicas: %v", len(bases), bases)
	}
	if rep.Consistency, err = checkConsistency(ctx, st, ref, bases, false); err != nil {
		return nil, err
	}

	synthEnte := firstSynth
	// The dashboards come after the page routes and before the saves, which
	// would give the reference plan's open period data to show.
	pageRoutes := append(routes(ref, synthEnte), publicRoutes(ref, synthEnte)...)
	pageRoutes = append(pageRoutes, dashboardRoutes(ref, big.Doc, o.BigInds, o.DashClients)...)
	for _, rt := range append(pageRoutes, relazioneRoutes(ref, big.Doc, o.BigInds)...) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if rt.Key != "static" && !only.MatchString(rt.Key) {
			continue
		}
		res, err := drive(ctx, bases, rt, o, tracer)
		if err != nil {
			return nil, err
		}
		p.say("%-34s %8.0f req/s  p50 %s  p95 %s  errors %d%s", rt.Label, res.RPS, ms(res.P50ms), ms(res.P95ms), res.Errors, res.Machine)
		rep.Routes = append(rep.Routes, res)
	}
	// The saves come after the pages: what they write is not what the pages
	// read, but they leave dead rows and audit events behind.
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if only.MatchString(saveKey) {
		save, err := driveSaves(ctx, bases, ref, o, tracer)
		if err != nil {
			return nil, err
		}
		p.say("%-34s %8.0f req/s  p50 %s  p95 %s  errors %d", save.Label, save.RPS, ms(save.P50ms), ms(save.P95ms), save.Errors)
		rep.Routes = append(rep.Routes, save)
	}
	// After the writes, every replica must serve the new version at once.
	after, err := checkConsistency(ctx, st, ref, bases, true)
	if err != nil {
		return nil, err
	}
	rep.Consistency = append(rep.Consistency, after...)
	for i := range rep.Routes {
		if ceil := rep.Routes[0].RPS; ceil > 0 && i > 0 {
			r := rep.Routes[i].RPS / ceil
			rep.Routes[i].RatioToStatic = &r
		}
	}

	if only.MatchString(engineKey) {
		p.say("scoring engine: generating the %d-indicator plan", engineIndicators)
		eng, err := scoreEngine(ctx, o)
		if err != nil {
			return nil, err
		}
		rep.Routes = append(rep.Routes, eng.Row)
		rep.Engine = eng.Info
	}
	for i := range rep.Routes {
		x := &rep.Routes[i]
		x.Verdict, x.TargetMet, _ = judge(x.Target, *x, rep.Engine)
	}

	rep.RSSBytes, rep.PeakRSSBytes = rss()
	return rep, nil
}

// dbPrefix names the databases piaobench creates.
const dbPrefix = "piao_bench_"

// staleAfter is how old a leftover benchmark database must be to be dropped.
const staleAfter = 10 * time.Minute

// createDatabase makes a fresh database on the server at adminURL and returns
// its URL and a function dropping it (even after ctx is cancelled). It first
// drops the databases that earlier runs left behind when they were killed
// (`withdb` ends its command abruptly on Ctrl-C); a database still in use by
// another run cannot be dropped without FORCE and is left alone.
func createDatabase(ctx context.Context, adminURL string) (dbURL string, stale int, drop func() error, err error) {
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", 0, nil, fmt.Errorf("%s must be a postgres:// URL", envURL)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", 0, nil, fmt.Errorf("connect to %s: %w", envURL, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	stale = dropStale(ctx, conn)

	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := dbPrefix + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", stale, nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop = func() error {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(dctx, adminURL)
		if err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		defer c.Close(dctx)
		if _, err := c.Exec(dctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	comment := "piaobench " + time.Now().UTC().Format(time.RFC3339)
	if _, err := conn.Exec(ctx, "COMMENT ON DATABASE "+pgx.Identifier{name}.Sanitize()+" IS '"+comment+"'"); err != nil {
		_ = drop()
		return "", stale, nil, fmt.Errorf("comment on database %s: %w", name, err)
	}
	u.Path = "/" + name
	return u.String(), stale, drop, nil
}

// dropStale drops, best effort, the benchmark databases created more than
// staleAfter ago (their comment says when) and returns how many it dropped.
// A run that has just created its database and is not connected to it yet is
// younger than that; an older one still running is connected, and DROP
// DATABASE without FORCE refuses a database in use.
func dropStale(ctx context.Context, conn *pgx.Conn) int {
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database
		WHERE starts_with(datname, $1)
		  AND shobj_description(oid, 'pg_database') ~ '^piaobench \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'
		  AND substr(shobj_description(oid, 'pg_database'), 11)::timestamptz < now() - make_interval(secs => $2)
		ORDER BY datname LIMIT 100`, dbPrefix, staleAfter.Seconds())
	if err != nil {
		return 0
	}
	old, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0
	}
	n := 0
	for _, name := range old {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()); err == nil {
			n++
		}
	}
	return n
}

// forEach runs fn for 0…n-1, two at a time (the machine has two cores and
// the database works on each call in its own transaction), stopping at the
// first error. what names the work in the progress lines.
func forEach(ctx context.Context, n int, what string, p progress, fn func(i int) error) error {
	const workers = 2
	var next, done atomic.Int64
	var failed atomic.Bool
	var once sync.Once
	var firstErr error
	var wg sync.WaitGroup
	step := max(10, n/5)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || failed.Load() || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { firstErr = err })
					failed.Store(true)
					return
				}
				if d := done.Add(1); d%int64(step) == 0 && int(d) < n {
					p.say("  %s: %d/%d", what, d, n)
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// loadSynthetic loads n synthetic plans, ente(i) each, each in its own
// transaction as `piao demo` does.
func loadSynthetic(ctx context.Context, st *store.Store, n int, ente func(i int) synth.Ente, p progress) error {
	return forEach(ctx, n, "plans loaded", p, func(i int) error {
		doc := ente(i).Doc
		if _, err := st.LoadPlan(ctx, doc, store.LoadOptions{Actor: "piaobench"}); err != nil {
			return fmt.Errorf("load %s: %w", doc.Ente.Slug, err)
		}
		return nil
	})
}

// importOptions are those of the demo's sample actuals (docs/DESIGN.md §5):
// approved, their periods closed so the public pages and files show them,
// and labelled as demo data.
var importOptions = store.ImportOptions{Actor: "piaobench", Status: "approved", ClosePeriods: true, Demo: true}

// importMeasurements writes the measurements of n plans, planAt(i) each,
// through the store, one plan per transaction, and returns how many rows it
// wrote.
func importMeasurements(ctx context.Context, st *store.Store, n int, planAt func(i int) (*plan.Document, []measure.Row), p progress) (int, error) {
	var written atomic.Int64
	err := forEach(ctx, n, "plans with measurements", p, func(i int) error {
		doc, rows := planAt(i)
		res, err := st.ImportMeasurements(ctx, doc.Ente.Slug, doc.Plan.Slug, rows, importOptions)
		if err != nil {
			return fmt.Errorf("measurements of %s: %w", doc.Ente.Slug, err)
		}
		written.Add(int64(res.Inserted + res.Updated + res.Unchanged))
		return nil
	})
	return int(written.Load()), err
}

// route is one URL under load.
type route struct {
	Key         string // stable name, for the targets table
	Label       string
	Path        string
	User        string // when set, every worker signs in as this account (password benchPassword) first
	Concurrency int    // workers; zero: -c
	Warmup      int    // at most this many warm-up requests; zero: -warmup
	// Conditional: the client has the file already and sends its ETag
	// (If-None-Match); only 304 counts as a success
	Conditional bool
}

// routes lists what the benchmark drives, the static asset first: it is the
// ceiling the others are compared with.
func routes(ref, syn *plan.Document) []route {
	planPath := func(d *plan.Document) string { return "/enti/" + d.Ente.Slug + "/piani/" + d.Plan.Slug }
	csvPath := func(d *plan.Document) string {
		return "/opendata/" + d.Ente.Slug + "/" + d.Plan.Slug + "/indicators.csv"
	}
	firstOperational := func(d *plan.Document) string {
		for _, o := range d.Objectives {
			if o.Kind == plan.KindOperational {
				return o.Code
			}
		}
		return d.Objectives[0].Code
	}
	refObjective := "O.3.3.1" // the reference plan's largest objective: nine indicators
	refEntry := "O.3.3.1/1"   // an indicator of the bench dirigente's position, in the open period of the saves
	synObjective := firstOperational(syn)
	return []route{
		{Key: "static", Label: "static app.css (ceiling)", Path: "/static/css/app.css"},
		{Key: "reference-tree", Label: "reference: plan tree", Path: planPath(ref), User: dashRefUser},
		{Key: "reference-objective", Label: "reference: objective " + refObjective, Path: planPath(ref) + "/obiettivi/" + refObjective, User: dashRefUser},
		{Key: "reference-entry", Label: "reference: entry form " + refEntry, Path: planPath(ref) + "/misurazioni/" + refEntry +
			"?periodo=" + strconv.Itoa(saveYear) + "-" + saveKind, User: benchUser},
		{Key: "reference-csv", Label: "reference: open data CSV", Path: csvPath(ref)},
		{Key: "synthetic-tree", Label: syn.Ente.Slug + ": plan tree", Path: planPath(syn), User: synUser},
		{Key: "synthetic-objective", Label: syn.Ente.Slug + ": objective " + synObjective, Path: planPath(syn) + "/obiettivi/" + synObjective, User: synUser},
		{Key: "synthetic-csv", Label: syn.Ente.Slug + ": open data CSV", Path: csvPath(syn)},
	}
}

var errNotLoopback = errors.New("piaobench only sends requests to loopback addresses")

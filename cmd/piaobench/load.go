package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/scoring"
	"github.com/piao-performance/piao/internal/synth"
)

// Bounds that no flag lifts.
const (
	requestTimeout = 30 * time.Second // one request
	warmupTimeout  = 30 * time.Second // the whole warm-up of one route
	engineMaxRuns  = 100_000          // scorings of the engine row
)

// The engine row scores the size the scoring issue sets: 10,000 objectives
// and 50,000 indicators, one year.
const (
	engineObjectives = 10_000
	engineIndicators = 50_000
	engineKey        = "engine"
	engineLabel      = "scoring (engine)"
)

// targets are the performance targets stated by issues, by route key; the
// table shows "—" for a route without one and, for the others, whether the
// run met it (see judge for the clauses it understands). Issue 17 states the
// public ones as ratios to the static asset, the ceiling of the same run.
var targets = map[string]string{
	engineKey:  "≤ 20 ms, ≤ 1 alloc/indicator",
	saveKey:    "p95 ≤ 30 ms",                  // on this machine, with the reference plan loaded
	dashRefKey: "p95 ≤ 25 ms, ≥ 1000 req/s",    // -cd clients (32), each signed in as the Segretario Generale
	dashBigKey: "p95 ≤ 100 ms, ≥ 0.15 ×static", // the same, on a plan of -big indicators (5,000)
	relRefPDF:  "p95 ≤ 500 ms",                 // one client; the full Relazione of the reference plan
	relRefXLSX: "p95 ≤ 300 ms",
	relBigPDF:  "p95 ≤ 5000 ms", // the Relazione of the -big ente (5,000 indicators)
	relBigXLSX: "p95 ≤ 5000 ms",

	"reference-csv":    "≥ 0.25 ×static", // anonymous open data, every ente
	pubRefJSON:         "≥ 0.25 ×static",
	"synthetic-csv":    "≥ 0.10 ×static", // the 500-indicator ente
	pubSynJSON:         "≥ 0.10 ×static",
	pubRefCSV304:       "≥ 0.5 ×static", // conditional GET of an unchanged file
	pubSynCSV304:       "≥ 0.5 ×static",
	pubRefTree:         "≥ 0.20 ×static", // anonymous public pages
	pubRefObjective:    "≥ 0.20 ×static",
	pubRefIndicator:    "≥ 0.20 ×static",
	pubRefTransparency: "≥ 0.20 ×static",
	pubRefRelazione:    "≥ 0.20 ×static",
	pubSynTree:         "≥ 0.10 ×static",
	pubSynObjective:    "≥ 0.10 ×static",
}

// routeResult is one line of the table.
type routeResult struct {
	Key           string   `json:"key"`
	Label         string   `json:"route"`
	Path          string   `json:"path,omitempty"`
	Concurrency   int      `json:"concurrency"`
	Requests      int      `json:"requests"`
	Errors        int      `json:"errors"`
	ErrorSample   string   `json:"error_sample,omitempty"`
	Capped        bool     `json:"capped"` // stopped by -max before -d ran out
	Seconds       float64  `json:"seconds"`
	RPS           float64  `json:"requests_per_second"`
	MeanMs        float64  `json:"mean_ms"`
	P50ms         float64  `json:"p50_ms"`
	P95ms         float64  `json:"p95_ms"`
	P99ms         float64  `json:"p99_ms"`
	MaxMs         float64  `json:"max_ms"`
	MeanBytes     int64    `json:"mean_bytes"`
	RatioToStatic *float64 `json:"ratio_to_static"` // null for the ceiling itself and the engine
	Target        string   `json:"target"`
	// Verdict says whether the run met Target: "met", "missed", "invalid"
	// (the run had errors), "unknown" (a clause judge does not understand) or
	// "" without a target; TargetMet is the same as a boolean, null unless met
	// or missed.
	Verdict   string `json:"verdict,omitempty"`
	TargetMet *bool  `json:"target_met"`
	// DBMsPerReq is the time per request spent in SQL statements, and Queries
	// the statements that took most of it (measured run only).
	DBMsPerReq float64     `json:"db_ms_per_request"`
	Queries    []queryStat `json:"top_queries,omitempty"`
	// Machine is the machine's CPU split and this process's collections
	// during the measured run.
	Machine *machineUse `json:"machine,omitempty"`
}

// checkLoopback refuses any URL whose host is not a loopback IP address.
func checkLoopback(u *url.URL) error {
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w: %s", errNotLoopback, u.Host)
	}
	return nil
}

// get fetches u and reads the whole body.
func get(ctx context.Context, c *http.Client, u string) (status int, n int64, err error) {
	return getIf(ctx, c, u, "", "", nil)
}

// bodyBuffer is the size of a worker's buffer for reading bodies.
// io.Discard reads 8 KiB at a time: 140 system calls for the 1.1 MiB
// open-data JSON, a cost of this process that a client elsewhere does not
// put on the server's machine. Large reads keep the load generator's share
// of the two CPUs small; the static ceiling is read the same way.
const bodyBuffer = 256 << 10

// getIf is get with If-None-Match etag and Accept-Encoding accept, each
// when not empty, reading the body into buf (nil: through io.Discard). A
// compressed body is read as sent: decompressing it is a client's work, not
// the server's.
func getIf(ctx context.Context, c *http.Client, u, etag, accept string, buf []byte) (status int, n int64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if buf == nil {
		n, err = io.Copy(io.Discard, resp.Body)
	} else {
		n, err = readAll(resp.Body, buf)
	}
	if err == nil && resp.StatusCode >= 300 && resp.StatusCode <= 399 && resp.StatusCode != http.StatusNotModified { // only clients that do not follow redirects see one
		err = fmt.Errorf("HTTP %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return resp.StatusCode, n, err
}

// acceptEncoding is what the workers send as Accept-Encoding: gzip, as a
// browser or a crawler does, unless -identity.
func acceptEncoding(o options) string {
	if o.Identity {
		return ""
	}
	return "gzip"
}

// readAll reads r to its end through buf and returns how many bytes it read.
func readAll(r io.Reader, buf []byte) (int64, error) {
	var n int64
	for {
		m, err := r.Read(buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// worker holds what one worker measured.
type worker struct {
	client  *http.Client
	buf     []byte // bodies are read through it
	accept  string // Accept-Encoding of its requests
	etag    string // conditional routes: sent as If-None-Match, and only 304 is a success
	base    int    // with replicas: the replica of this worker's next request
	lat     []time.Duration
	bytes   int64
	errors  int
	example string
}

func (w *worker) record(d time.Duration, status int, n int64, err error) {
	w.lat = append(w.lat, d)
	w.bytes += n
	switch {
	case err != nil:
		w.errors++
		if w.example == "" {
			w.example = err.Error()
		}
	case w.etag != "" && status != http.StatusNotModified:
		w.errors++
		if w.example == "" {
			w.example = fmt.Sprintf("HTTP %d to a conditional request of an unchanged file, not 304", status)
		}
	case w.etag == "" && (status < 200 || status > 299):
		w.errors++
		if w.example == "" {
			w.example = fmt.Sprintf("HTTP %d", status)
		}
	}
}

// drive warms a route up, then runs o.Concurrency workers (rt.Concurrency
// when set) on it for o.Duration or o.MaxRequests requests, whichever ends
// first. Each worker is one visitor: its own cookie jar, hence its own
// server-side session; with rt.User every worker signs in first, one session
// each, and does not follow redirects.
func drive(ctx context.Context, bases []string, rt route, o options, tracer *sqlTracer) (routeResult, error) {
	concurrency := o.Concurrency
	if rt.Concurrency > 0 {
		concurrency = rt.Concurrency
	}
	res := routeResult{Key: rt.Key, Label: rt.Label, Path: rt.Path, Concurrency: concurrency, Target: targets[rt.Key]}
	// one URL per replica: the workers take them in turn, request by request
	urls := make([]string, len(bases))
	for i, base := range bases {
		u, err := url.Parse(base + rt.Path)
		if err != nil {
			return res, err
		}
		if err := checkLoopback(u); err != nil {
			return res, err
		}
		urls[i] = u.String()
	}
	tr := &http.Transport{
		Proxy:                 nil, // loopback only, never through a proxy
		MaxIdleConns:          2 * concurrency,
		MaxIdleConnsPerHost:   2 * concurrency,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: requestTimeout,
		DisableCompression:    true,
	}
	defer tr.CloseIdleConnections()
	workers := make([]*worker, concurrency)
	for i := range workers {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return res, err
		}
		c := &http.Client{Transport: tr, Jar: jar, Timeout: requestTimeout}
		if rt.User != "" {
			// A signed-in visitor: its own session, and a redirect (to
			// /accedi when the session is missing) is an error, not a page.
			c.CheckRedirect = noRedirect
			if err := signIn(ctx, c, bases[i%len(bases)], rt.User, benchPassword); err != nil {
				return res, fmt.Errorf("%s: %w", rt.Label, err)
			}
		}
		workers[i] = &worker{client: c, base: i % len(urls), buf: make([]byte, bodyBuffer), accept: acceptEncoding(o)}
	}
	if rt.Conditional {
		// The client already has the file: every replica must give the same
		// validator, and answer 304 to it.
		etag, err := sameETag(ctx, workers[0].client, urls, acceptEncoding(o))
		if err != nil {
			return res, fmt.Errorf("%s: %w", rt.Label, err)
		}
		for _, w := range workers {
			w.etag = etag
		}
	}

	// Warm-up, not measured: every worker gets its session, the database its
	// plans in cache. Errors here show in the measured run too.
	warmEnd := time.Now().Add(warmupTimeout)
	warmup := o.Warmup
	if rt.Warmup > 0 {
		warmup = min(warmup, rt.Warmup)
	}
	for i := 0; i < warmup && time.Now().Before(warmEnd) && ctx.Err() == nil; i++ {
		w := workers[i%len(workers)]
		_, _, _ = getIf(ctx, w.client, urls[i%len(urls)], w.etag, w.accept, w.buf)
	}

	var issued atomic.Int64
	var capped atomic.Bool
	stopProfile, err := startProfile(o.CPUProfile, rt.Key)
	if err != nil {
		return res, err
	}
	tracer.reset()
	probe := startMachineProbe()
	start := time.Now()
	deadline := start.Add(o.Duration)
	var wg sync.WaitGroup
	for _, w := range workers {
		w.lat = make([]time.Duration, 0, min(o.MaxRequests/concurrency+1, 1<<16))
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if issued.Add(1) > int64(o.MaxRequests) {
					capped.Store(true)
					return
				}
				t := time.Now()
				u := urls[w.base]
				w.base = (w.base + 1) % len(urls)
				status, n, err := getIf(ctx, w.client, u, w.etag, w.accept, w.buf)
				w.record(time.Since(t), status, n, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	res.Machine = probe.end()
	if err := stopProfile(); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}

	tally(&res, workers, elapsed, capped.Load(), tracer)
	return res, nil
}

// sameETag fetches each URL (one per replica) and returns their ETag, an
// error unless all give the same one.
func sameETag(ctx context.Context, c *http.Client, urls []string, accept string) (string, error) {
	etag := ""
	for i, u := range urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return "", err
		}
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := c.Do(req)
		if err != nil {
			return "", err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		tag := resp.Header.Get("ETag")
		switch {
		case resp.StatusCode != http.StatusOK || tag == "":
			return "", fmt.Errorf("HTTP %d, ETag %q from %s", resp.StatusCode, tag, u)
		case i > 0 && tag != etag:
			return "", fmt.Errorf("replicas disagree on the version: ETag %q and %q", etag, tag)
		}
		etag = tag
	}
	return etag, nil
}

// tally adds up the workers' records into res, with the route's statements.
func tally(res *routeResult, workers []*worker, elapsed time.Duration, capped bool, tracer *sqlTracer) {
	var lat []time.Duration
	var bytes int64
	for _, w := range workers {
		lat = append(lat, w.lat...)
		bytes += w.bytes
		res.Errors += w.errors
		if res.ErrorSample == "" {
			res.ErrorSample = w.example
		}
	}
	res.Capped = capped
	summarise(res, lat, elapsed)
	res.Queries, res.DBMsPerReq = tracer.top(5, res.Requests)
	if res.Requests > 0 {
		res.MeanBytes = bytes / int64(res.Requests)
	}
}

// startProfile starts a CPU profile of the whole process (server, load
// generator and all) into dir/key.pprof, when dir is set; stop ends it.
func startProfile(dir, key string) (stop func() error, err error) {
	if dir == "" {
		return func() error { return nil }, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, key+".pprof"))
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		return nil
	}, nil
}

// summarise fills the counts, rate and latency percentiles (nearest rank).
func summarise(res *routeResult, lat []time.Duration, elapsed time.Duration) {
	res.Requests = len(lat)
	res.Seconds = elapsed.Seconds()
	if len(lat) == 0 || elapsed <= 0 {
		return
	}
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	toMs := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
	pct := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return toMs(lat[max(0, min(i, len(lat)-1))])
	}
	res.RPS = float64(len(lat)) / elapsed.Seconds()
	res.MeanMs = toMs(sum) / float64(len(lat))
	res.P50ms, res.P95ms, res.P99ms = pct(0.50), pct(0.95), pct(0.99)
	res.MaxMs = toMs(lat[len(lat)-1])
}

// engineInfo describes the engine row.
type engineInfo struct {
	Objectives         int     `json:"objectives"`
	Indicators         int     `json:"indicators"`
	Year               int     `json:"year"`
	GenerateSeconds    float64 `json:"generate_seconds"`
	CompileMs          float64 `json:"compile_ms"`
	AllocsPerScore     float64 `json:"allocs_per_score"`
	AllocsPerIndicator float64 `json:"allocs_per_indicator"`
	BytesPerScore      float64 `json:"bytes_per_score"`
}

type engineResult struct {
	Row  routeResult
	Info engineInfo
}

// scoreEngine times the pure scoring engine in this process, one scoring at
// a time (the latency a page would wait for), on the plan size.
func scoreEngine(ctx context.Context, o options) (engineResult, error) {
	out := engineResult{Row: routeResult{Key: engineKey, Label: engineLabel, Concurrency: 1, Target: targets[engineKey]}}
	year := o.StartYear
	t0 := time.Now()
	e := synth.Generate(synth.Config{Enti: 1, IndicatorsPerEnte: engineIndicators, ObjectivesPerEnte: engineObjectives,
		Years: 1, StartYear: year, Seed: o.Seed})[0]
	out.Info.GenerateSeconds = time.Since(t0).Seconds()
	snap := scoring.FromDocument(e.Doc, year, nil)
	t0 = time.Now()
	m, err := scoring.Compile(snap)
	if err != nil {
		return out, fmt.Errorf("compile the synthetic plan: %w", err)
	}
	out.Info.CompileMs = float64(time.Since(t0).Nanoseconds()) / 1e6
	out.Info.Objectives, out.Info.Indicators, out.Info.Year = len(m.Objectives), len(m.Indicators), year
	actuals := synth.Actuals(m, e.Measurements, year, measure.Final)
	behaviour := map[string]float64{"sg": 90, "dir-a": 80, "dir-b": 75}
	for range 5 { // warm-up
		m.Score(actuals, behaviour)
	}

	limit := min(o.MaxRequests, engineMaxRuns)
	lat := make([]time.Duration, 0, min(limit, 1<<16))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	deadline := start.Add(o.Duration)
	var last *scoring.Result
	for len(lat) < limit && time.Now().Before(deadline) && ctx.Err() == nil {
		t := time.Now()
		last = m.Score(actuals, behaviour)
		lat = append(lat, time.Since(t))
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err := ctx.Err(); err != nil {
		return out, err
	}
	if last == nil || !last.Ente.Has {
		out.Row.Errors, out.Row.ErrorSample = 1, "no ente score"
	}
	summarise(&out.Row, lat, elapsed)
	if n := float64(len(lat)); n > 0 {
		// The latency slice grows outside the engine: at most a few appends, noise at this scale.
		out.Info.AllocsPerScore = float64(after.Mallocs-before.Mallocs) / n
		out.Info.AllocsPerIndicator = out.Info.AllocsPerScore / float64(len(m.Indicators))
		out.Info.BytesPerScore = float64(after.TotalAlloc-before.TotalAlloc) / n
	}
	out.Row.Capped = len(lat) >= limit
	return out, nil
}

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// report is everything a run measured; the JSON file holds it as is.
type report struct {
	Started      string        `json:"started"`
	Go           string        `json:"go"`
	CPUs         int           `json:"cpus"`
	GOMAXPROCS   int           `json:"gomaxprocs"`
	Options      options       `json:"options"`
	Database     string        `json:"database"`
	Load         loadInfo      `json:"load"`
	Routes       []routeResult `json:"routes"`
	Engine       engineInfo    `json:"engine"`
	RSSBytes     int64         `json:"rss_bytes"`      // VmRSS at the end: server, load generator and engine share the process
	PeakRSSBytes int64         `json:"peak_rss_bytes"` // VmHWM
	// Replicas are the `piao serve` processes of -replicas, each with its own
	// peak memory; Consistency the checks that every replica serves the same
	// public version before and after the writes; Comparison the p95 of each
	// route beside the -compare run's
	Replicas    []replicaInfo      `json:"replicas,omitempty"`
	Consistency []consistencyCheck `json:"consistency"`
	Comparison  []comparison       `json:"comparison,omitempty"`
	// StaticDrift is the static file's p95 in both runs: no database, so
	// its ratio is the machine's own drift between them, printed beside
	// the routes' ratios (not a target).
	StaticDrift *comparison `json:"static_drift,omitempty"`
}

// loadInfo says what was loaded and how long it took.
type loadInfo struct {
	ReferenceSeconds    float64 `json:"reference_seconds"`
	GenerateSeconds     float64 `json:"generate_seconds"`
	SyntheticSeconds    float64 `json:"synthetic_seconds"`
	AnalyzeSeconds      float64 `json:"analyze_seconds"` // VACUUM (ANALYZE) and CHECKPOINT after loading
	SealedEvents        int     `json:"sealed_events"`   // audit events of the load, chained before serving
	SealSeconds         float64 `json:"seal_seconds"`
	Enti                int     `json:"synthetic_enti"`
	IndicatorsPerEnte   int     `json:"indicators_per_ente"`
	Measurements        int     `json:"measurements"` // rows imported, all plans (approved, periods closed, demo)
	MeasurementsSeconds float64 `json:"measurements_seconds"`
	BigEnte             string  `json:"big_ente"` // the large synthetic ente of the second dashboard route
	BigIndicators       int     `json:"big_ente_indicators"`
	BigGenerateSeconds  float64 `json:"big_ente_generate_seconds"`
	BigSeconds          float64 `json:"big_ente_load_seconds"`
}

// setDatabase records the database name (never the URL: it holds a password).
func (r *report) setDatabase(dbURL string) string {
	if u, err := url.Parse(dbURL); err == nil {
		r.Database = strings.TrimPrefix(u.Path, "/")
	}
	return r.Database
}

// ms formats milliseconds with sensible precision.
func ms(v float64) string {
	switch {
	case v < 1:
		return strconv.FormatFloat(v, 'f', 3, 64) + " ms"
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
}

func size(b int64) string {
	switch {
	case b <= 0:
		return "—"
	case b < 1024:
		return strconv.FormatInt(b, 10) + " B"
	case b < 1<<20:
		return strconv.FormatFloat(float64(b)/1024, 'f', 1, 64) + " KiB"
	}
	return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MiB"
}

func sqlPerReq(x routeResult) string {
	if x.Key == engineKey || len(x.Queries) == 0 {
		return "—"
	}
	return ms(x.DBMsPerReq)
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// printTable writes the results as one aligned text table and a few notes.
func printTable(w io.Writer, r *report) {
	header := []string{"route", "c", "requests", "req/s", "p50", "p95", "p99", "errors", "× static", "size", "SQL/req", "target", "met"}
	right := []bool{false, true, true, true, true, true, true, true, true, true, true, false, false}
	rows := [][]string{header}
	for _, x := range r.Routes {
		ratio := "—"
		if x.RatioToStatic != nil {
			ratio = strconv.FormatFloat(*x.RatioToStatic, 'f', 3, 64)
		}
		reqs := strconv.Itoa(x.Requests)
		if x.Capped {
			reqs += " (cap)"
		}
		rows = append(rows, []string{x.Label, strconv.Itoa(x.Concurrency), reqs, strconv.FormatFloat(x.RPS, 'f', 0, 64),
			ms(x.P50ms), ms(x.P95ms), ms(x.P99ms), strconv.Itoa(x.Errors), ratio, size(x.MeanBytes), sqlPerReq(x), dash(x.Target),
			dash(x.Verdict)})
	}
	width := make([]int, len(header))
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	bw := bufio.NewWriter(w)
	line := func(row []string) {
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				bw.WriteString("  ")
			}
			if right[i] {
				bw.WriteString(pad + c)
			} else if i < len(row)-1 {
				bw.WriteString(c + pad)
			} else {
				bw.WriteString(c)
			}
		}
		bw.WriteByte('\n')
	}
	total := len(width)*2 - 2
	for _, n := range width {
		total += n
	}
	line(rows[0])
	bw.WriteString(strings.Repeat("-", total) + "\n")
	for _, row := range rows[1:] {
		line(row)
	}
	fmt.Fprintln(bw, "SQL/req: time per request in SQL statements, from sending to reading the last row. Costliest statement per route:")
	for _, x := range r.Routes {
		if len(x.Queries) > 0 {
			q := x.Queries[0]
			fmt.Fprintf(bw, "  %-*s %s/req (%.0f%%, %.3g calls/req): %s\n", width[0], x.Label, ms(q.MsPerReq), 100*q.ShareOfDBTime,
				q.CallsPerReq, cut(q.SQL, 90))
		}
	}
	fmt.Fprintln(bw, "met: whether the run meets the route's target (a time bound without a statistic is judged on p95; a run with errors is invalid):")
	for _, x := range r.Routes {
		if x.Target != "" {
			v, _, why := judge(x.Target, x, r.Engine)
			if why != "" {
				v += " (" + why + ")"
			}
			fmt.Fprintf(bw, "  %-*s %s: %s\n", width[0], x.Label, x.Target, v)
		}
	}
	for _, x := range r.Routes {
		if x.Errors > 0 {
			fmt.Fprintf(bw, "errors on %s: %d, e.g. %s\n", x.Label, x.Errors, x.ErrorSample)
		}
	}
	if e := r.Engine; e.Indicators > 0 { // not run when -only leaves it out
		fmt.Fprintf(bw, "engine: %d objectives, %d indicators, year %d, scored in-process one at a time; compile %s; %.0f allocs/score = %.5f allocs/indicator; %s allocated/score\n",
			e.Objectives, e.Indicators, e.Year, ms(e.CompileMs), e.AllocsPerScore, e.AllocsPerIndicator, size(int64(e.BytesPerScore)))
	}
	l := r.Load
	fmt.Fprintf(bw, "load: reference plan in %.2fs; %d synthetic plans × %d indicators × %d years generated (%.1fs summed) and loaded one at a time in %.1fs; %d audit events sealed in %.1fs; VACUUM (ANALYZE) and CHECKPOINT %.1fs\n",
		l.ReferenceSeconds, l.Enti, l.IndicatorsPerEnte, r.Options.Years, l.GenerateSeconds, l.SyntheticSeconds, l.SealedEvents, l.SealSeconds, l.AnalyzeSeconds)
	fmt.Fprintf(bw, "dashboards: signed in as Segretario Generale, one session per client; large ente %s, %d indicators × %d years, generated in %.1fs, loaded in %.1fs\n",
		dash(l.BigEnte), l.BigIndicators, r.Options.Years, l.BigGenerateSeconds, l.BigSeconds)
	fmt.Fprintf(bw, "measurements: %d rows for all %d plans (approved, periods closed, labelled demo) imported in %.1fs; the reference plan's %d-%s left empty and open for the saves\n",
		l.Measurements, l.Enti+2, l.MeasurementsSeconds, saveYear, saveKind)
	fmt.Fprintf(bw, "process RSS at the end: %s (peak %s) — server, load generator and engine share this process\n",
		rssText(r.RSSBytes), rssText(r.PeakRSSBytes))
	printReplicas(bw, r)
	encoding := "Accept-Encoding: gzip (the size column is the bytes sent)"
	if r.Options.Identity {
		encoding = "no Accept-Encoding (-identity)"
	}
	fmt.Fprintf(bw, "run: %s, %d CPUs (GOMAXPROCS %d), -c %d (dashboards -cd %d), -d %s per route, clients send %s, database %s (dropped)\n",
		r.Go, r.CPUs, r.GOMAXPROCS, r.Options.Concurrency, r.Options.DashClients, r.Options.Duration, encoding, r.Database)
	_ = bw.Flush()
}

func rssText(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return size(b)
}

// rss reads the resident set size and its peak from /proc/self/status
// (Linux); zero elsewhere.
func rss() (current, peak int64) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for l := range strings.Lines(string(raw)) {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		f := strings.Fields(value) // "123456 kB"
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			current = kb * 1024
		case "VmHWM":
			peak = kb * 1024
		}
	}
	return current, peak
}

// writeJSON writes the report to path, creating its folder.
func writeJSON(path string, r *report) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

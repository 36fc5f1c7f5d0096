package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/store"
)

// Keys of the anonymous public routes (issue 17): pages and open data as a
// crawler reads them, and the conditional GET of a file it already has.
const (
	pubRefTree         = "public-reference-tree"
	pubRefObjective    = "public-reference-objective"
	pubRefIndicator    = "public-reference-indicator"
	pubRefTransparency = "public-reference-transparency"
	pubRefRelazione    = "public-reference-relazione"
	pubRefJSON         = "public-reference-json"
	pubRefCSV304       = "public-reference-csv-304"
	pubSynTree         = "public-synthetic-tree"
	pubSynObjective    = "public-synthetic-objective"
	pubSynJSON         = "public-synthetic-json"
	pubSynCSV304       = "public-synthetic-csv-304"
	pubIndex           = "public-opendata-index"

	flatMax = 1.25 // p95 with 10× the enti within this factor of the smaller run's
)

// publicRoutes are the anonymous reads of the published plan, served from
// the public cache (one version check per request).
func publicRoutes(ref, syn *plan.Document) []route {
	planPath := func(d *plan.Document) string { return "/enti/" + d.Ente.Slug + "/piani/" + d.Plan.Slug }
	data := func(d *plan.Document, file string) string {
		return "/opendata/" + d.Ente.Slug + "/" + d.Plan.Slug + "/" + file
	}
	tr := "/trasparenza/" + ref.Ente.Slug + "/" + ref.Plan.Slug
	synObjective := syn.Objectives[0].Code
	for _, o := range syn.Objectives {
		if o.Kind == plan.KindOperational {
			synObjective = o.Code
			break
		}
	}
	synName := syn.Ente.Slug
	return []route{
		{Key: pubRefTree, Label: "public reference: plan tree", Path: planPath(ref)},
		{Key: pubRefObjective, Label: "public reference: objective O.3.3.1", Path: planPath(ref) + "/obiettivi/O.3.3.1"},
		{Key: pubRefIndicator, Label: "public reference: indicator O.3.3.1/1", Path: planPath(ref) + "/indicatori/O.3.3.1/1"},
		{Key: pubRefTransparency, Label: "public reference: transparency", Path: tr},
		{Key: pubRefRelazione, Label: "public reference: Relazione " + strconv.Itoa(ref.Plan.StartYear), Path: tr + "/relazione/" + strconv.Itoa(ref.Plan.StartYear)},
		{Key: pubRefJSON, Label: "public reference: open data JSON", Path: data(ref, "indicators.json")},
		{Key: pubRefCSV304, Label: "public reference: CSV, 304", Path: data(ref, "indicators.csv"), Conditional: true},
		{Key: pubSynTree, Label: "public " + synName + ": plan tree", Path: planPath(syn)},
		{Key: pubSynObjective, Label: "public " + synName + ": objective " + synObjective, Path: planPath(syn) + "/obiettivi/" + synObjective},
		{Key: pubSynJSON, Label: "public " + synName + ": open data JSON", Path: data(syn, "indicators.json")},
		{Key: pubSynCSV304, Label: "public " + synName + ": CSV, 304", Path: data(syn, "indicators.csv"), Conditional: true},
		{Key: pubIndex, Label: "public: /opendata index", Path: "/opendata"},
	}
}

// validateFirstYear records the OIV's validation of the reference plan's
// first year (closed by the import), so that its transparency page and
// public Relazione have something to show. The decision is dated today in
// Rome, as the close is (from 23:00 UTC it is already tomorrow there).
func validateFirstYear(ctx context.Context, st *store.Store, ref *plan.Document) error {
	h, err := st.PlanHeader(ctx, ref.Ente.Slug, ref.Plan.Slug)
	if err != nil {
		return err
	}
	err = st.SetValidation(ctx, h, model.Validation{Year: ref.Plan.StartYear, Outcome: model.Validated,
		DecidedOn: time.Now().In(itfmt.Rome()), ActReference: "Verbale OIV (piaobench)", Document: []byte("%PDF-1.4\n%%EOF\n"),
		DocumentName: "validazione.pdf", DocumentType: "application/pdf"}, "", "piaobench")
	if err != nil {
		return fmt.Errorf("validate %d: %w", ref.Plan.StartYear, err)
	}
	return nil
}

// replicaInfo is one `piao serve` process of -replicas.
type replicaInfo struct {
	Addr         string `json:"addr"`
	PeakRSSBytes int64  `json:"peak_rss_bytes"` // VmHWM, read just before it is stopped
	ExitError    string `json:"exit_error,omitempty"`
}

type replicas struct {
	bases []string
	cmds  []*exec.Cmd
	done  []chan error
}

// startReplicas starts o.Replicas `piao serve` processes on the database,
// each on a free loopback port, and waits until each answers /readyz.
func startReplicas(ctx context.Context, o options, dbURL string, p progress) (*replicas, error) {
	rs := &replicas{}
	for i := 0; i < o.Replicas; i++ {
		// The port is free when chosen, but another process (a parallel test)
		// may take it before the replica binds it: the replica then exits and
		// the other process would answer in its place. So the replica must be
		// the one listening; if not, it starts again on another port.
		var err error
		for try := 1; try <= 3; try++ {
			if err = rs.start(ctx, o, dbURL, i); err == nil || ctx.Err() != nil {
				break
			}
			p.say("replica %d: %v (attempt %d)", i+1, err, try)
		}
		if err != nil {
			rs.stop()
			return nil, err
		}
		p.say("replica %d ready on %s (pid %d)", i+1, rs.bases[i], rs.cmds[i].Process.Pid)
	}
	return rs, nil
}

// start starts replica i and waits until it answers /readyz on its own
// socket; on failure the process is ended and not kept.
func (rs *replicas) start(ctx context.Context, o options, dbURL string, i int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(o.PiaoBin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PIAO_MIGRATE_DATABASE_URL=", "PIAO_ADDR="+addr,
		"PIAO_LOG_LEVEL=error", "PIAO_SMTP_HOST=")
	if o.Verbose {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start replica %d (%s): %w", i+1, o.PiaoBin, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	fail := func(err error) error {
		_ = cmd.Process.Kill()
		<-done
		return err
	}
	base := "http://" + addr
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := c.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && listensOn(cmd.Process.Pid, port) {
				break
			}
		}
		select {
		case err := <-done:
			return fmt.Errorf("replica %d exited: %v", i+1, err)
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(100 * time.Millisecond): // polling a process that starts; not a measurement
		}
		if time.Now().After(deadline) {
			return fail(fmt.Errorf("replica %d not ready on %s within a minute", i+1, base))
		}
	}
	rs.bases, rs.cmds, rs.done = append(rs.bases, base), append(rs.cmds, cmd), append(rs.done, done)
	return nil
}

// listensOn says whether process pid holds the listening TCP socket of port
// (Linux: /proc/net/tcp gives the socket's inode, /proc/pid/fd the
// process's sockets). Without /proc it cannot tell and says yes.
func listensOn(pid, port int) bool {
	inodes := map[string]bool{}
	tables := 0
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		tables++
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			// local address (hex ip:port), state 0A is LISTEN, inode is field 9
			if len(f) > 9 && f[3] == "0A" && strings.HasSuffix(f[1], fmt.Sprintf(":%04X", port)) {
				inodes["socket:["+f[9]+"]"] = true
			}
		}
	}
	if tables == 0 {
		return true
	}
	fds, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		return false
	}
	for _, fd := range fds {
		if link, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/" + fd.Name()); err == nil && inodes[link] {
			return true
		}
	}
	return false
}

// stop reads each replica's peak memory, then ends it with SIGTERM (the
// graceful shutdown of `piao serve`).
func (rs *replicas) stop() []replicaInfo {
	var out []replicaInfo
	for i, cmd := range rs.cmds {
		info := replicaInfo{Addr: strings.TrimPrefix(rs.bases[i], "http://")}
		info.PeakRSSBytes = peakRSS(cmd.Process.Pid)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-rs.done[i]:
			if err != nil {
				info.ExitError = err.Error()
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			info.ExitError = "did not stop within 20 s; killed"
			<-rs.done[i]
		}
		out = append(out, info)
	}
	return out
}

// peakRSS is VmHWM of process pid (Linux), zero when unknown.
func peakRSS(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fields := strings.Fields(v)
			if len(fields) == 2 {
				kb, _ := strconv.ParseInt(fields[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// consistencyCheck says whether every replica served the same version of
// a public file.
type consistencyCheck struct {
	When  string   `json:"when"` // "before the writes", "after the writes"
	Path  string   `json:"path"`
	ETags []string `json:"etags"` // one per replica
	Same  bool     `json:"same"`  // same ETag and bytes on every replica
	Moved bool     `json:"moved"` // after the writes: the version moved on from before
}

// checkConsistency fetches the reference plan's public files and tree from
// every replica: each must give the same ETag and bytes; after the writes
// (the saves, spread over the replicas, and a period reopened and closed
// again through the store, as another replica would) the version must have
// moved on everywhere. A failed check is an error: the run is not valid.
func checkConsistency(ctx context.Context, st *store.Store, ref *plan.Document, bases []string, after bool) ([]consistencyCheck, error) {
	paths := []string{"/opendata/" + ref.Ente.Slug + "/" + ref.Plan.Slug + "/indicators.csv",
		"/opendata/" + ref.Ente.Slug + "/" + ref.Plan.Slug + "/indicators.json",
		"/enti/" + ref.Ente.Slug + "/piani/" + ref.Plan.Slug}
	before := map[string]string{}
	when := "before the writes"
	if after {
		when = "after the writes"
		// warm every replica's cache with the current version, then write
		for _, p := range paths {
			etags, _, err := fetchAll(ctx, bases, p)
			if err != nil {
				return nil, err
			}
			before[p] = etags[0]
		}
		if err := reopenAndClose(ctx, st, ref); err != nil {
			return nil, err
		}
	}
	var out []consistencyCheck
	for _, p := range paths {
		etags, bodies, err := fetchAll(ctx, bases, p)
		if err != nil {
			return nil, err
		}
		c := consistencyCheck{When: when, Path: p, ETags: etags, Same: true}
		for i := range etags {
			c.Same = c.Same && etags[i] == etags[0] && bodies[i] == bodies[0]
		}
		if after {
			c.Moved = etags[0] != before[p]
		}
		out = append(out, c)
		if !c.Same || (after && !c.Moved) {
			return out, fmt.Errorf("replicas inconsistent %s on %s: ETags %v (before: %q)", when, p, etags, before[p])
		}
	}
	return out, nil
}

// reopenAndClose reopens the reference plan's first final period and closes
// it again, directly in the database as another replica would.
func reopenAndClose(ctx context.Context, st *store.Store, ref *plan.Document) error {
	h, err := st.PlanHeader(ctx, ref.Ente.Slug, ref.Plan.Slug)
	if err != nil {
		return err
	}
	sg := benchActor()
	p, err := st.Period(ctx, h.ID, ref.Plan.StartYear, "final")
	if err != nil {
		return err
	}
	if err := st.SetPeriodClosed(ctx, h, p, false, "piaobench: prova di coerenza tra repliche", sg); err != nil {
		return fmt.Errorf("reopen: %w", err)
	}
	if p, err = st.Period(ctx, h.ID, ref.Plan.StartYear, "final"); err != nil {
		return err
	}
	if err := st.SetPeriodClosed(ctx, h, p, true, "", sg); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

func fetchAll(ctx context.Context, bases []string, path string) (etags, bodies []string, err error) {
	c := &http.Client{Timeout: requestTimeout}
	for _, base := range bases {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return nil, nil, err
		}
		resp, err := c.Do(req)
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, nil, fmt.Errorf("%s%s: HTTP %d", base, path, resp.StatusCode)
		}
		etags, bodies = append(etags, resp.Header.Get("ETag")), append(bodies, string(b))
	}
	return etags, bodies, nil
}

// comparison is one route's p95 in this run and in the -compare run.
type comparison struct {
	Key         string  `json:"key"`
	Label       string  `json:"route"`
	EarlierEnti int     `json:"earlier_enti"`
	EarlierP95  float64 `json:"earlier_p95_ms"`
	Enti        int     `json:"enti"`
	P95         float64 `json:"p95_ms"`
	Ratio       float64 `json:"ratio"`
	Flat        bool    `json:"flat"` // ratio ≤ flatMax
}

func readJSON(path string) (*report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(r.Routes) == 0 {
		return nil, errors.New(path + ": no routes")
	}
	return &r, nil
}

// compare sets Comparison: the routes of both runs (but the engine, which
// does not read the database), p95 against p95.
func (r *report) compare(earlier *report) {
	old := map[string]routeResult{}
	for _, x := range earlier.Routes {
		old[x.Key] = x
	}
	for _, x := range r.Routes {
		e, ok := old[x.Key]
		if ok && x.Key == "static" && e.P95ms > 0 {
			r.StaticDrift = &comparison{Key: x.Key, Label: x.Label, EarlierEnti: earlier.Load.Enti, EarlierP95: e.P95ms,
				Enti: r.Load.Enti, P95: x.P95ms, Ratio: x.P95ms / e.P95ms}
		}
		if !ok || x.Key == engineKey || x.Key == "static" || e.P95ms <= 0 {
			continue
		}
		c := comparison{Key: x.Key, Label: x.Label, EarlierEnti: earlier.Load.Enti, EarlierP95: e.P95ms, Enti: r.Load.Enti, P95: x.P95ms}
		c.Ratio = x.P95ms / e.P95ms
		c.Flat = c.Ratio <= flatMax
		r.Comparison = append(r.Comparison, c)
	}
}

// printReplicas writes the replicas, the consistency checks and the
// comparison with an earlier run, when there are any.
func printReplicas(w io.Writer, r *report) {
	for i, x := range r.Replicas {
		fmt.Fprintf(w, "replica %d (%s): server peak RSS %s", i+1, x.Addr, rssText(x.PeakRSSBytes))
		if x.ExitError != "" {
			fmt.Fprintf(w, ", exit: %s", x.ExitError)
		}
		fmt.Fprintln(w)
	}
	for _, c := range r.Consistency {
		verdict := "same on every replica"
		if !c.Same {
			verdict = "DIFFERENT"
		}
		if c.When == "after the writes" {
			if c.Moved {
				verdict += ", new version"
			} else {
				verdict += ", STALE"
			}
		}
		fmt.Fprintf(w, "consistency %s: %s %v: %s\n", c.When, c.Path, c.ETags, verdict)
	}
	if len(r.Replicas) > 0 {
		v := "passed"
		if why := replicaFailures(r); len(why) > 0 {
			v = "FAILED: " + strings.Join(why, "; ")
		}
		fmt.Fprintf(w, "replicas (every route without errors, the saves within their p95 target, the same version on every replica before and after the writes, each replica still running at the end): %s\n", v)
	}
	if len(r.Comparison) > 0 {
		fmt.Fprintf(w, "flat with growth (p95 at %d enti ÷ p95 at %d enti, target ≤ %.2f):\n", r.Comparison[0].Enti, r.Comparison[0].EarlierEnti, flatMax)
		for _, c := range r.Comparison {
			v := "met"
			if !c.Flat {
				v = "not met"
			}
			fmt.Fprintf(w, "  %-44s %9s  %9s  %5.2f  %s\n", c.Label, ms(c.EarlierP95), ms(c.P95), c.Ratio, v)
		}
		if d := r.StaticDrift; d != nil {
			fmt.Fprintf(w, "  %-44s %9s  %9s  %5.2f  (no database: the machine's own drift between the runs, not a target)\n",
				d.Label, ms(d.EarlierP95), ms(d.P95), d.Ratio)
		}
	}
}

// replicaFailures lists what keeps a run across replicas from passing: the
// criteria of README's "Running several instances" (errors, the saves' p95,
// consistency, a replica that exited). The ratios to the static file are
// judged route by route like in one process, not here: they measure the
// machine's two cores shared by several servers, not the replicas' design.
func replicaFailures(r *report) []string {
	var why []string
	saves := false
	for _, x := range r.Routes {
		if x.Errors > 0 {
			why = append(why, fmt.Sprintf("%d errors on %s", x.Errors, x.Label))
		}
		if x.Key == saveKey {
			saves = true
			if x.Verdict != "met" {
				why = append(why, fmt.Sprintf("%s %s (p95 %s)", x.Label, dash(x.Verdict), ms(x.P95ms)))
			}
		}
	}
	if !saves {
		why = append(why, "no saves were measured")
	}
	before, after := false, false
	for _, c := range r.Consistency {
		switch {
		case !c.Same:
			why = append(why, "different versions "+c.When+" on "+c.Path)
		case c.When == "after the writes" && !c.Moved:
			why = append(why, "stale version after the writes on "+c.Path)
		}
		before = before || c.When == "before the writes"
		after = after || c.When == "after the writes"
	}
	if !before || !after {
		why = append(why, "consistency not checked before and after the writes")
	}
	for i, x := range r.Replicas {
		if x.ExitError != "" {
			why = append(why, fmt.Sprintf("replica %d exited: %s", i+1, x.ExitError))
		}
	}
	return why
}

// benchActor is the Segretario Generale the store-side writes are made as.
func benchActor() auth.User { return auth.User{Username: "piaobench", Role: auth.Segretario} }

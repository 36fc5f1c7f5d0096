package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/measure"
	"github.com/piao-performance/piao/internal/password"
	"github.com/piao-performance/piao/internal/plan"
	"github.com/piao-performance/piao/internal/store"
)

// The "measurement save" route: a signed-in dirigente saves one measurement
// through the real handler (POST of the entry form: checks, one transaction
// with its audit event, the redirect). Each worker saves its own indicator
// with its own version counter, so concurrent saves never conflict; only the
// POST is timed, not following the redirect.
const (
	saveKey   = "measurement-save"
	saveLabel = "reference: measurement save"

	// saveYear and saveKind name the period the saves go to: the loader
	// leaves it out of the reference plan's measurements, so it stays open
	// and empty (see withoutPeriod).
	saveYear = 2024
	saveKind = measure.Midyear

	benchUser     = "bench.dirigente"
	benchPassword = "a-long-bench-password"
	benchPosition = "dir-prm" // the reference plan's Dirigente dell'Area Promozione
)

// withoutPeriod returns rows without those of the period year/kind.
func withoutPeriod(rows []measure.Row, year int, kind string) []measure.Row {
	return slices.DeleteFunc(slices.Clone(rows), func(r measure.Row) bool { return r.Year == year && r.Period == kind })
}

// saveIndicator is an indicator a worker saves, with what its form asks for.
type saveIndicator struct {
	Key     string
	Formula plan.Formula
	Inputs  []string // input keys of computed indicators (numerator, denominator…)
}

// saveIndicators lists the indicators the position may enter values for
// (those of the objectives it owns, derived ones excepted): typed values
// first, the commonest form, and among them those of the largest objectives
// first (the handler reads the whole objective of the indicator), so a small
// -c does not pick the cheapest saves.
func saveIndicators(doc *plan.Document, position string) []saveIndicator {
	type candidate struct {
		saveIndicator
		siblings int
	}
	var all []candidate
	for _, o := range doc.Objectives {
		if !slices.Contains(o.Owners, position) {
			continue
		}
		for _, in := range o.Indicators {
			if in.Formula == plan.FormulaDerived {
				continue
			}
			c := candidate{saveIndicator{Key: in.Key, Formula: in.Formula}, len(o.Indicators)}
			for _, x := range in.Inputs {
				c.Inputs = append(c.Inputs, x.Key)
			}
			all = append(all, c)
		}
	}
	slices.SortStableFunc(all, func(a, b candidate) int {
		ad, bd := a.Formula == plan.FormulaDirect, b.Formula == plan.FormulaDirect
		switch {
		case ad != bd && ad:
			return -1
		case ad != bd:
			return 1
		}
		return b.siblings - a.siblings
	})
	out := make([]saveIndicator, len(all))
	for i, c := range all {
		out[i] = c.saveIndicator
	}
	return out
}

// fields are the form's values for the n-th save of an indicator (each save
// changes the value, as a correction would).
func (s saveIndicator) fields(n, version int) url.Values {
	v := url.Values{"versione": {strconv.Itoa(version)}, "motivo": {""}, "nota": {""}, "azione": {"salva"}}
	switch {
	case s.Formula == plan.FormulaYesNo:
		v.Set("valore", []string{"SI", "NO"}[n%2])
	case s.Formula == plan.FormulaDirect:
		v.Set("valore", strconv.Itoa(150+n%60)) // integers: no decimal separator to get wrong
	default:
		for i, k := range s.Inputs { // all positive: no zero denominator or previous-year value
			x := 100
			if i == 0 {
				x = 40 + n%60
			}
			v.Set("in_"+k, strconv.Itoa(x))
		}
	}
	return v
}

// multipartBody encodes v as the browser sends the entry form
// (enctype="multipart/form-data", no attachment).
func multipartBody(v url.Values) (body []byte, contentType string, err error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, x := range v[k] {
			if err := mw.WriteField(k, x); err != nil {
				return nil, "", err
			}
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), mw.FormDataContentType(), nil
}

// createBenchUser adds the dirigente the save route signs in as.
func createBenchUser(ctx context.Context, st *store.Store, ente string) error {
	hash, err := password.Hash(benchPassword)
	if err != nil {
		return fmt.Errorf("bench account: %w", err)
	}
	_, err = st.CreateUser(ctx, store.NewUser{Ente: ente, Username: benchUser, DisplayName: "Dirigente (benchmark)",
		Role: auth.Dirigente, Position: benchPosition, PasswordHash: hash}, "piaobench")
	if err != nil {
		return fmt.Errorf("bench account: %w", err)
	}
	return nil
}

// checkSavePeriod makes sure the period of the saves is open: a closed one
// would make every save a 409.
func checkSavePeriod(ctx context.Context, st *store.Store, doc *plan.Document) error {
	h, err := st.PlanHeader(ctx, doc.Ente.Slug, doc.Plan.Slug)
	if err != nil {
		return err
	}
	p, err := st.Period(ctx, h.ID, saveYear, saveKind)
	if err != nil {
		return fmt.Errorf("period %d-%s of %s: %w", saveYear, saveKind, doc.Plan.Slug, err)
	}
	if p.Closed() {
		return fmt.Errorf("period %d-%s of %s is closed: the saves need an open period", saveYear, saveKind, doc.Plan.Slug)
	}
	return nil
}

// noRedirect makes a client return a redirect instead of following it.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// signIn posts the sign-in form; success is a 303 to somewhere else than
// the sign-in page, with the session cookie in c's jar.
func signIn(ctx context.Context, c *http.Client, base, username, password string) error {
	form := url.Values{"username": {username}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/accedi", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<20))
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "/accedi") {
		return fmt.Errorf("sign in as %s: HTTP %d, Location %q", username, resp.StatusCode, loc)
	}
	return nil
}

// versionRe finds the entry form's version field (the first one on the
// page is the form's own).
var versionRe = regexp.MustCompile(`name="versione" value="(\d+)"`)

func versionIn(page []byte) (int, bool) {
	m := versionRe.FindSubmatch(page)
	if m == nil {
		return 0, false
	}
	v, err := strconv.Atoi(string(m[1]))
	return v, err == nil
}

// readVersion reads the version the entry page's form carries.
func readVersion(ctx context.Context, c *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	v, ok := versionIn(page)
	if !ok {
		return 0, fmt.Errorf("GET %s: no entry form (is the period open and the indicator the dirigente's?)", u)
	}
	return v, nil
}

// saver is one worker of the save route: one signed-in session, one
// indicator, its version counter.
type saver struct {
	worker
	ind     saveIndicator
	url     string
	version int
	saves   int // successful saves, for the next value
}

// save posts the entry form once and returns the time of the POST alone.
// On success the version moves on; on anything else it is read again (409
// page, or the entry page), outside the timing, so one failure does not
// turn every later save into a conflict.
func (s *saver) save(ctx context.Context) (d time.Duration, status int, n int64, err error) {
	body, ct, err := multipartBody(s.ind.fields(s.saves, s.version))
	if err != nil {
		return 0, 0, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, 0, err
	}
	req.Header.Set("Content-Type", ct)
	t := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return time.Since(t), 0, 0, err
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	resp.Body.Close()
	d = time.Since(t)
	status, n = resp.StatusCode, int64(len(page))
	if err != nil {
		return d, status, n, err
	}
	if status == http.StatusSeeOther && strings.Contains(resp.Header.Get("Location"), "salvato=1") {
		s.version++
		s.saves++
		return d, status, n, nil
	}
	if v, ok := versionIn(page); ok && status == http.StatusConflict {
		s.version = v
	} else if v, rerr := readVersion(ctx, s.client, s.url); rerr == nil {
		s.version = v
	}
	switch status {
	case http.StatusConflict:
		return d, status, n, errors.New("HTTP 409: version conflict (stale version sent) or period closed")
	case http.StatusSeeOther:
		return d, status, n, fmt.Errorf("HTTP 303 to %s, not the saved entry", resp.Header.Get("Location"))
	}
	return d, status, n, fmt.Errorf("HTTP %d", status)
}

// recordSave counts one save: a success is the 303 back to the entry.
func (w *worker) recordSave(d time.Duration, n int64, err error) {
	w.lat = append(w.lat, d)
	w.bytes += n
	if err != nil {
		w.errors++
		if w.example == "" {
			w.example = err.Error()
		}
	}
}

// driveSaves signs in one session per worker, warms up with o.Warmup saves
// (not measured; the first save of each indicator inserts, the others
// update), then runs the workers for o.Duration or o.MaxRequests saves.
// There are at most as many workers as indicators to save. With several
// replicas (bases), worker i saves through replica i mod len(bases).
func driveSaves(ctx context.Context, bases []string, doc *plan.Document, o options, tracer *sqlTracer) (routeResult, error) {
	inds := saveIndicators(doc, benchPosition)
	res := routeResult{Key: saveKey, Label: saveLabel, Concurrency: min(o.Concurrency, len(inds)), Target: targets[saveKey]}
	if len(inds) == 0 {
		return res, fmt.Errorf("no indicator of %s to save", benchPosition)
	}
	for _, base := range bases {
		b, err := url.Parse(base)
		if err != nil {
			return res, err
		}
		if err := checkLoopback(b); err != nil {
			return res, err
		}
	}
	base := bases[0]
	entryURL := func(base, key string) string {
		return base + "/enti/" + doc.Ente.Slug + "/piani/" + doc.Plan.Slug + "/misurazioni/" + key +
			"?periodo=" + strconv.Itoa(saveYear) + "-" + saveKind
	}
	res.Path = strings.TrimPrefix(entryURL(base, inds[0].Key), base)
	tr := &http.Transport{
		Proxy:                 nil, // loopback only, never through a proxy
		MaxIdleConns:          2 * res.Concurrency,
		MaxIdleConnsPerHost:   2 * res.Concurrency,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: requestTimeout,
		DisableCompression:    true,
	}
	defer tr.CloseIdleConnections()
	savers := make([]*saver, res.Concurrency)
	for i := range savers {
		jar, err := cookiejar.New(nil)
		if err != nil {
			return res, err
		}
		c := &http.Client{Transport: tr, Jar: jar, Timeout: requestTimeout, CheckRedirect: noRedirect}
		// signed in on the next replica, saving through its own: sessions live in the database
		if err := signIn(ctx, c, bases[(i+1)%len(bases)], benchUser, benchPassword); err != nil {
			return res, err
		}
		s := &saver{worker: worker{client: c}, ind: inds[i], url: entryURL(bases[i%len(bases)], inds[i].Key)}
		if s.version, err = readVersion(ctx, c, s.url); err != nil {
			return res, err
		}
		savers[i] = s
	}

	warmEnd := time.Now().Add(warmupTimeout)
	for i := 0; i < o.Warmup && time.Now().Before(warmEnd) && ctx.Err() == nil; i++ {
		_, _, _, _ = savers[i%len(savers)].save(ctx)
	}

	var issued atomic.Int64
	var capped atomic.Bool
	stopProfile, err := startProfile(o.CPUProfile, saveKey)
	if err != nil {
		return res, err
	}
	tracer.reset()
	start := time.Now()
	deadline := start.Add(o.Duration)
	var wg sync.WaitGroup
	for _, s := range savers {
		s.lat = make([]time.Duration, 0, min(o.MaxRequests/len(savers)+1, 1<<16))
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if issued.Add(1) > int64(o.MaxRequests) {
					capped.Store(true)
					return
				}
				d, _, n, err := s.save(ctx)
				s.recordSave(d, n, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := stopProfile(); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	workers := make([]*worker, len(savers))
	for i, s := range savers {
		workers[i] = &s.worker
	}
	tally(&res, workers, elapsed, capped.Load(), tracer)
	return res, nil
}

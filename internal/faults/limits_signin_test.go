//go:build limits

package faults_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// limitsDuration is how long a hostile-load run lasts: 30 s, or
// PIAO_LIMITS_SECONDS.
func limitsDuration(t *testing.T) time.Duration {
	t.Helper()
	if v := os.Getenv("PIAO_LIMITS_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PIAO_LIMITS_SECONDS %q: a whole number of seconds", v)
		}
		return time.Duration(n) * time.Second
	}
	return 30 * time.Second
}

// procStatus reads a field of /proc/PID/status in kB, as bytes.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// TestLimitsConcurrentSignIns: 500 concurrent anonymous sign-ins for 30 s,
// each from its own address behind a trusted proxy (so that throttling does
// not stop them: the worst case, a botnet), keep the server under 600 MB
// (VmHWM) and a signed-in user's pages answering 200.
func TestLimitsConcurrentSignIns(t *testing.T) {
	const workers = 500
	const maxRSS = 600 << 20
	db := startCluster(t)
	loadDemo(t, db.URL())
	a := startApp(t, db.URL(), "PIAO_TRUSTED_PROXIES=127.0.0.1/32")
	pid := a.cmd.Process.Pid
	user := client(t)
	a.signIn(t, user, "segretario")
	idle := procStatus(t, pid, "VmRSS")

	run := limitsDuration(t)
	stop := time.Now().Add(run)
	var wg sync.WaitGroup
	var seq atomic.Int64
	var mu sync.Mutex
	codes := map[int]int{}
	errs := 0
	transport := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: 0}
	defer transport.CloseIdleConnections()
	attacker := &http.Client{Transport: transport, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				n := seq.Add(1)
				form := url.Values{"username": {fmt.Sprintf("nessuno%d", n%997)}, "password": {"password-sbagliata-" + strconv.Itoa(w)}}
				req, _ := http.NewRequest(http.MethodPost, a.base+"/accedi", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
				res, err := do(attacker, req)
				mu.Lock()
				if err != nil {
					errs++
				} else {
					codes[res.status]++
				}
				mu.Unlock()
			}
		}()
	}
	// the signed-in user keeps working meanwhile
	pages, slowest := 0, time.Duration(0)
	for time.Now().Before(stop) {
		for _, p := range []string{"/area-riservata", refPlan + "/cruscotto", refPlan + "/misurazioni"} {
			start := time.Now()
			r := get(t, user, a.base+p)
			if r.status != http.StatusOK {
				t.Errorf("signed-in %s during the flood: %s", p, r)
			}
			slowest = max(slowest, time.Since(start))
			pages++
		}
	}
	wg.Wait()
	a.mustRun(t)
	hwm := procStatus(t, pid, "VmHWM")
	t.Logf("%d workers for %s: answers %v, transport errors %d; signed-in pages %d (slowest %s); RSS idle %d MiB, peak (VmHWM) %d MiB",
		workers, run, codes, errs, pages, slowest.Round(time.Millisecond), idle>>20, hwm>>20)
	if hwm > maxRSS {
		t.Errorf("peak RSS %d MiB, limit %d MiB", hwm>>20, maxRSS>>20)
	}
	if codes[http.StatusUnauthorized] == 0 || codes[http.StatusServiceUnavailable] == 0 {
		t.Errorf("expected both checked (401) and refused (503) sign-ins: %v", codes)
	}
	if errs > 0 {
		t.Errorf("%d sign-ins got no HTTP answer", errs)
	}
}

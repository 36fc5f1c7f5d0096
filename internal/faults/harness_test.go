package faults_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/pgembed"
)

// Fixed facts of the reference plan that `piao demo` loads.
const (
	demoPassword = "password-prova-guasti" // PIAO_DEMO_PASSWORD for the demo accounts
	dirigente    = "dir.promozione"        // owns objective O.3.3.1 (position dir-prm)
	refPlan      = "/enti/cciaa-gran-sasso/piani/piao-2023-2025"
	entryKey     = "O.3.3.1/1" // mediations started: direct value, target ≥ 200
	entryPath    = refPlan + "/misurazioni/" + entryKey
	period       = "?periodo=2023-final"
	dbName       = "piao"

	// shutdownTimeout is PIAO_SHUTDOWN_TIMEOUT of the servers started here.
	shutdownTimeout = 20 * time.Second
	// deadline bounds every wait for a state change; polls run every 100 ms.
	deadline = 30 * time.Second
)

// piaoBin is the binary under test, built once by TestMain.
var piaoBin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		fmt.Println("faults: skipped with -short (they build and run the binary against its own PostgreSQL)")
		return 0
	}
	dir, err := os.MkdirTemp("", "piao-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The tests must be able to exec the binary when they run as root and
	// pgembed makes the temp folders traversable for its system user.
	piaoBin = filepath.Join(dir, "piao")
	gotool, err := exec.LookPath("go") // go test puts GOROOT/bin first on PATH
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults: the go command is needed to build bin/piao:", err)
		return 1
	}
	build := exec.Command(gotool, "build", "-trimpath", "-o", piaoBin, "github.com/piao-performance/piao/cmd/piao")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "faults: build piao: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// cluster is a private PostgreSQL cluster in the test's temp folder: stopping
// it affects no other test.
type cluster struct {
	dir  string
	port int
	pg   *pgembed.Cluster
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	ctx := context.Background()
	c := &cluster{dir: filepath.Join(t.TempDir(), "postgres")}
	pg, err := pgembed.Start(ctx, pgembed.Config{Dir: c.dir, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("start the private PostgreSQL of this test: %v", err)
	}
	c.pg, c.port = pg, pg.Port()
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.pg.Stop(sctx); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	})
	conn, err := pgx.Connect(ctx, pg.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+dbName); err != nil {
		t.Fatal(err)
	}
	return c
}

// URL is the application database's URL; the same after a restart.
func (c *cluster) URL() string { return c.pg.URL(dbName) }

// stop shuts PostgreSQL down with pg_ctl stop -m fast.
func (c *cluster) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.pg.Stop(ctx); err != nil {
		t.Fatalf("stop PostgreSQL: %v", err)
	}
}

// restart starts the same data folder on the same port again.
func (c *cluster) restart(t *testing.T) {
	t.Helper()
	pg, err := pgembed.Start(context.Background(), pgembed.Config{Dir: c.dir, Port: c.port, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("restart PostgreSQL on port %d: %v", c.port, err)
	}
	c.pg = pg
}

// conn opens a direct connection for checks, closed when the test ends.
func (c *cluster) conn(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.URL())
	if err != nil {
		t.Fatalf("connect to check the database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// childEnv is the environment of the piao processes: ours without any PIAO_
// or DATABASE_URL setting of the caller (make test sets some), plus extra.
func childEnv(t *testing.T, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PIAO_") || strings.HasPrefix(kv, "DATABASE_URL=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, append([]string{"PIAO_DATA_DIR=" + t.TempDir(), "PIAO_LOG_FORMAT=json"}, extra...)...)
}

// loadDemo runs `piao demo`: migrations, the reference plan and the demo accounts.
func loadDemo(t *testing.T, dbURL string) {
	t.Helper()
	cmd := exec.Command(piaoBin, "demo")
	cmd.Env = childEnv(t, "DATABASE_URL="+dbURL, "PIAO_DEMO_PASSWORD="+demoPassword, "PIAO_LOG_LEVEL=warn")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("piao demo: %v\n%s", err, out)
	}
}

// app is `piao serve` running as a child process.
type app struct {
	cmd  *exec.Cmd
	base string
	log  *logBuffer
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, set before done is closed
}

// startApp runs `piao serve` on a free port and waits until it listens;
// extra are more environment settings (NAME=value).
func startApp(t *testing.T, dbURL string, extra ...string) *app {
	t.Helper()
	a := &app{log: &logBuffer{}, done: make(chan struct{})}
	a.cmd = exec.Command(piaoBin, "serve")
	a.cmd.Env = childEnv(t, append([]string{"DATABASE_URL=" + dbURL, "PIAO_ADDR=127.0.0.1:0", "PIAO_LOG_LEVEL=info",
		"PIAO_SHUTDOWN_TIMEOUT=" + shutdownTimeout.String()}, extra...)...)
	a.cmd.Stdout, a.cmd.Stderr = a.log, a.log
	if err := a.cmd.Start(); err != nil {
		t.Fatalf("start piao serve: %v", err)
	}
	go func() {
		a.err = a.cmd.Wait()
		close(a.done)
	}()
	t.Cleanup(func() {
		if a.running() {
			_ = a.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-a.done:
			case <-time.After(deadline):
				_ = a.cmd.Process.Kill()
				<-a.done
			}
		}
		if t.Failed() {
			t.Logf("piao serve log:\n%s", a.log.String())
		}
	})
	var addr string
	a.waitLog(t, "listening", func(line map[string]any) bool {
		addr, _ = line["url"].(string)
		return addr != ""
	})
	a.base = addr
	return a
}

func (a *app) running() bool {
	select {
	case <-a.done:
		return false
	default:
		return true
	}
}

// mustRun fails the test when the process has exited.
func (a *app) mustRun(t *testing.T) {
	t.Helper()
	if !a.running() {
		t.Fatalf("piao serve exited: %v", a.err)
	}
}

// waitLog waits for a JSON log line with message msg that match accepts (nil: any).
func (a *app) waitLog(t *testing.T, msg string, match func(map[string]any) bool) {
	t.Helper()
	eventually(t, "log line "+msg, func() error {
		for _, line := range a.log.lines() {
			if line["msg"] == msg && (match == nil || match(line)) {
				return nil
			}
		}
		if !a.running() {
			t.Fatalf("piao serve exited (%v) before logging %q:\n%s", a.err, msg, a.log.String())
		}
		return fmt.Errorf("not logged yet")
	})
}

// logBuffer collects the process output; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines decodes the JSON log lines written so far.
func (b *logBuffer) lines() []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// eventually retries check every 100 ms until it succeeds or the deadline passes.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	end := time.Now().Add(deadline)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%s: still failing after %s: %v", what, deadline, err)
		}
		<-tick.C
	}
}

// client is a browser-like client: a cookie jar, no redirects followed.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: deadline,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs c in as a demo account.
func (a *app) signIn(t *testing.T, c *http.Client, username string) {
	t.Helper()
	res, err := c.PostForm(a.base+"/accedi", url.Values{"username": {username}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d", username, res.StatusCode)
	}
}

// response is a read response.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) String() string {
	return fmt.Sprintf("%d %q", r.status, truncate(r.body, 300))
}

func do(c *http.Client, req *http.Request) (response, error) {
	res, err := c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}, err
}

func get(t *testing.T, c *http.Client, u string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := do(c, req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return r
}

// entryForm is the multipart body of the entry form: a direct value, the
// version the user edited and optional evidence files.
func entryForm(t *testing.T, value, version, note string, files map[string][]byte) (contentType string, body []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"valore": value, "versione": version, "azione": "salva", "nota": note} {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("allegati", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

// postEntry posts the entry form of the test indicator.
func (a *app) postEntry(t *testing.T, c *http.Client, value, version, note string, files map[string][]byte) response {
	t.Helper()
	ct, body := entryForm(t, value, version, note, files)
	req, err := http.NewRequest(http.MethodPost, a.base+entryPath+period, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	r, err := do(c, req)
	if err != nil {
		t.Fatalf("POST %s: %v", entryPath, err)
	}
	return r
}

// pdf returns a file that passes the evidence check, of n bytes.
func pdf(label string, n int) []byte {
	head := "%PDF-1.7\n% " + label + "\n"
	b := bytes.Repeat([]byte("0123456789abcdef\n"), n/17+1)
	return append([]byte(head), b[:n-len(head)]...)
}

// saved is what the database holds of the test indicator's measurement.
type saved struct {
	exists      bool
	version     int
	value       float64
	note        string
	attachments map[string][]byte // file name → content
	events      []auditEvent      // the measurement's audit events, oldest first
}

type auditEvent struct {
	id          int64
	action      string
	version     float64
	attachments []string
}

// measurement reads the test indicator's measurement, attachments and audit events.
func measurement(t *testing.T, conn *pgx.Conn) saved {
	t.Helper()
	ctx := context.Background()
	var s saved
	var id int64
	err := conn.QueryRow(ctx, `SELECT m.id, m.version, coalesce(m.value::float8, 'NaN'), m.note
		FROM measurements m JOIN indicators i ON i.id = m.indicator_id JOIN plans p ON p.id = m.plan_id
		JOIN periods pe ON pe.id = m.period_id
		WHERE p.slug = 'piao-2023-2025' AND i.key = $1 AND pe.year = 2023 AND pe.kind = 'final'`, entryKey).Scan(&id, &s.version, &s.value, &s.note)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		t.Fatalf("read measurement: %v", err)
	default:
		s.exists = true
	}
	s.attachments = map[string][]byte{}
	rows, err := conn.Query(ctx, `SELECT a.filename, a.data FROM measurement_attachments a
		JOIN measurements m ON m.id = a.measurement_id JOIN indicators i ON i.id = m.indicator_id
		WHERE i.key = $1`, entryKey)
	if err != nil {
		t.Fatalf("read attachments: %v", err)
	}
	var name string
	var data []byte
	if _, err := pgx.ForEachRow(rows, []any{&name, &data}, func() error {
		s.attachments[name] = append([]byte(nil), data...)
		return nil
	}); err != nil {
		t.Fatalf("read attachments: %v", err)
	}
	rows, err = conn.Query(ctx, `SELECT id, action, detail FROM audit_events
		WHERE object_type = 'measurement' AND detail->>'indicator' = $1 ORDER BY id`, entryKey)
	if err != nil {
		t.Fatalf("read audit events: %v", err)
	}
	var ev auditEvent
	var detail map[string]any
	if _, err := pgx.ForEachRow(rows, []any{&ev.id, &ev.action, &detail}, func() error {
		e := auditEvent{id: ev.id, action: ev.action}
		e.version, _ = detail["version"].(float64)
		if names, ok := detail["attachments"].([]any); ok {
			for _, n := range names {
				s, _ := n.(string)
				e.attachments = append(e.attachments, s)
			}
		}
		s.events = append(s.events, e)
		return nil
	}); err != nil {
		t.Fatalf("read audit events: %v", err)
	}
	return s
}

// auditCount is the number of rows in the whole audit trail.
func auditCount(t *testing.T, conn *pgx.Conn) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantItalianUnavailable checks the 503 page the application answers when
// the database cannot be reached.
func wantItalianUnavailable(t *testing.T, what string, r response) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "Servizio temporaneamente non disponibile") ||
		!strings.Contains(r.body, "Riprova tra qualche istante") || !strings.Contains(r.body, `lang="it"`) {
		t.Errorf("%s with the database down: want the Italian 503 page, got %s", what, r)
		return
	}
	if r.header.Get("Retry-After") == "" {
		t.Errorf("%s: 503 without Retry-After", what)
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("%s: 503 page is %q, not HTML", what, r.header.Get("Content-Type"))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

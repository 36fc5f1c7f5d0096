//go:build proof

package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/testdb"
)

// lineWatcher is an io.Writer that reports the first line matching re.
type lineWatcher struct {
	mu    sync.Mutex
	buf   strings.Builder
	re    *regexp.Regexp
	found chan string
	once  sync.Once
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := w.re.FindStringSubmatch(w.buf.String()); m != nil {
		w.once.Do(func() { w.found <- m[1] })
	}
	return len(p), nil
}

// TestServeMigratesLoadsDemoAndShutsDown runs `piao serve --migrate
// --demo-if-empty` on an empty database, reads a page, then cancels the
// context as SIGTERM would and expects a clean exit.
func TestServeMigratesLoadsDemoAndShutsDown(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": testdb.Empty(t), "PIAO_ADDR": "127.0.0.1:0"}
	logs := &lineWatcher{re: regexp.MustCompile(`msg=listening url=(http://\S+)`), found: make(chan string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--migrate", "--demo-if-empty"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, logs)
	}()

	var base string
	select {
	case base = <-logs.found:
	case code := <-done:
		t.Fatalf("serve exited with %d before listening:\n%s", code, logs.buf.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start:\n%s", logs.buf.String())
	}
	res, err := http.Get(base + "/enti/cciaa-gran-sasso/piani/piao-2023-2025/obiettivi/1.1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Rilievi formulati dall&#39;OIV") {
		t.Fatalf("objective page: %d", res.StatusCode)
	}

	cancel() // what SIGINT/SIGTERM does through signal.NotifyContext
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited with %d:\n%s", code, logs.buf.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
	logs.mu.Lock()
	out := logs.buf.String()
	logs.mu.Unlock()
	for _, want := range []string{"request_id=", "method=GET", "status=200", "duration=", "msg=stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q", want)
		}
	}
}

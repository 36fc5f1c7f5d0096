package server

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
)

// waitFor spins until cond holds (no sleeps: the goroutines it waits for are
// runnable, and Gosched lets them run).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i > 50_000_000 {
			t.Fatalf("never: %s", what)
		}
		runtime.Gosched()
	}
}

// TestVersionBatchNeverServesAnOlderRead: requests that arrive while a read
// is in flight do not take its result (it may predate a write they follow);
// they share the next read, one for all of them.
func TestVersionBatchNeverServesAnOlderRead(t *testing.T) {
	var b versionBatch[int]
	ctx := context.Background()
	var mu sync.Mutex
	reads := 0
	gates := []chan struct{}{make(chan struct{}), make(chan struct{})}
	started := make(chan int, 2)
	read := func(context.Context) (int, error) {
		mu.Lock()
		reads++
		n := reads
		mu.Unlock()
		started <- n
		<-gates[n-1]
		return n, nil
	}
	first := make(chan int, 1)
	go func() {
		v, _ := b.get(ctx, "k", read)
		first <- v
	}()
	if n := <-started; n != 1 {
		t.Fatalf("first read %d", n)
	}
	// read 1 is in flight: five requests arrive and wait for the next read
	const late = 5
	results := make(chan int, late)
	for range late {
		go func() {
			v, _ := b.get(ctx, "k", read)
			results <- v
		}()
	}
	waitFor(t, "the late requests to join the next read", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.keys["k"] != nil && b.keys["k"].next != nil && b.keys["k"].next.joined == late-1
	})
	close(gates[0])
	if v := <-first; v != 1 {
		t.Fatalf("first request got read %d", v)
	}
	if n := <-started; n != 2 {
		t.Fatalf("second read %d", n)
	}
	close(gates[1])
	for range late {
		if v := <-results; v != 2 {
			t.Fatalf("a request that arrived during read 1 got read %d", v)
		}
	}
	if reads != 2 {
		t.Fatalf("%d reads for 1 + %d requests, want 2", reads, late)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.keys) != 0 {
		t.Fatalf("idle keys kept: %v", b.keys)
	}
}

// TestVersionBatchKeysAndErrors: keys are read apart, an error reaches the
// requests of its read only, and a waiting request whose context ends gets
// its context's error.
func TestVersionBatchKeysAndErrors(t *testing.T) {
	var b versionBatch[string]
	ctx := context.Background()
	boom := errors.New("boom")
	if _, err := b.get(ctx, "a", func(context.Context) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("error: %v", err)
	}
	if v, err := b.get(ctx, "a", func(context.Context) (string, error) { return "a2", nil }); v != "a2" || err != nil {
		t.Fatalf("after an error: %q %v", v, err)
	}
	if v, _ := b.get(ctx, "b", func(context.Context) (string, error) { return "b", nil }); v != "b" {
		t.Fatalf("key b: %q", v)
	}

	gate := make(chan struct{})
	inFlight := make(chan struct{})
	go func() {
		_, _ = b.get(ctx, "c", func(context.Context) (string, error) { close(inFlight); <-gate; return "c1", nil })
	}()
	<-inFlight
	// a leader of the next read, then a follower whose context ends while waiting
	leader := make(chan string, 1)
	go func() {
		v, _ := b.get(ctx, "c", func(context.Context) (string, error) { return "c2", nil })
		leader <- v
	}()
	waitFor(t, "the next read to be queued", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.keys["c"].next != nil
	})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.get(cctx, "c", func(context.Context) (string, error) { return "never", nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled follower: %v", err)
	}
	close(gate)
	if v := <-leader; v != "c2" {
		t.Fatalf("next read: %q", v)
	}
}

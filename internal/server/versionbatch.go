package server

import (
	"context"
	"sync"
	"time"
)

// versionBatch shares the reads of a plan's version among the requests that
// wait for them. Every public read and every dashboard view reads its plan's
// version, one short query, and under load the queries themselves are the
// cost (a round trip each, on the server and in PostgreSQL). A request never
// takes the result of a read that started before it arrived, which could miss
// a write committed just before: it joins the next read of its key, which
// starts when the one in flight ends, together with every request that
// arrived meanwhile. So a request still sees every write committed before it
// arrived, on any replica, and N requests of a plan arriving during one read
// cost one more read, not N.
type versionBatch[T any] struct {
	mu   sync.Mutex
	keys map[string]*batchKey[T]
}

type batchKey[T any] struct {
	running *batchRead[T] // the read in flight
	next    *batchRead[T] // the read that starts when it ends; requests join it
}

type batchRead[T any] struct {
	done   chan struct{}
	joined int // requests that joined it after the one that starts it
	v      T
	err    error
}

// batchTimeout bounds a shared read, which runs apart from the context of
// the request that starts it: the others wait for it too.
const batchTimeout = 10 * time.Second

// get returns read's result for key, from a read that started after get was
// called.
func (b *versionBatch[T]) get(ctx context.Context, key string, read func(context.Context) (T, error)) (T, error) {
	b.mu.Lock()
	if b.keys == nil {
		b.keys = map[string]*batchKey[T]{}
	}
	k := b.keys[key]
	if k == nil {
		k = &batchKey[T]{}
		b.keys[key] = k
	}
	if f := k.next; f != nil { // it has not started: join it
		f.joined++
		b.mu.Unlock()
		select {
		case <-f.done:
			return f.v, f.err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	f := &batchRead[T]{done: make(chan struct{})}
	k.next = f
	prev := k.running
	b.mu.Unlock()
	if prev != nil {
		<-prev.done // bounded by batchTimeout; f's other requests wait for it too
	}
	b.mu.Lock()
	k.running, k.next = f, nil
	b.mu.Unlock()

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
	f.v, f.err = read(rctx)
	cancel()

	b.mu.Lock()
	k.running = nil
	if k.next == nil {
		delete(b.keys, key) // idle: the map holds only the keys being read
	}
	b.mu.Unlock()
	close(f.done)
	return f.v, f.err
}

package main

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// sqlTracer times the statements the application sends (pgx QueryTracer and
// BatchTracer on the pool; a batch is one entry, its statements joined), so
// each route can name the statements it spends its database time in. A statement's time runs from sending it to closing its rows, so it
// includes scanning them. It records only between reset and top.
type sqlTracer struct {
	ok atomic.Bool // recording
	mu sync.Mutex
	by map[string]*sqlStat
}

type sqlStat struct {
	calls int
	total time.Duration
}

type traceStart struct {
	sql string
	at  time.Time
}

type traceKey struct{}

// TraceQueryStart implements pgx.QueryTracer.
func (t *sqlTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if !t.ok.Load() {
		return ctx
	}
	return context.WithValue(ctx, traceKey{}, traceStart{sql: data.SQL, at: time.Now()})
}

// TraceQueryEnd implements pgx.QueryTracer.
func (t *sqlTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	s, ok := ctx.Value(traceKey{}).(traceStart)
	if !ok {
		return
	}
	t.record(s)
}

// TraceBatchStart implements pgx.BatchTracer.
func (t *sqlTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	if !t.ok.Load() || data.Batch == nil {
		return ctx
	}
	sqls := make([]string, 0, len(data.Batch.QueuedQueries))
	for _, q := range data.Batch.QueuedQueries {
		// short enough that every statement of the batch shows in the report
		r := []rune(shortSQL(q.SQL))
		sqls = append(sqls, string(r[:min(60, len(r))]))
	}
	return context.WithValue(ctx, traceKey{}, traceStart{sql: "batch: " + strings.Join(sqls, " ; "), at: time.Now()})
}

// TraceBatchQuery implements pgx.BatchTracer; the batch is timed as a whole.
func (t *sqlTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd implements pgx.BatchTracer.
func (t *sqlTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchEndData) {
	if s, ok := ctx.Value(traceKey{}).(traceStart); ok {
		t.record(s)
	}
}

func (t *sqlTracer) record(s traceStart) {
	d := time.Since(s.at)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.by == nil {
		return
	}
	st := t.by[s.sql]
	if st == nil {
		if len(t.by) >= 1000 { // bounded: a statement text per call would be a bug, not a reason to grow
			return
		}
		st = &sqlStat{}
		t.by[s.sql] = st
	}
	st.calls++
	st.total += d
}

// reset clears the statistics and starts recording.
func (t *sqlTracer) reset() {
	t.mu.Lock()
	t.by = map[string]*sqlStat{}
	t.mu.Unlock()
	t.ok.Store(true)
}

// queryStat is a statement's share of a route's database time.
type queryStat struct {
	SQL           string  `json:"sql"` // whitespace collapsed, cut at 160 characters
	CallsPerReq   float64 `json:"calls_per_request"`
	MeanMs        float64 `json:"mean_ms"`
	MsPerReq      float64 `json:"ms_per_request"`
	ShareOfDBTime float64 `json:"share_of_db_time"`
	TotalMs       float64 `json:"total_ms"`
}

// top stops recording and returns the n statements with the most total time,
// per request of the route.
func (t *sqlTracer) top(n, requests int) (out []queryStat, dbMsPerReq float64) {
	t.ok.Store(false)
	t.mu.Lock()
	defer t.mu.Unlock()
	if requests <= 0 {
		return nil, 0
	}
	var all time.Duration
	for sql, st := range t.by {
		all += st.total
		out = append(out, queryStat{SQL: shortSQL(sql), CallsPerReq: float64(st.calls) / float64(requests),
			MeanMs: ms64(st.total) / float64(st.calls), MsPerReq: ms64(st.total) / float64(requests), TotalMs: ms64(st.total)})
	}
	slices.SortFunc(out, func(a, b queryStat) int { return cmp.Compare(b.TotalMs, a.TotalMs) })
	for i := range out {
		out[i].ShareOfDBTime = out[i].TotalMs / ms64(all)
	}
	return out[:min(n, len(out))], ms64(all) / float64(requests)
}

func ms64(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func shortSQL(sql string) string {
	s := strings.Join(strings.Fields(sql), " ")
	if len([]rune(s)) > 160 {
		s = string([]rune(s)[:159]) + "…"
	}
	return s
}

package store

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/piao-performance/piao/internal/model"
)

// InstallationChain is the chain key of the events that belong to no ente
// (enti created, global accounts): each ente has its own chain, keyed by its
// id, and these events form one more.
const InstallationChain int64 = 0

// chainFilter is the WHERE condition selecting chain $1 of audit_events
// aliased e, the expression the chain index (migration 000016) is built on.
const chainFilter = `coalesce(e.ente_id, 0) = $1`

// LatestAuditHead returns the last sealed event of a chain (zero when none).
func (s *Store) LatestAuditHead(ctx context.Context, chain int64) (model.AuditHead, error) {
	var h model.AuditHead
	err := s.pool.QueryRow(ctx, `SELECT e.seq, encode(e.hash, 'hex') FROM audit_events e
		WHERE `+chainFilter+` AND e.seq IS NOT NULL ORDER BY e.seq DESC LIMIT 1`, chain).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.AuditHead{}, nil
	}
	if err != nil {
		return h, fmt.Errorf("audit head: %w", err)
	}
	return h, nil
}

// AnchorHolds reports whether event a.Seq of a chain still has hash a.Hash.
func (s *Store) AnchorHolds(ctx context.Context, chain int64, a model.AuditHead) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit_events e WHERE `+chainFilter+`
		AND e.seq = $2 AND encode(e.hash, 'hex') = lower($3))`, chain, a.Seq, a.Hash).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("audit anchor: %w", err)
	}
	return ok, nil
}

// SealAudit chains the committed events that are not sealed yet (the server
// does it every second) and returns how many it sealed.
func (s *Store) SealAudit(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT audit_seal()`).Scan(&n); err != nil {
		return 0, fmt.Errorf("seal audit events: %w", err)
	}
	return n, nil
}

// SealAuditEvery seals new events every interval until ctx ends: the server
// runs it so an event is chained about a second after it commits. A failure
// is logged and retried at the next tick; nothing is lost, only delayed.
func (s *Store) SealAuditEvery(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.SealAudit(ctx); err != nil && ctx.Err() == nil {
				log.Error("audit sealing failed", "err", err)
			}
		}
	}
}

// AuditChains lists the chains that hold events: the installation chain
// first (when it has events), then the enti by slug.
func (s *Store) AuditChains(ctx context.Context) ([]model.ChainReport, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.ente_id, coalesce(n.slug, '') FROM (SELECT DISTINCT coalesce(ente_id, 0) AS ente_id FROM audit_events) c
		LEFT JOIN enti n ON n.id = c.ente_id ORDER BY c.ente_id <> 0, n.slug, c.ente_id`)
	if err != nil {
		return nil, fmt.Errorf("audit chains: %w", err)
	}
	var out []model.ChainReport
	var c model.ChainReport
	_, err = pgx.ForEachRow(rows, []any{&c.EnteID, &c.Ente}, func() error {
		out = append(out, model.ChainReport{EnteID: c.EnteID, Ente: c.Ente})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit chains: %w", err)
	}
	return out, nil
}

// VerifyAuditChains checks every chain (see VerifyAuditChain), in the
// order of AuditChains.
func (s *Store) VerifyAuditChains(ctx context.Context) ([]model.ChainReport, error) {
	chains, err := s.AuditChains(ctx)
	if err != nil {
		return nil, err
	}
	for i, c := range chains {
		rep, err := s.VerifyAuditChain(ctx, c.EnteID)
		if err != nil {
			return nil, err
		}
		rep.Ente = c.Ente
		chains[i] = rep
	}
	return chains, nil
}

// VerifyAuditChain recomputes every event's hash of one chain from its
// fields and its predecessor's hash, in seq order, and stops at the first
// broken link. The hash is computed by the same SQL function the sealer uses.
func (s *Store) VerifyAuditChain(ctx context.Context, chain int64) (model.ChainReport, error) {
	return verifyAuditChain(ctx, s.pool, chain)
}

// verifyAuditChain is VerifyAuditChain on q: a restore checks the chain it
// re-sealed inside its own transaction, before committing.
func verifyAuditChain(ctx context.Context, q querier, chain int64) (model.ChainReport, error) {
	rep := model.ChainReport{EnteID: chain}
	rows, err := q.Query(ctx, `SELECT e.seq, e.prev_hash, e.hash, audit_event_hash(e.prev_hash, e)
		FROM audit_events e WHERE `+chainFilter+` AND e.seq IS NOT NULL ORDER BY e.seq`, chain)
	if err != nil {
		return rep, fmt.Errorf("audit chain: %w", err)
	}
	defer rows.Close()
	var last []byte
	for rows.Next() {
		var (
			seq                  int64
			prev, stored, recomp []byte
		)
		if err := rows.Scan(&seq, &prev, &stored, &recomp); err != nil {
			return rep, fmt.Errorf("audit chain: %w", err)
		}
		rep.Events++
		switch {
		case seq != int64(rep.Events):
			rep.BrokenAt, rep.Problem = seq, fmt.Sprintf("evento mancante: atteso il n. %d", rep.Events)
		case !bytes.Equal(prev, last):
			rep.BrokenAt, rep.Problem = seq, "il collegamento all'evento precedente non corrisponde"
		case !bytes.Equal(stored, recomp):
			rep.BrokenAt, rep.Problem = seq, "il contenuto dell'evento è stato modificato"
		}
		if rep.BrokenAt != 0 {
			return rep, nil
		}
		last = stored
		rep.Head = model.AuditHead{Seq: seq, Hash: hex.EncodeToString(stored)}
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("audit chain: %w", err)
	}
	if err := q.QueryRow(ctx, `SELECT count(*) FROM audit_events e WHERE `+chainFilter+` AND e.seq IS NULL`, chain).Scan(&rep.Pending); err != nil {
		return rep, fmt.Errorf("audit chain: %w", err)
	}
	return rep, nil
}

package store

import (
	"bytes"
	"context"
	"fmt"
)

// ChainReport is the outcome of checking the audit trail's hash chain.
type ChainReport struct {
	Events int // events checked
	// BrokenAt is the seq of the first event whose hash or link does not
	// match (0: the chain is intact), Problem says what is wrong with it.
	BrokenAt int64
	Problem  string
}

// VerifyAuditChain recomputes every event's hash from its fields and its
// predecessor's hash, in seq order, and stops at the first broken link. The
// hash is computed by the same SQL function the insert trigger uses.
func (s *Store) VerifyAuditChain(ctx context.Context) (ChainReport, error) {
	var rep ChainReport
	rows, err := s.pool.Query(ctx, `SELECT e.seq, e.prev_hash, e.hash, audit_event_hash(e.prev_hash, e)
		FROM audit_events e ORDER BY e.seq`)
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
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("audit chain: %w", err)
	}
	return rep, nil
}

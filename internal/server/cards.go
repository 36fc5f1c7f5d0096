package server

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scores"
)

// cardCache keeps scored periods by plan, period and reader visibility, each
// with the store's fingerprint of its data: an entry serves only while the
// fingerprint is unchanged, so a write shows at once. Cards are shared and
// read-only; whoever needs to change actuals copies them (see preview).
type cardCache struct {
	mu sync.Mutex
	m  map[string]cardEntry
}

type cardEntry struct {
	fp   string
	card *scorecard.Card
}

const cardCacheMax = 256

// card returns the scored period p of plan h for visibility vis.
func (s *Server) card(r *http.Request, h model.PlanHeader, p model.Period, vis model.Visibility) (*scorecard.Card, error) {
	fp, err := s.store.FingerprintWithPrevious(r.Context(), h, p)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%d|%d|%d", h.ID, p.ID, vis)
	s.cards.mu.Lock()
	e, ok := s.cards.m[key]
	s.cards.mu.Unlock()
	if ok && e.fp == fp {
		return e.card, nil
	}
	c, err := scores.Load(r.Context(), s.store, h, p, vis)
	if err != nil {
		return nil, err
	}
	s.cards.mu.Lock()
	if s.cards.m == nil || len(s.cards.m) >= cardCacheMax {
		s.cards.m = map[string]cardEntry{}
	}
	s.cards.m[key] = cardEntry{fp: fp, card: c}
	s.cards.mu.Unlock()
	return c, nil
}

// selectCard scores the period named by ref among those with data the reader
// may see (the latest when ref names none); nil when there is none.
func (s *Server) selectCard(r *http.Request, h model.PlanHeader, ref string, vis model.Visibility) (*scorecard.Card, []model.Period, error) {
	periods, err := s.store.PeriodsWithData(r.Context(), h.ID, vis)
	if err != nil || len(periods) == 0 {
		return nil, periods, err
	}
	chosen := periods[len(periods)-1]
	for _, p := range periods {
		if scorecard.Ref(p) == ref {
			chosen = p
		}
	}
	c, err := s.card(r, h, chosen, vis)
	return c, periods, err
}

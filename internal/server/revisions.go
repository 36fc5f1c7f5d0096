package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// revisionsPage lists a plan's revisions and, with ?da=&a=, the differences
// between two of them. Public: the plan and its changes are published.
func (s *Server) revisionsPage(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	revs, err := s.store.Revisions(r.Context(), h.ID)
	if err != nil {
		return err
	}
	d := templates.RevisionsData{Plan: h, Revisions: revs}
	if len(revs) > 0 {
		d.From, d.To = revs[0].Seq, revs[len(revs)-1].Seq
	}
	q := r.URL.Query()
	status := http.StatusOK
	if q.Has("da") || q.Has("a") {
		from, err1 := strconv.Atoi(q.Get("da"))
		to, err2 := strconv.Atoi(q.Get("a"))
		if err1 != nil || err2 != nil || !hasRevision(revs, from) || !hasRevision(revs, to) {
			d.Message = "Scegli due revisioni dell'elenco."
			status = http.StatusBadRequest
		} else {
			d.From, d.To = from, to
		}
	}
	if status == http.StatusOK && d.From != d.To {
		d.Diff, err = s.store.RevisionDiff(r.Context(), h.ID, d.From, d.To)
		switch {
		case errors.Is(err, store.ErrNoContent):
			d.Message, d.Diff = "Il contenuto di una delle due revisioni non è stato registrato: il confronto non è possibile.", nil
		case err != nil:
			return err
		}
	}
	return s.page(w, r, status, templates.RevisionsPage(d))
}

func hasRevision(revs []model.RevisionInfo, seq int) bool {
	for _, r := range revs {
		if r.Seq == seq {
			return true
		}
	}
	return false
}

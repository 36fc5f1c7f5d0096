package server

import (
	"net/http"
	"strconv"

	"github.com/piao-performance/piao/internal/plan"
)

// exportJSON serves the whole plan with its state as `piao export` writes it:
// the backup an administrator keeps or moves to another installation.
func (s *Server) exportJSON(w http.ResponseWriter, r *http.Request) {
	doc, err := s.store.ExportPlan(r.Context(), param(r, "ente"), param(r, "plan"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	b, err := plan.Encode(doc)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+doc.Ente.Slug+"_"+doc.Plan.Slug+`.json"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

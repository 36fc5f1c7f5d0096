package server

import (
	"net/http"
	"sort"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/relazione"
	"github.com/piao-performance/piao/templates"
)

// transparencyPage is Amministrazione Trasparente › Performance: the plan,
// the Relazione of each year the OIV validated with its tables as CSV, the
// open data, the licence and the last-update date.
func (s *Server) transparencyPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	h := planFrom(r)
	var err error
	d := templates.TransparencyData{Plan: h}
	if d.Revisions, err = s.store.Revisions(ctx, h.ID); err != nil {
		return err
	}
	if d.LastUpdate, err = s.store.PublishedUpdate(ctx, h.ID); err != nil {
		return err
	}
	validated, err := s.store.ValidatedYears(ctx, h.ID)
	if err != nil {
		return err
	}
	// every year with a public decision shows its history, so a correction
	// or a withdrawal is never a silent swap; only a validated year
	// publishes its results
	history, err := s.store.ValidationHistory(ctx, h.ID, true)
	if err != nil {
		return err
	}
	for year, hist := range history {
		ty := templates.TransparencyYear{Year: year, History: hist}
		if v, ok := validated[year]; ok {
			ty.Validation = &v
			// the section list is fixed: no need to build the Relazione to name its files
			for _, sec := range relazione.Sections(true) {
				ty.Tables = append(ty.Tables, document.Table{Slug: sec.Slug, Title: sec.Title})
			}
		}
		d.Years = append(d.Years, ty)
	}
	sort.Slice(d.Years, func(i, j int) bool { return d.Years[i].Year > d.Years[j].Year })
	return s.page(w, r, http.StatusOK, templates.TransparencyPage(d))
}

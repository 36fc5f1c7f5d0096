package server

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/rollover"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// rolloverPage shows and handles the form that creates next cycle's plan.
// Like createPlan it only creates (LoadPlan without Replace): a stale form
// finds the slug taken and is refused, so it carries no version.
func (s *Server) rolloverPage(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	next := h.StartYear + 1
	d := templates.RolloverData{Plan: h, Slug: "piao-" + strconv.Itoa(next) + "-" + strconv.Itoa(next+h.EndYear-h.StartYear),
		Title: "PIAO " + strconv.Itoa(next) + "–" + strconv.Itoa(next+h.EndYear-h.StartYear), Start: strconv.Itoa(next),
		End: strconv.Itoa(next + h.EndYear - h.StartYear), Errors: map[string]string{}}
	if r.Method != http.MethodPost {
		return s.page(w, r, http.StatusOK, templates.RolloverPage(d))
	}
	if err := readForm(w, r, maxSmallForm); err != nil {
		return err
	}
	p := r.PostForm
	d.Slug, d.Title, d.Start, d.End = strings.TrimSpace(p.Get("slug")), p.Get("titolo"), strings.TrimSpace(p.Get("inizio")), strings.TrimSpace(p.Get("fine"))
	var n rollover.Next
	n.Slug, n.Title, n.StartYear, n.EndYear = planIdentity(d.Errors, d.Slug, d.Title, d.Start, d.End, h.StartYear+1, h.EndYear+1,
		"Il primo anno segue il primo anno del piano attuale, fino a "+strconv.Itoa(h.EndYear+1)+".")
	if len(d.Errors) == 0 {
		if _, err := s.store.PlanHeader(r.Context(), h.EnteSlug, d.Slug); err == nil {
			d.Errors["slug"] = "L'ente ha già un piano con questo identificativo."
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if len(d.Errors) > 0 {
		return s.page(w, r, http.StatusUnprocessableEntity, templates.RolloverPage(d))
	}
	res, err := rollover.Build(r.Context(), s.store, h, n)
	if err != nil {
		return err
	}
	if _, err := s.store.LoadPlan(r.Context(), res.Doc, store.LoadOptions{Actor: actor(r)}); err != nil {
		if errors.Is(err, store.ErrPlanExists) {
			d.Errors["slug"] = "L'ente ha già un piano con questo identificativo."
			return s.page(w, r, http.StatusUnprocessableEntity, templates.RolloverPage(d))
		}
		return err
	}
	http.Redirect(w, r, string(templates.PlanURL(h.EnteSlug, d.Slug)), http.StatusSeeOther)
	return nil
}

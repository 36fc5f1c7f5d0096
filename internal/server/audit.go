package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/report"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// auditPageRows is how many events a page of the register shows; the export
// has every filtered event.
const auditPageRows = 100

// maxAuditPage bounds ?pagina, so that a huge OFFSET cannot be asked for.
const maxAuditPage = 100000

// auditFilter reads the filter of the audit page and export from the query.
func auditFilter(r *http.Request, h model.PlanHeader) (templates.AuditForm, store.AuditFilter, string) {
	q := r.URL.Query()
	get := func(k string, max int) string {
		v := strings.TrimSpace(q.Get(k))
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
			return "\uFFFD"
		}
		return v
	}
	form := templates.AuditForm{From: get("dal", 10), To: get("al", 10), Actor: get("utente", 100), Object: get("oggetto", 100),
		Action: get("azione", 60), Errors: map[string]string{}}
	f := store.AuditFilter{EnteID: &h.EnteID, Actor: form.Actor, Object: form.Object, Action: form.Action}
	rome := itfmt.Rome()
	if form.From != "" {
		d, err := time.ParseInLocation("02/01/2006", form.From, rome)
		if err != nil {
			form.Errors["dal"] = "Scrivi la data come gg/mm/aaaa."
		}
		f.From = d
	}
	if form.To != "" {
		d, err := time.ParseInLocation("02/01/2006", form.To, rome)
		if err != nil {
			form.Errors["al"] = "Scrivi la data come gg/mm/aaaa."
		}
		f.Before = d.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.Before.IsZero() && !f.Before.After(f.From) {
		form.Errors["al"] = "La data finale precede quella iniziale."
	}
	for k, v := range map[string]string{"utente": form.Actor, "oggetto": form.Object, "azione": form.Action} {
		if v == "\uFFFD" {
			form.Errors[k] = "Valore troppo lungo o con caratteri non validi."
		}
	}
	vals := url.Values{}
	for _, k := range []string{"dal", "al", "utente", "oggetto", "azione"} {
		if v := q.Get(k); v != "" {
			vals.Set(k, v)
		}
	}
	query := ""
	if len(vals) > 0 {
		query = "?" + vals.Encode()
	}
	return form, f, query
}

// auditPage lists the ente's audit trail with filters.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	h := planFrom(r)
	form, f, query := auditFilter(r, h)
	d := templates.AuditData{Plan: h, Form: form, Query: query}
	var err error
	if d.Actors, err = s.store.AuditActors(r.Context(), &h.EnteID); err != nil {
		return err
	}
	d.Page = 1
	if v := r.URL.Query().Get("pagina"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditPage {
			return &httpError{status: http.StatusBadRequest, title: "Pagina non valida",
				msg: "Il numero di pagina del registro deve essere un numero intero da 1 in su."}
		}
		d.Page = n
	}
	status := http.StatusOK
	if len(form.Errors) > 0 {
		status = http.StatusBadRequest
		d.Query, d.Page = "", 1
	} else {
		f.Limit, f.Offset = auditPageRows+1, (d.Page-1)*auditPageRows
		err = s.store.AuditEvents(r.Context(), f, func(e model.AuditRow) error {
			d.Rows = append(d.Rows, e)
			return nil
		})
		if err != nil {
			return err
		}
		if len(d.Rows) > auditPageRows {
			d.Rows, d.More = d.Rows[:auditPageRows], true
		}
		base := templates.AuditURL(h.EnteSlug, h.Slug)
		if d.Page > 1 {
			d.PrevURL = auditPageURL(base, query, d.Page-1)
		}
		if d.More {
			d.NextURL = auditPageURL(base, query, d.Page+1)
		}
	}
	d.Shown = len(d.Rows)
	d.First = (d.Page-1)*auditPageRows + 1
	return s.page(w, r, status, templates.AuditPage(d))
}

// auditPageURL is page n of the register with the filter query kept.
func auditPageURL(base templ.SafeURL, query string, n int) templ.SafeURL {
	if n <= 1 {
		return base + templ.SafeURL(query)
	}
	sep := "?"
	if query != "" {
		sep = "&"
	}
	return base + templ.SafeURL(query+sep+"pagina="+strconv.Itoa(n))
}

// auditExport writes the filtered trail as CSV or XLSX.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) error {
	file := param(r, "file")
	if file != "registro-audit.csv" && file != "registro-audit.xlsx" {
		return errNotFound
	}
	h := planFrom(r)
	form, f, _ := auditFilter(r, h)
	if len(form.Errors) > 0 {
		var msgs []string
		for _, m := range form.Errors {
			msgs = append(msgs, m)
		}
		return &httpError{status: http.StatusBadRequest, title: "Filtro non valido", msg: strings.Join(msgs, " ")}
	}
	t := document.Table{Slug: "registro-audit", Title: "Registro di audit", Columns: []document.Column{
		{Header: "N. catena", Kind: document.Integer, Width: 0.6}, {Header: "Data e ora", Kind: document.Date, Width: 1.1},
		{Header: "Utente", Width: 1}, {Header: "Azione", Width: 1.2}, {Header: "Tipo oggetto", Width: 0.9},
		{Header: "Oggetto", Width: 1.6}, {Header: "Motivo", Width: 1.6}, {Header: "Prima e dopo (JSON)", Width: 3},
		{Header: "Impronta SHA-256", Width: 2}}}
	rome := itfmt.Rome()
	err := s.store.AuditEvents(r.Context(), f, func(e model.AuditRow) error {
		seq := document.Cell{Text: "in attesa"}
		if e.Seq != nil {
			seq = document.Cell{Text: strconv.FormatInt(*e.Seq, 10), Value: float64(*e.Seq), Has: true}
		}
		t.Rows = append(t.Rows, []document.Cell{seq, {Text: e.At.In(rome).Format("02/01/2006 15:04:05"), Time: e.At},
			{Text: e.Actor}, {Text: e.Action}, {Text: e.ObjectType}, {Text: e.ObjectKey}, {Text: e.Reason}, {Text: e.Detail}, {Text: e.Hash}})
		return nil
	})
	if err != nil {
		return err
	}
	doc := &document.Document{Title: "Registro di audit", Ente: h.EnteName, Plan: h.Title, Generated: time.Now(),
		Meta: []document.Meta{{Label: "Filtri", Value: filterText(form)}, {Label: "Eventi", Value: strconv.Itoa(len(t.Rows))},
			{Label: "Catena", Value: "propria dell'ente: il numero conta solo gli eventi di questo ente"}},
		Tables: []document.Table{t}}
	var buf bytes.Buffer
	if strings.HasSuffix(file, ".csv") {
		err = report.WriteCSV(&buf, &t, "")
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	} else {
		err = report.WriteXLSX(&buf, doc)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err != nil {
		w.Header().Del("Content-Type")
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+h.EnteSlug+"_"+file+`"`)
	privateDownload(w)
	_, _ = buf.WriteTo(w)
	return nil
}

func filterText(f templates.AuditForm) string {
	var parts []string
	for _, p := range [][2]string{{"dal", f.From}, {"al", f.To}, {"utente", f.Actor}, {"oggetto", f.Object}, {"azione", f.Action}} {
		if p[1] != "" {
			parts = append(parts, p[0]+" "+p[1])
		}
	}
	if len(parts) == 0 {
		return "nessuno (tutti gli eventi dell'ente)"
	}
	return strings.Join(parts, ", ")
}

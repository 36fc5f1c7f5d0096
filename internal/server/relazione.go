package server

import (
	"bytes"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/relazione"
	"github.com/piao-performance/piao/internal/report"
	"github.com/piao-performance/piao/internal/store"
	"github.com/piao-performance/piao/templates"
)

// relazioneDoc builds the Relazione of the {year} in the URL. The published
// version (public) exists only for years the OIV validated, scores only
// approved values of closed periods and leaves out the individual
// scorecards, which are personal data.
func (s *Server) relazioneDoc(r *http.Request, public bool) (model.PlanHeader, *document.Document, *model.Validation, error) {
	h := planFrom(r)
	year, err := strconv.Atoi(param(r, "year"))
	if err != nil || year < h.StartYear || year > h.EndYear {
		return h, nil, nil, errNotFound
	}
	var val *model.Validation
	vis := model.Approved
	if public {
		v, err := s.store.ValidationOf(r.Context(), h.ID, year)
		if err != nil || v.Outcome == model.NotValidated || !v.Public {
			return h, nil, nil, orNotFound(err)
		}
		val, vis = &v, model.Public
	}
	doc, err := relazione.Build(r.Context(), s.store, h, year, relazione.Options{Visibility: vis})
	if errors.Is(err, relazione.ErrNoPeriod) {
		return h, nil, nil, errNotFound
	}
	if err != nil {
		return h, nil, nil, err
	}
	if public {
		kept := doc.Tables[:0]
		for _, t := range doc.Tables {
			if t.Slug != relazione.SecIndividual {
				kept = append(kept, t)
			}
		}
		doc.Tables = kept
	}
	return h, doc, val, nil
}

// orNotFound turns "no error" into ErrNotFound: the caller found something
// it must not show.
func orNotFound(err error) error {
	if err == nil {
		return store.ErrNotFound
	}
	return err
}

// relazionePage shows the Relazione of a year to the ente's auditors.
func (s *Server) relazionePage(w http.ResponseWriter, r *http.Request) error {
	return s.showRelazione(w, r, false)
}

// publicRelazionePage shows a validated year's Relazione to everyone.
func (s *Server) publicRelazionePage(w http.ResponseWriter, r *http.Request) error {
	return s.showRelazione(w, r, true)
}

func (s *Server) showRelazione(w http.ResponseWriter, r *http.Request, public bool) error {
	h, doc, val, err := s.relazioneDoc(r, public)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(param(r, "year"))
	// the published page carries the text once the validation froze it
	if public {
		if err := s.addDraftText(r, h, doc, true); err != nil {
			return err
		}
	}
	d := templates.RelazioneData{Plan: h, Year: year, Doc: doc, Public: public}
	if public {
		d.Validity = model.OutcomeLabel(val.Outcome) + " dall'OIV il " + val.DecidedOn.Format("02/01/2006")
	}
	return s.page(w, r, http.StatusOK, templates.RelazionePage(d))
}

// relazioneFile serves a download of the Relazione.
func (s *Server) relazioneFile(w http.ResponseWriter, r *http.Request) error {
	return s.serveRelazioneFile(w, r, false)
}

// publicRelazioneFile serves a download of a validated year's Relazione.
func (s *Server) publicRelazioneFile(w http.ResponseWriter, r *http.Request) error {
	return s.serveRelazioneFile(w, r, true)
}

var csvFile = regexp.MustCompile(`^([a-z0-9-]{1,60})\.csv$`)

func (s *Server) serveRelazioneFile(w http.ResponseWriter, r *http.Request, public bool) error {
	file := param(r, "file")
	var table string
	switch file {
	case "relazione.pdf", "relazione.xlsx", "relazione-csv.zip", "relazione.odt", "relazione.docx":
	default:
		m := csvFile.FindStringSubmatch(file)
		if m == nil {
			return errNotFound
		}
		table = m[1]
	}
	h, doc, _, err := s.relazioneDoc(r, public)
	if err != nil {
		return err
	}
	switch file {
	case "relazione.pdf", "relazione.odt", "relazione.docx":
		// the text of the Relazione goes before the tables
		if err := s.addDraftText(r, h, doc, public); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	ext := file[strings.LastIndexByte(file, '.'):]
	name := "relazione-performance-" + param(r, "year") + "_" + h.EnteSlug
	switch {
	case table != "":
		t := doc.Table(table)
		if t == nil {
			return errNotFound
		}
		name += "_" + table
		err = report.WriteCSV(&buf, t, doc.Notice)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	case file == "relazione.pdf":
		err = report.WritePDF(&buf, doc)
		w.Header().Set("Content-Type", "application/pdf")
	case file == "relazione.xlsx":
		err = report.WriteXLSX(&buf, doc)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case file == "relazione.odt":
		err = report.WriteODT(&buf, doc)
		w.Header().Set("Content-Type", "application/vnd.oasis.opendocument.text")
	case file == "relazione.docx":
		err = report.WriteDOCX(&buf, doc)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	default:
		name += "_csv"
		err = report.WriteCSVZip(&buf, doc)
		w.Header().Set("Content-Type", "application/zip")
	}
	if err != nil {
		w.Header().Del("Content-Type")
		return err
	}
	if doc.Notice != "" {
		name += "_DATI-DIMOSTRATIVI"
		w.Header().Set("X-PIAO-Demo-Data", "true: the measured values are invented demo values, not the ente's data")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+ext+`"`)
	if !public {
		privateDownload(w)
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
	return nil
}

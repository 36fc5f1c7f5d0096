package server

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/piao-performance/piao/internal/evidence"
	"github.com/piao-performance/piao/internal/relazione"
	"github.com/piao-performance/piao/internal/report"
	"github.com/piao-performance/piao/internal/store"
)

// evidencePack serves an objective's evidence pack: a ZIP with the
// objective's sheet (PDF and CSV), every measurement with its history, and
// the attachments with their SHA-256 fingerprints.
func (s *Server) evidencePack(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, err := s.store.Objective(ctx, param(r, "ente"), param(r, "plan"), param(r, "code"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	ms, err := s.store.ObjectiveMeasurements(ctx, d.Plan, d.Row.Code)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	keys := make([]string, 0, len(d.Indicators))
	for _, in := range d.Indicators {
		keys = append(keys, in.Key)
	}
	history, err := s.store.Histories(ctx, d.Plan, keys)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var index []relazione.EvidenceIndex
	used := map[string]bool{}
	err = s.store.ObjectiveEvidence(ctx, d.Plan, d.Row.Code, func(f store.EvidenceFile) error {
		period := strconv.Itoa(f.Year) + "-" + f.Kind
		name := evidence.CleanName(f.Filename)
		path := "allegati/" + safeSegment(f.Indicator) + "/" + period + "/" + name
		for n := 2; used[path]; n++ { // the same name twice in a period
			path = "allegati/" + safeSegment(f.Indicator) + "/" + period + "/" + strconv.Itoa(n) + "-" + name
		}
		used[path] = true
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: f.UploadedAt})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
		index = append(index, relazione.EvidenceIndex{Path: path, Indicator: f.Indicator, Period: period, Filename: f.Filename,
			Size: f.Size, SHA256: f.SHA256, By: f.UploadedBy, At: f.UploadedAt})
		return nil
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	doc := relazione.ObjectiveSheet(d, ms, history, index, time.Now())
	if err := writeSheet(zw, doc); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := zw.Close(); err != nil {
		s.serverError(w, r, err)
		return
	}
	name := "evidenze_" + d.Plan.EnteSlug + "_" + safeSegment(d.Row.Code)
	if doc.Notice != "" {
		name += "_DATI-DIMOSTRATIVI"
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.zip"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

// writeSheet adds the sheet as PDF and each of its tables as CSV.
func writeSheet(zw *zip.Writer, doc *report.Document) error {
	fw, err := zw.Create("scheda-obiettivo.pdf")
	if err != nil {
		return fmt.Errorf("evidence pack: %w", err)
	}
	if err := report.WritePDF(fw, doc); err != nil {
		return err
	}
	for i := range doc.Tables {
		fw, err := zw.Create(doc.Tables[i].Slug + ".csv")
		if err != nil {
			return fmt.Errorf("evidence pack: %w", err)
		}
		if err := report.WriteCSV(fw, &doc.Tables[i], doc.Notice); err != nil {
			return err
		}
	}
	return nil
}

// safeSegment keeps a code usable as a file or folder name ("O.3.3.1/2" → "O.3.3.1-2").
func safeSegment(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c == '.' || c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !ok {
			b[i] = '-'
		}
	}
	return string(b)
}

package server

import (
	"archive/zip"
	"fmt"
	"net/http"
	pathpkg "path"
	"strconv"
	"strings"
	"time"

	"github.com/piao-performance/piao/internal/document"
	"github.com/piao-performance/piao/internal/evidence"
	"github.com/piao-performance/piao/internal/relazione"
	"github.com/piao-performance/piao/internal/report"
)

// evidencePack serves an objective's evidence pack: a ZIP with the
// objective's sheet (PDF and CSV), every measurement with its history, and
// the attachments with their SHA-256 fingerprints.
func (s *Server) evidencePack(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.store.Objective(ctx, param(r, "ente"), param(r, "plan"), param(r, "code"))
	if err != nil {
		return err
	}
	ms, err := s.store.ObjectiveMeasurements(ctx, d.Plan, d.Row.Code)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(d.Indicators))
	for _, in := range d.Indicators {
		keys = append(keys, in.Key)
	}
	history, err := s.store.Histories(ctx, d.Plan, keys)
	if err != nil {
		return err
	}
	files, err := s.store.ObjectiveEvidence(ctx, d.Plan, d.Row.Code)
	if err != nil {
		return err
	}
	name := "evidenze_" + d.Plan.EnteSlug + "_" + safeSegment(d.Row.Code)
	for _, m := range ms { // as relazione.ObjectiveSheet marks its notice
		if m.Demo {
			name += "_DATI-DIMOSTRATIVI"
			break
		}
	}
	// The ZIP is written straight to the response, each attachment read from
	// the database in slices: memory stays bounded whatever the files weigh.
	// Past this point an error can only abort the download.
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", attachmentHeader(name+".zip"))
	privateDownload(w)
	if r.Method == http.MethodHead {
		return nil
	}
	zw := zip.NewWriter(w)
	index := make([]relazione.EvidenceIndex, 0, len(files))
	names := zipNames{}
	for _, f := range files {
		period := strconv.Itoa(f.Year) + "-" + f.Kind
		path := names.unique("allegati/"+safeSegment(f.Indicator)+"/"+period+"/", evidence.SafeName(f.Filename, f.ContentType))
		// stored as is: every accepted format is compressed already
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Store, Modified: f.UploadedAt})
		if err == nil {
			err = s.store.CopyAttachment(ctx, fw, f.Attachment)
		}
		if err != nil {
			s.abortDownload(r, err)
		}
		index = append(index, relazione.EvidenceIndex{Path: path, Indicator: f.Indicator, Period: period, Filename: f.Filename,
			Size: f.Size, SHA256: f.SHA256, By: f.UploadedBy, At: f.UploadedAt})
	}
	doc := relazione.ObjectiveSheet(d, ms, history, index, time.Now())
	if err := writeSheet(zw, doc); err != nil {
		s.abortDownload(r, err)
	}
	if err := zw.Close(); err != nil {
		s.abortDownload(r, err)
	}
	return nil
}

// zipNames keeps the entry names of a ZIP unique: a second "verbale.pdf" in
// the same folder becomes "verbale (2).pdf".
type zipNames map[string]bool

// unique returns dir+name, or dir+name with " (n)" before the extension when
// taken. name is a single safe segment (evidence.SafeName): no slashes, no
// "..", no control or bidi characters.
func (u zipNames) unique(dir, name string) string {
	ext := pathpkg.Ext(name)
	base := strings.TrimSuffix(name, ext)
	p := dir + name
	for n := 2; u[p]; n++ {
		p = dir + base + " (" + strconv.Itoa(n) + ")" + ext
	}
	u[p] = true
	return p
}

// writeSheet adds the sheet as PDF and each of its tables as CSV.
func writeSheet(zw *zip.Writer, doc *document.Document) error {
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

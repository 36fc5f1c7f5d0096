// Package evidence checks the files attached to a measurement: the type is
// detected from the content, never trusted from the name or the browser.
package evidence

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Limits.
const (
	MaxSize  = 10 << 20 // bytes per file
	MaxFiles = 5        // files per save
)

// Accepted content types, with the Italian name shown to users.
var accepted = map[string]string{
	"application/pdf":                         "PDF",
	"application/vnd.oasis.opendocument.text": "ODT",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       "XLSX",
	"image/png":  "immagine PNG",
	"image/jpeg": "immagine JPEG",
}

// Accepted lists the accepted formats for messages.
const Accepted = "PDF, ODT, DOCX, XLSX, PNG o JPEG"

// Check returns the detected content type of data, or an Italian message
// saying why the file is refused.
func Check(name string, data []byte) (contentType, msg string) {
	switch {
	case len(data) == 0:
		return "", "il file è vuoto"
	case len(data) > MaxSize:
		return "", "il file supera i 10 MB"
	case CleanName(name) == "":
		return "", "nome del file non valido"
	}
	ct := detect(data)
	if _, ok := accepted[ct]; !ok {
		return "", "formato non ammesso: sono accettati " + Accepted
	}
	return ct, ""
}

func detect(data []byte) string {
	switch ct := http.DetectContentType(data); {
	case strings.HasPrefix(ct, "application/pdf"):
		return "application/pdf"
	case ct == "image/png", ct == "image/jpeg":
		return ct
	case ct != "application/zip":
		return ct
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "application/octet-stream"
	}
	has := map[string]*zip.File{}
	for _, f := range zr.File {
		has[f.Name] = f
	}
	if f := has["mimetype"]; f != nil && f.UncompressedSize64 < 100 {
		if rc, err := f.Open(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(rc, 100))
			rc.Close()
			if string(b) == "application/vnd.oasis.opendocument.text" {
				return string(b)
			}
		}
	}
	switch {
	case has["[Content_Types].xml"] != nil && has["word/document.xml"] != nil:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case has["[Content_Types].xml"] != nil && has["xl/workbook.xml"] != nil:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/zip"
}

// CleanName keeps the base name of an uploaded file, without control
// characters or quotes (it ends up in a Content-Disposition header).
func CleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if !utf8.ValidString(name) || name == "." || name == "/" {
		return ""
	}
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' {
			continue
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if len(out) > 255 {
		out = out[:255]
		for !utf8.ValidString(out) {
			out = out[:len(out)-1]
		}
	}
	return out
}

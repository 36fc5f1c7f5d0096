// Package evidence checks the files attached to a measurement: the type is
// detected from the content, never trusted from the name or the browser.
package evidence

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"path"
	"path/filepath"
	"strings"
	"unicode"
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
// characters, quotes, or invisible formatting characters such as the
// right-to-left override U+202E that make "fdp.html" look like "lmth.pdf"
// (it ends up in a Content-Disposition header and in ZIP entry names).
func CleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if !utf8.ValidString(name) || name == "." || name == "/" {
		return ""
	}
	var b strings.Builder
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' || r == '\\' || r == '/' {
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

// extensions is the extension each accepted type is stored and served under.
var extensions = map[string]string{
	"application/pdf":                         ".pdf",
	"application/vnd.oasis.opendocument.text": ".odt",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx",
	"image/png":  ".png",
	"image/jpeg": ".jpg",
}

// SafeName is the name a file of the detected contentType is stored and
// served under: CleanName, with the extension of the type ("polyglot.html"
// holding a PDF becomes "polyglot.pdf"), never empty nor only dots.
func SafeName(name, contentType string) string {
	name = CleanName(name)
	ext := path.Ext(name)
	base := strings.Trim(strings.TrimSuffix(name, ext), ". ")
	if base == "" {
		base = "allegato"
	}
	want, ok := extensions[contentType]
	switch {
	case !ok:
		want = ext
	case strings.EqualFold(ext, want), want == ".jpg" && strings.EqualFold(ext, ".jpeg"):
		want = strings.ToLower(ext)
	}
	if len(base)+len(want) > 255 { // keep the extension when trimming
		base = base[:255-len(want)]
		for !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
	}
	return base + want
}

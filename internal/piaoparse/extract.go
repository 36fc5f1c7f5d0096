package piaoparse

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"unicode/utf8"
)

// ErrFormat is returned for a file that is neither text, PDF nor DOCX.
var ErrFormat = errors.New("unsupported file format")

// ErrNoPdftotext is returned when a PDF arrives and poppler's pdftotext is
// not installed.
var ErrNoPdftotext = errors.New("pdftotext not installed")

// Extract returns the text of a document: plain UTF-8 text as it is, a PDF
// through `pdftotext -layout` (columns kept as runs of spaces), a DOCX from
// its word/document.xml (table cells separated by tabs, one row a line).
func Extract(ctx context.Context, data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF")):
		return pdfText(ctx, data)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return docxText(data)
	case utf8.Valid(data):
		return string(data), nil
	}
	return "", ErrFormat
}

func pdfText(ctx context.Context, data []byte) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", ErrNoPdftotext
	}
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pdftotext: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.ReplaceAll(out.String(), "\f", "\n"), nil
}

// docxText walks word/document.xml: paragraphs end lines, table cells are
// joined by tabs within their row, w:tab and w:br keep their meaning.
func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("docx: %w", err)
	}
	var f *zip.File
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			f = zf
		}
	}
	if f == nil {
		return "", ErrFormat
	}
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("docx: %w", err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, 256<<20))
	var out, cell strings.Builder
	var row []string
	depth := 0 // table nesting
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("docx: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl":
				depth++
			case "tr":
				row = row[:0]
			case "tc":
				cell.Reset()
			case "t":
				inText = true
			case "tab":
				if depth > 0 {
					cell.WriteByte(' ')
				} else {
					out.WriteByte('\t')
				}
			case "br":
				if depth > 0 {
					cell.WriteByte(' ')
				} else {
					out.WriteByte('\n')
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "tbl":
				depth--
			case "t":
				inText = false
			case "p":
				if depth > 0 {
					if cell.Len() > 0 {
						cell.WriteByte(' ')
					}
				} else {
					out.WriteByte('\n')
				}
			case "tc":
				row = append(row, strings.TrimSpace(cell.String()))
			case "tr":
				out.WriteString(strings.Join(row, "\t"))
				out.WriteByte('\n')
			}
		case xml.CharData:
			if !inText {
				continue
			}
			if depth > 0 {
				cell.Write(t)
			} else {
				out.Write(t)
			}
		}
	}
	return out.String(), nil
}

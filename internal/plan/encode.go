package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Encode writes a document as the JSON of `piao export`: indented, in struct
// order, with a trailing newline; HTML characters stay as they are (the file
// is not for a browser). The same bytes come out of the command and of the
// download in the browser.
func Encode(doc *Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("codifica JSON: %w", err)
	}
	return buf.Bytes(), nil
}

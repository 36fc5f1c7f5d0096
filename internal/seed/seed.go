// Package seed holds the reference plan — the PIAO 2023–2025 of the Camera di
// Commercio del Gran Sasso d'Italia, October 2023 update — transcribed from
// docs/reference into JSON fragments, and decodes it into a plan.Document.
package seed

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"

	"github.com/piao-performance/piao/internal/plan"
)

//go:embed data/*.json
var data embed.FS

//go:embed benchmark/cciaa-chieti-pescara.json
var benchmarkEnte []byte

// BenchmarkEnte returns the second demo ente, the CCIAA di Chieti-Pescara:
// only its payment-timeliness indicator, which the reference plan's
// benchmarking KPI compares with (see the note at line 851 of the seed).
func BenchmarkEnte() (*plan.Document, error) {
	var doc plan.Document
	dec := json.NewDecoder(bytes.NewReader(benchmarkEnte))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode benchmark ente: %w", err)
	}
	if err := plan.Validate(&doc); err != nil {
		return nil, fmt.Errorf("benchmark ente is not valid: %w", err)
	}
	return &doc, nil
}

// Reference returns the reference plan. The fragments in data/ are read in
// file-name order: the first carries the header, the others append objectives,
// individual objectives and data-quality notes.
func Reference() (*plan.Document, error) {
	names, err := fs.Glob(data, "data/*.json")
	if err != nil {
		return nil, fmt.Errorf("list seed fragments: %w", err)
	}
	slices.Sort(names)
	var doc plan.Document
	for i, name := range names {
		raw, err := data.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		var part plan.Document
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&part); err != nil {
			return nil, fmt.Errorf("decode %s: %w", name, err)
		}
		if i == 0 {
			doc = part
			continue
		}
		doc.Objectives = append(doc.Objectives, part.Objectives...)
		doc.Individual = append(doc.Individual, part.Individual...)
		doc.Notes = append(doc.Notes, part.Notes...)
	}
	markCumulative(&doc)
	if err := plan.Validate(&doc); err != nil {
		return nil, fmt.Errorf("reference plan is not valid: %w", err)
	}
	return &doc, nil
}

// markCumulative sets the in-year comparison of the reference plan: the
// published plan does not say it, so counts of events and initiatives with an
// "at least" target (meetings, mediations, initiatives, companies supported)
// are taken as accumulating over the year, everything else as a point-in-time
// value. Administrators can change it per indicator.
func markCumulative(d *plan.Document) {
	for i := range d.Objectives {
		for j := range d.Objectives[i].Indicators {
			in := &d.Objectives[i].Indicators[j]
			gte := false
			for _, t := range in.Targets {
				gte = gte || t.Operator == plan.OpGTE
			}
			in.Cumulative = in.Formula == plan.FormulaDirect && in.Unit == plan.UnitCount && in.Polarity == plan.PolarityHigher && gte
		}
	}
}

package templates

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/narrative"
)

// DraftData is the page of a year's Relazione draft.
type DraftData struct {
	Plan     model.PlanHeader
	Year     int
	Draft    *model.RelazioneDraft // nil: none yet, or Withheld
	Withheld bool                  // a draft exists but is not sent yet: the OIV does not read it
	// YearValidated: the OIV validated the year while the draft was a bozza,
	// which its decision does not cover
	YearValidated bool
	CanWrite      bool   // the Segretario Generale: create, edit, regenerate, send
	Message       string // a success, announced as status
	Error         string // a refusal (stale version, locked draft)
}

// Editable reports whether the draft can still change.
func (d DraftData) Editable() bool {
	return d.CanWrite && d.Draft != nil && d.Draft.Status == model.DraftBozza
}

// DraftSectionData is the form of one section of the draft.
type DraftSectionData struct {
	Plan    model.PlanHeader
	Year    int
	Draft   model.RelazioneDraft
	Section model.DraftSection
	Text    string // the text in the textarea (as typed when refused)
	Version int
	Errors  []FieldError
	Error   string // a refusal of the whole form (stale version, locked draft)
}

// Locked reports whether the draft no longer takes edits (sent or validated).
func (d DraftSectionData) Locked() bool { return d.Draft.Status != model.DraftBozza }

// DraftRegenerateData is the difference between a section's current text and
// a new generation, with the button that replaces it.
type DraftRegenerateData struct {
	Plan        model.PlanHeader
	Year        int
	Section     model.DraftSection
	Diff        []narrative.DiffOp
	Unchanged   bool   // the new generation equals the current text
	Fingerprint string // of the new generation, so the replacement is the one shown
	Version     int
	Error       string
	Locked      bool // sent to the OIV or validated: nothing is compared or replaced
}

func draftTitle(year int) string {
	return "Relazione sulla performance " + strconv.Itoa(year) + ": testo"
}

func draftCrumbs(p model.PlanHeader, year int, last string) []Crumb {
	crumbs := []Crumb{{Label: "Enti e piani", URL: HomeURL()}, {Label: p.Title, URL: PlanURL(p.EnteSlug, p.Slug)},
		{Label: "Relazione " + strconv.Itoa(year), URL: RelazioneURL(p.EnteSlug, p.Slug, year)}}
	if last == "" {
		return append(crumbs, Crumb{Label: "Testo"})
	}
	return append(crumbs, Crumb{Label: "Testo", URL: RelazioneDraftURL(p.EnteSlug, p.Slug, year)}, Crumb{Label: last})
}

// sectionTitle is the title of a section of the outline.
func sectionTitle(key string) string {
	if t, ok := narrative.Title(key); ok {
		return t
	}
	return key
}

func sourceLabel(s model.DraftSource) string {
	return narrative.Source{Table: s.Table, Rows: s.Rows}.Label()
}

// sourceURL links a source to its table in the Relazione page.
// sourceLinked is false for the previous year's Relazione cited without
// rows: the sentence that says there is none, whose page would be a 404.
func sourceLinked(s model.DraftSource) bool {
	return s.Table != "anno-precedente" || len(s.Rows) > 0
}

func sourceURL(p model.PlanHeader, year int, s model.DraftSource) templ.SafeURL {
	switch s.Table {
	case "frontespizio":
		return RelazioneURL(p.EnteSlug, p.Slug, year)
	case "anno-precedente":
		return templ.SafeURL(string(RelazioneURL(p.EnteSlug, p.Slug, year-1)) + "#ambiti")
	}
	return templ.SafeURL(string(RelazioneURL(p.EnteSlug, p.Slug, year)) + "#" + s.Table)
}

// footnote is a generated sentence's number among the section's sources.
type footnote struct {
	N      int
	Source model.DraftSource
}

// sentenceNotes numbers the sources of every sentence of a section, in order.
func sentenceNotes(ps []model.DraftParagraph) [][][]footnote {
	n := 0
	out := make([][][]footnote, len(ps))
	for i, p := range ps {
		out[i] = make([][]footnote, len(p.Sentences))
		for j, s := range p.Sentences {
			for _, src := range s.Sources {
				n++
				out[i][j] = append(out[i][j], footnote{N: n, Source: src})
			}
		}
	}
	return out
}

func allNotes(ps []model.DraftParagraph) []footnote {
	var out []footnote
	for _, p := range sentenceNotes(ps) {
		for _, s := range p {
			out = append(out, s...)
		}
	}
	return out
}

func noteID(key string, n int) string { return "fonte-" + key + "-" + strconv.Itoa(n) }

func noteRef(key string, n int) templ.SafeURL { return templ.SafeURL("#" + noteID(key, n)) }

func draftStatus(d *model.RelazioneDraft) string { return model.DraftStatusLabel(d.Status) }

// diffParagraphs splits the runs of a diff at paragraph breaks.
func diffParagraphs(ops []narrative.DiffOp) [][]narrative.DiffOp {
	out := [][]narrative.DiffOp{nil}
	for _, o := range ops {
		for i, part := range strings.Split(o.Text, "\n\n") {
			if i > 0 {
				out = append(out, nil)
			}
			if part = strings.TrimSpace(part); part != "" {
				out[len(out)-1] = append(out[len(out)-1], narrative.DiffOp{Kind: o.Kind, Text: part})
			}
		}
	}
	return out
}

// fieldMessage is the message of the field in errs, or "".
func fieldMessage(errs []FieldError, field string) string {
	for _, e := range errs {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// noteSep separates the k-th of n note numbers from the next: "2, 3, 4".
func noteSep(k, n int) string {
	if k < n-1 {
		return ", "
	}
	return ""
}

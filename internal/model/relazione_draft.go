package model

import (
	"strings"
	"time"
)

// Statuses of a Relazione draft.
const (
	DraftBozza    = "bozza"    // the Segretario writes and edits it
	DraftInviata  = "inviata"  // sent to the OIV: read-only
	DraftValidata = "validata" // the OIV decided on the year: frozen
)

// DraftStatusLabel is the Italian label of a draft status.
func DraftStatusLabel(s string) string {
	switch s {
	case DraftBozza:
		return "Bozza"
	case DraftInviata:
		return "Inviata all'OIV"
	case DraftValidata:
		return "Validata"
	}
	return s
}

// DraftSource is where a generated sentence comes from: a table of the
// Relazione and the rows it read.
type DraftSource struct {
	Table string   `json:"table"`
	Rows  []string `json:"rows,omitempty"`
}

// DraftSentence is a generated sentence with its sources.
type DraftSentence struct {
	Text    string        `json:"text"`
	Sources []DraftSource `json:"sources,omitempty"`
}

// DraftParagraph is a generated paragraph.
type DraftParagraph struct {
	Sentences []DraftSentence `json:"sentences"`
}

// DraftSection is a section of a Relazione draft.
type DraftSection struct {
	Key         string
	Free        bool
	Generated   []DraftParagraph
	GeneratedAt time.Time
	Edited      *string // the Segretario's text; nil while the generated one stands
	UpdatedAt   time.Time
	UpdatedBy   string
}

// GeneratedText is the generated text: paragraphs separated by a blank line.
func (s DraftSection) GeneratedText() string {
	return ParagraphsText(s.Generated)
}

// ParagraphsText joins paragraphs' sentences with a space and paragraphs
// with a blank line.
func ParagraphsText(ps []DraftParagraph) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		ss := make([]string, len(p.Sentences))
		for j, x := range p.Sentences {
			ss[j] = x.Text
		}
		parts[i] = strings.Join(ss, " ")
	}
	return strings.Join(parts, "\n\n")
}

// Text is the section's current text: the edited one, or the generated one.
func (s DraftSection) Text() string {
	if s.Edited != nil {
		return *s.Edited
	}
	return s.GeneratedText()
}

// RelazioneDraft is the prose draft of a plan year's Relazione.
type RelazioneDraft struct {
	PlanID      int64
	Year        int
	Status      string
	Version     int
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
	UpdatedBy   string
	SentAt      *time.Time
	SentBy      string
	ValidatedAt *time.Time
	Sections    []DraftSection
}

// Section returns the section with the key, or nil.
func (d *RelazioneDraft) Section(key string) *DraftSection {
	for i := range d.Sections {
		if d.Sections[i].Key == key {
			return &d.Sections[i]
		}
	}
	return nil
}

package model

import (
	"time"

	"github.com/piao-performance/piao/internal/plan"
)

// PlanImport is a published PIAO read in the plan editor and kept for review
// (migration 000033): the document as read, then as the administrator edits
// it, with the cells the parser was unsure of. It becomes the draft's content
// only with "Crea bozza".
type PlanImport struct {
	ID         int64
	PlanID     int64
	FileName   string
	Doc        *plan.Document
	Problems   []ImportProblem
	Version    int
	UploadedBy string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ImportProblem is one uncertain cell of a read document: the source line
// and text, the objective and indicator it belongs to, its kind (a
// plan.QualityNote kind) and the interpretation chosen. Unresolved: nothing
// could be chosen.
type ImportProblem struct {
	Line       int    `json:"line"`
	Kind       string `json:"kind"`
	Objective  string `json:"objective,omitempty"`
	Indicator  string `json:"indicator,omitempty"`
	Text       string `json:"text"`
	Chosen     string `json:"chosen"`
	Unresolved bool   `json:"unresolved,omitempty"`
}

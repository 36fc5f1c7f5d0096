package model

import (
	"time"

	"github.com/piao-performance/piao/internal/plan"
)

// EnteInfo is an ente with its plans and manager positions, for its
// administration page.
type EnteInfo struct {
	plan.Ente
	Plans     []PlanSummary
	Positions []plan.Role
}

// EnteLegal is what an ente configured for its footer pages: the
// accessibility statement (fields of the AgID model), the privacy notice and
// the legal notes. Version 0 means nothing is configured: the pages show the
// default text. Texts are plain, paragraphs separated by an empty line.
type EnteLegal struct {
	Conformity      string // "", conforme, parziale, non-conforme
	NonAccessible   string
	Method          string // "", autovalutazione, terzi
	PreparedOn      *time.Time
	ReviewedOn      *time.Time
	FeedbackContact string
	AgIDFormURL     string
	Privacy         string
	LegalNotes      string
	Version         int
	UpdatedAt       time.Time
}

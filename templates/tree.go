package templates

import (
	"strconv"
	"strings"

	"github.com/piao-performance/piao/internal/model"
)

// ObjectiveGroup is a run of objectives under one source sub-heading.
type ObjectiveGroup struct {
	Label      string
	Objectives []model.ObjectiveRow
}

func strategicOf(objs []model.ObjectiveRow, area int) []model.ObjectiveRow {
	var out []model.ObjectiveRow
	for _, o := range objs {
		if o.Kind == "strategic" && o.Area == area {
			out = append(out, o)
		}
	}
	return out
}

func childrenOf(objs []model.ObjectiveRow, parent, kind string) []model.ObjectiveRow {
	var out []model.ObjectiveRow
	for _, o := range objs {
		if o.ParentCode == parent && o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// groupsOf splits the objectives of a kind into consecutive groups by label.
func groupsOf(objs []model.ObjectiveRow, kind string) []ObjectiveGroup {
	var out []ObjectiveGroup
	for _, o := range objs {
		if o.Kind != kind {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Label != o.Group {
			out = append(out, ObjectiveGroup{Label: o.Group})
		}
		out[len(out)-1].Objectives = append(out[len(out)-1].Objectives, o)
	}
	return out
}

func indicatorWord(n int) string {
	if n == 1 {
		return "indicatore"
	}
	return "indicatori"
}

// linkedObjectives is the summary of a strategic objective's branch in the
// performance tree: "1 obiettivo collegato", "3 obiettivi collegati".
func linkedObjectives(n int) string {
	if n == 1 {
		return "1 obiettivo collegato"
	}
	return strconv.Itoa(n) + " obiettivi collegati"
}

func joinComma(xs []string) string {
	return strings.Join(xs, ", ")
}

// codeTextSuffix shows the objective's label as published when it differs
// from the normalised code.
func codeTextSuffix(o model.ObjectiveRow) string {
	if o.CodeText == "" || o.CodeText == o.Code {
		return ""
	}
	return " · nel documento «" + o.CodeText + "»"
}

func missingWord(n int) string {
	if n == 1 {
		return "dato mancante"
	}
	return "dati mancanti"
}

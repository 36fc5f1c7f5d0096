package templates

import (
	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/scorecard"
	"github.com/piao-performance/piao/internal/scoring"
)

// Scores is what a page needs to show scores: the scored period (nil when no
// measurements are visible) and the periods that have data.
type Scores struct {
	Card           *scorecard.Card
	Periods        []model.Period
	ShowEvaluation bool // the reader may see individual evaluations
	Private        bool // the reader is one of the ente's users (evidence, current values)
}

func statusClass(s scoring.Status) string {
	switch s {
	case scoring.StatusMet:
		return "piao-status piao-status-met"
	case scoring.StatusPartial:
		return "piao-status piao-status-partial"
	case scoring.StatusNotMet:
		return "piao-status piao-status-notmet"
	case scoring.StatusNotApplicable, scoring.StatusNoTarget:
		return "piao-status piao-status-na"
	}
	return "piao-status piao-status-missing"
}

// statusIcon is a shape that differs by band, so colour is never the only signal.
func statusIcon(s scoring.Status) string {
	switch s {
	case scoring.StatusMet:
		return "✔"
	case scoring.StatusPartial:
		return "◐"
	case scoring.StatusNotMet:
		return "✖"
	case scoring.StatusNotApplicable:
		return "–"
	case scoring.StatusNoTarget:
		return "○"
	}
	return "?"
}

func scoreValue(s scoring.Score) string {
	if !s.Has {
		return "—"
	}
	return itfmt.Number(s.Value, 2) + "%"
}

func (sc Scores) objective(code string) (scoring.Score, int) {
	if sc.Card == nil {
		return scoring.Score{}, -1
	}
	return sc.Card.Objective(code)
}

func (sc Scores) indicator(key string) (scoring.IndicatorResult, int) {
	if sc.Card == nil {
		return scoring.IndicatorResult{}, -1
	}
	return sc.Card.Indicator(key)
}

func actualText(sc Scores, key, unit string) string {
	res, i := sc.indicator(key)
	if i < 0 {
		return ""
	}
	if sc.Card.Result.Actuals[i].State == scoring.NotApplicable {
		return "n.a."
	}
	if !res.HasActual {
		return "—"
	}
	return itfmt.Value(res.Actual, unit)
}

func periodURL(base templ.SafeURL, p model.Period) templ.SafeURL {
	return base + templ.SafeURL("?periodo="+scorecard.Ref(p))
}

func areaIndex(sc Scores, number int) int {
	if sc.Card == nil {
		return -1
	}
	for i, a := range sc.Card.Model.Areas {
		if a == number {
			return i
		}
	}
	return -1
}

func roleIndex(sc Scores, key string) int {
	if sc.Card == nil {
		return -1
	}
	for i, r := range sc.Card.Model.Roles {
		if r == key {
			return i
		}
	}
	return -1
}

// Owned is an objective a role owns, with its indicators, for the dirigente view.
type Owned struct {
	Code, Title string
	Score       scoring.Score
	Indicators  []OwnedIndicator
}

// OwnedIndicator is an indicator of an owned objective with its result.
type OwnedIndicator struct {
	Key, Name, Actual, Target string
	Score                     scoring.Score
}

// ownedBy lists the objectives (and their indicators) the role owns.
func ownedBy(sc Scores, role string) []Owned {
	if sc.Card == nil {
		return nil
	}
	m, r := sc.Card.Model, sc.Card.Result
	var out []Owned
	for o, ob := range m.Objectives {
		owns := false
		for _, x := range ob.Owners {
			owns = owns || x == role
		}
		if !owns {
			continue
		}
		w := Owned{Code: ob.Code, Title: ob.Title, Score: r.Objectives[o]}
		for i, in := range m.Indicators {
			if in.Objective != ob.Code {
				continue
			}
			res := r.Indicators[i]
			oi := OwnedIndicator{Key: in.Key, Name: in.Name, Actual: "—", Target: "—", Score: res.Score}
			if r.Actuals[i].State == scoring.NotApplicable {
				oi.Actual = "non applicabile"
			} else if res.HasActual {
				oi.Actual = itfmt.Value(res.Actual, in.Unit)
			}
			if in.Target != nil {
				oi.Target = itfmt.Target(in.Target.Operator, in.Target.Value, in.Unit)
			}
			w.Indicators = append(w.Indicators, oi)
		}
		out = append(out, w)
	}
	return out
}

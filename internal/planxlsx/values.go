package planxlsx

import (
	"fmt"

	"github.com/piao-performance/piao/internal/plan"
)

// indicatorOf resolves the indicator a row points at and returns it (nil when
// it is not attached to an objective) with its key; unknown keys are reported.
func (b *builder) indicatorOf(l line, col int) (*plan.Indicator, string) {
	key := l.required(col)
	if key == "" {
		return nil, ""
	}
	if _, seen := b.indRow[key]; !b.known(sheetIndicators, seen) {
		l.add(col, "indicatore %s sconosciuto: non è nel foglio %s", quote(key), sheetIndicators)
	}
	ref, ok := b.indAt[key]
	if !ok {
		return nil, key
	}
	return &b.doc.Objectives[ref.obj].Indicators[ref.ind], key
}

// year reads a required year; ok is false when missing or reported.
func year(l line, col int) (int, bool) {
	if l.key(col) == "" {
		l.add(col, "campo obbligatorio vuoto")
		return 0, false
	}
	return l.integer(col, "un anno")
}

// onceAYear reports a year already given for the same indicator.
func onceAYear(l line, col int, rows map[string]map[int]int, key string, y int) {
	if rows[key] == nil {
		rows[key] = map[int]int{}
	}
	if first, seen := rows[key][y]; seen {
		l.add(col, "anno %d ripetuto per questo indicatore: compare già alla riga %d", y, first)
		return
	}
	rows[key][y] = l.n
}

func (b *builder) readBaselines(t *table) {
	years := map[string]map[int]int{}
	for _, l := range t.rows {
		in, key := b.indicatorOf(l, blIndicator)
		bl := plan.Baseline{Text: l.requiredText(blText), Footnote: l.text(blFootnote)}
		bl.Value, _ = l.number(blValue)
		y, ok := year(l, blYear)
		if ok && (y < 1990 || y > 2100) {
			l.add(blYear, "anno %d non valido: le baseline vanno dal 1990 al 2100", y)
			ok = false
		}
		bl.Year = y
		if ok && key != "" {
			onceAYear(l, blYear, years, key, y)
		}
		if in != nil {
			in.Baselines = append(in.Baselines, bl)
		}
	}
}

func (b *builder) readTargets(t *table) {
	years := map[string]map[int]int{}
	p := b.doc.Plan
	for _, l := range t.rows {
		in, key := b.indicatorOf(l, tgIndicator)
		tg := plan.Target{Operator: l.code(tgOperator, true), Text: l.requiredText(tgText)}
		y, ok := year(l, tgYear)
		if ok && b.planYears() && (y < p.StartYear || y > p.EndYear) {
			l.add(tgYear, "anno %d fuori dagli anni del piano (%d–%d)", y, p.StartYear, p.EndYear)
			ok = false
		}
		tg.Year = y
		if ok && key != "" {
			onceAYear(l, tgYear, years, key, y)
		}
		if l.key(tgValue) == "" {
			l.add(tgValue, "campo obbligatorio vuoto: per l'operatore yes scrivi 1 (SI) o 0 (NO)")
		} else if v, ok := l.number(tgValue); ok {
			tg.Value = v
			if tg.Operator == plan.OpYes && *v != 0 && *v != 1 {
				l.add(tgValue, "con l'operatore yes il valore è 1 (SI) o 0 (NO), non %s", fmt.Sprint(*v))
			}
		}
		if in != nil {
			in.Targets = append(in.Targets, tg)
		}
	}
}

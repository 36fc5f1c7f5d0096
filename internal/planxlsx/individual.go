package planxlsx

import (
	"github.com/piao-performance/piao/internal/plan"
)

// occurrenceOf reads the N. column: required, from 1.
func occurrenceOf(l line, col int) (int, bool) {
	if l.key(col) == "" {
		l.add(col, "campo obbligatorio vuoto: 1 per il primo obiettivo del ruolo con questo codice")
		return 0, false
	}
	n, ok := l.integer(col, "un numero intero")
	if ok && n < 1 {
		l.add(col, "N. parte da 1")
		ok = false
	}
	return n, ok
}

func (b *builder) checkRole(l line, col int, role string) {
	if _, ok := b.roleRow[role]; role != "" && !b.known(sheetRoles, ok) {
		l.add(col, "ruolo %s sconosciuto: non è nel foglio %s", quote(role), sheetRoles)
	}
}

func (b *builder) readIndividual(t *table) {
	for _, l := range t.rows {
		iv := plan.Individual{
			Role: l.required(ivRole), Code: l.key(ivCode), Group: l.text(ivGroup),
			Title: l.requiredText(ivTitle), Objective: l.required(ivObjective),
		}
		b.checkRole(l, ivRole, iv.Role)
		if _, ok := b.objIdx[iv.Objective]; iv.Objective != "" && !b.known(sheetObjectives, ok) {
			l.add(ivObjective, "obiettivo %s sconosciuto: non è nel foglio %s", quote(iv.Objective), sheetObjectives)
		}
		if w, ok := l.number(ivWeight); ok && w != nil {
			iv.Weight = w
			if *w <= 0 {
				l.add(ivWeight, "il peso deve essere maggiore di zero (vuoto = pesi uguali)")
			}
		}
		iv.SourceLine, _ = l.integer(ivSourceLine, "un numero intero")
		if n, ok := occurrenceOf(l, ivOccurrence); ok && iv.Role != "" {
			k := ivKey{iv.Role, iv.Code, n}
			if first, seen := b.ivRow[k]; seen {
				l.add(ivOccurrence, "obiettivo individuale ripetuto: ruolo, codice e N. compaiono già alla riga %d", first)
			} else {
				b.ivRow[k], b.ivIdx[k] = l.n, len(b.doc.Individual)
			}
		}
		b.doc.Individual = append(b.doc.Individual, iv)
	}
}

func (b *builder) readIndivInds(t *table) {
	listed := map[int]map[string]int{} // individual → indicator → row
	for _, l := range t.rows {
		role, code := l.required(iiRole), l.key(iiCode)
		n, nOK := occurrenceOf(l, iiOccurrence)
		ii := plan.IndividualIndicator{
			Indicator: l.required(iiIndicator), Name: l.text(iiName),
			Algorithm: l.text(iiAlgorithm), TargetText: l.text(iiTargetText),
		}
		b.checkRole(l, iiRole, role)
		if _, seen := b.indRow[ii.Indicator]; ii.Indicator != "" && !b.known(sheetIndicators, seen) {
			l.add(iiIndicator, "indicatore %s sconosciuto: non è nel foglio %s", quote(ii.Indicator), sheetIndicators)
		}
		if !nOK || role == "" {
			continue
		}
		idx, ok := b.ivIdx[ivKey{role, code, n}]
		if !ok {
			if _, roleOK := b.roleRow[role]; b.loaded[sheetIndividual] && b.known(sheetRoles, roleOK) {
				l.add(iiCode, "obiettivo individuale sconosciuto: nessuna riga del foglio %s ha ruolo %s, codice %s e N. %d",
					sheetIndividual, quote(role), quote(code), n)
			}
			continue
		}
		iv := &b.doc.Individual[idx]
		if ref, ok := b.indAt[ii.Indicator]; ok && iv.Objective != "" && b.doc.Objectives[ref.obj].Code != iv.Objective {
			l.add(iiIndicator, "%s non è un indicatore dell'obiettivo %s, che l'obiettivo individuale ripete", quote(ii.Indicator), quote(iv.Objective))
		}
		if listed[idx] == nil {
			listed[idx] = map[string]int{}
		}
		if first, seen := listed[idx][ii.Indicator]; seen && ii.Indicator != "" {
			l.add(iiIndicator, "indicatore già elencato per questo obiettivo individuale alla riga %d", first)
		} else {
			listed[idx][ii.Indicator] = l.n
		}
		iv.Indicators = append(iv.Indicators, ii)
	}
}

func (b *builder) readNotes(t *table) {
	for _, l := range t.rows {
		n := plan.QualityNote{
			Kind: l.code(noteKind, true), Objective: l.key(noteObjective), Indicator: l.key(noteIndicator),
			SourceText: l.text(noteSourceText), Interpretation: l.requiredText(noteInterpretation),
		}
		n.SourceLine, _ = l.integer(noteSourceLine, "un numero intero")
		if _, ok := b.objIdx[n.Objective]; n.Objective != "" && !b.known(sheetObjectives, ok) {
			l.add(noteObjective, "obiettivo %s sconosciuto: non è nel foglio %s", quote(n.Objective), sheetObjectives)
		}
		if _, ok := b.indRow[n.Indicator]; n.Indicator != "" && !b.known(sheetIndicators, ok) {
			l.add(noteIndicator, "indicatore %s sconosciuto: non è nel foglio %s", quote(n.Indicator), sheetIndicators)
		}
		b.doc.Notes = append(b.doc.Notes, n)
	}
}

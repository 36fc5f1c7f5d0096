package planxlsx

import (
	"fmt"

	"github.com/piao-performance/piao/internal/plan"
)

// builder assembles the document sheet by sheet, remembering on which row
// each item sits so that references to it can be checked and problems
// placed.
type builder struct {
	rd     *reader
	doc    plan.Document
	loaded map[string]bool // sheets read with all their columns

	unitRow map[string]int
	roleRow map[string]int
	areaRow map[int]int
	objIdx  map[string]int // code → index in doc.Objectives
	objRow  map[string]int
	indAt   map[string]indRef // key → place, for keys of attached indicators
	indRow  map[string]int    // every key seen, attached or not
	ivIdx   map[ivKey]int     // → index in doc.Individual
	ivRow   map[ivKey]int

	// later holds checks of references within the sheet being read (a
	// parent on a later row); they run once the sheet is done.
	later []func()
}

type indRef struct{ obj, ind int }

type ivKey struct {
	role, code string
	n          int
}

func newBuilder(rd *reader) *builder {
	return &builder{
		rd: rd, loaded: map[string]bool{},
		unitRow: map[string]int{}, roleRow: map[string]int{}, areaRow: map[int]int{},
		objIdx: map[string]int{}, objRow: map[string]int{},
		indAt: map[string]indRef{}, indRow: map[string]int{},
		ivIdx: map[ivKey]int{}, ivRow: map[ivKey]int{},
	}
}

func (b *builder) build() {
	b.readPlan()
	specs := tableSpecs()
	read := map[string]func(*table){
		sheetUnits: b.readUnits, sheetRoles: b.readRoles, sheetAreas: b.readAreas,
		sheetObjectives: b.readObjectives, sheetIndicators: b.readIndicators,
		sheetBaselines: b.readBaselines, sheetTargets: b.readTargets,
		sheetIndividual: b.readIndividual, sheetIndivInds: b.readIndivInds, sheetNotes: b.readNotes,
	}
	for _, sp := range specs {
		t := b.rd.load(sp.name, sp.cols)
		if t == nil {
			continue
		}
		b.loaded[sp.name] = true
		read[sp.name](t)
		for _, check := range b.later {
			check()
		}
		b.later = nil
	}
}

// known checks a reference: unknown when the referenced sheet was read and
// lacks it. A missing sheet is reported once, not on every reference.
func (b *builder) known(sheet string, ok bool) bool { return ok || !b.loaded[sheet] }

// dup reports a repeated key, e.g. "chiave «x» ripetuta", with the row of
// its first occurrence.
func dup(l line, col int, repeated string, first int) {
	l.add(col, "%s: compare già alla riga %d", repeated, first)
}

func (b *builder) readPlan() {
	t := b.rd.load(sheetPlan, []column{{header: planColLabel}, {header: planColValue}})
	if t == nil {
		return
	}
	byLabel := map[string]line{}
	for _, l := range t.rows {
		k := fold(l.raw(0))
		if first, seen := byLabel[k]; seen {
			l.add(0, "voce ripetuta: compare già alla riga %d", first.n)
			continue
		}
		byLabel[k] = l
	}
	fields := planFields()
	lines := make([]line, len(fields))
	for i, fd := range fields {
		l, ok := byLabel[fold(fd.header)]
		if !ok {
			b.rd.add(Problem{Sheet: sheetPlan, Column: planColLabel, Message: "manca la voce «" + fd.header + "»"})
			l = line{t: t, mute: true} // reads as empty, reported once above
		}
		l.prefix = fd.header + ": "
		lines[i] = l
	}
	const v = 1 // the Valore column
	d := &b.doc
	d.Ente.Slug = lines[planEnteSlug].required(v)
	if s := d.Ente.Slug; s != "" && !isSlug(s) {
		lines[planEnteSlug].add(v, "%s non è valido: usa minuscole, cifre e trattini (es. cciaa-gran-sasso)", quote(s))
	}
	d.Ente.Name = lines[planEnteName].requiredText(v)
	d.Ente.ShortName = lines[planEnteShort].text(v)
	d.Plan.Slug = lines[planSlug].required(v)
	if s := d.Plan.Slug; s != "" && !isSlug(s) {
		lines[planSlug].add(v, "%s non è valido: usa minuscole, cifre e trattini (es. piao-2023-2025)", quote(s))
	}
	d.Plan.Title = lines[planTitle].text(v)
	start, okStart := planYear(lines[planStart])
	end, okEnd := planYear(lines[planEnd])
	if okStart && okEnd && end < start {
		lines[planEnd].add(v, "l'anno finale %d precede l'anno iniziale %d", end, start)
	}
	d.Plan.StartYear, d.Plan.EndYear = start, end
	r := &d.Plan.Revision
	r.Label = lines[planRevLabel].requiredText(v)
	r.AdoptedOn = lines[planAdopted].date(v)
	r.InForceFrom = lines[planInForce].date(v)
	r.InForceText = lines[planInForceText].text(v)
	r.ActReference = lines[planAct].text(v)
	r.Reason = lines[planReason].text(v)
	r.Reconstructed = lines[planReconstructed].boolean(v)
	d.SourceTitle = lines[planSource].text(v)
}

// planYear reads a plan year: required, 2000–2100 as plan.Validate wants.
func planYear(l line) (int, bool) {
	const v = 1
	if l.key(v) == "" {
		l.add(v, "campo obbligatorio vuoto")
		return 0, false
	}
	y, ok := l.integer(v, "un anno")
	if ok && (y < 2000 || y > 2100) {
		l.add(v, "anno %d non valido: usa un anno tra 2000 e 2100", y)
		ok = false
	}
	return y, ok
}

// planYears says whether the plan's years are usable for checking targets.
func (b *builder) planYears() bool {
	p := b.doc.Plan
	return p.StartYear >= 2000 && p.EndYear <= 2100 && p.StartYear <= p.EndYear
}

func (b *builder) readUnits(t *table) {
	for _, l := range t.rows {
		u := plan.Unit{Key: l.required(unitKey), Name: l.requiredText(unitName), Parent: l.key(unitParent)}
		if first, seen := b.unitRow[u.Key]; seen && u.Key != "" {
			dup(l, unitKey, "chiave "+quote(u.Key)+" ripetuta", first)
		} else if u.Key != "" {
			b.unitRow[u.Key] = l.n
		}
		if u.Parent != "" {
			b.later = append(b.later, func() {
				if _, ok := b.unitRow[u.Parent]; !ok {
					l.add(unitParent, "unità %s sconosciuta: non è nel foglio %s", quote(u.Parent), sheetUnits)
				}
			})
		}
		b.doc.Units = append(b.doc.Units, u)
	}
}

func (b *builder) readRoles(t *table) {
	for _, l := range t.rows {
		r := plan.Role{Key: l.required(roleKey), Title: l.requiredText(roleTitle), Unit: l.key(roleUnit), RPCT: l.boolean(roleRPCT)}
		if first, seen := b.roleRow[r.Key]; seen && r.Key != "" {
			dup(l, roleKey, "chiave "+quote(r.Key)+" ripetuta", first)
		} else if r.Key != "" {
			b.roleRow[r.Key] = l.n
		}
		if _, ok := b.unitRow[r.Unit]; r.Unit != "" && !b.known(sheetUnits, ok) {
			l.add(roleUnit, "unità %s sconosciuta: non è nel foglio %s", quote(r.Unit), sheetUnits)
		}
		b.doc.Roles = append(b.doc.Roles, r)
	}
}

func (b *builder) readAreas(t *table) {
	for _, l := range t.rows {
		a := plan.Area{Title: l.requiredText(areaTitle)}
		if l.key(areaNumber) == "" {
			l.add(areaNumber, "campo obbligatorio vuoto")
		} else if n, ok := l.integer(areaNumber, "un numero intero"); ok {
			a.Number = n
			switch first, seen := b.areaRow[n]; {
			case n < 1:
				l.add(areaNumber, "il numero dell'ambito parte da 1")
			case seen:
				dup(l, areaNumber, fmt.Sprintf("ambito %d ripetuto", n), first)
			default:
				b.areaRow[n] = l.n
			}
		}
		b.doc.Areas = append(b.doc.Areas, a)
	}
}

// checkKeys reports the keys of a list column that are not in known;
// unknown formats the message from the key, e.g. "ruolo %s sconosciuto".
func (b *builder) checkKeys(l line, col int, keys []string, known map[string]int, sheet, unknown string) {
	for _, k := range keys {
		if _, ok := known[k]; !b.known(sheet, ok) {
			l.add(col, unknown+": non è nel foglio %s", quote(k), sheet)
		}
	}
}

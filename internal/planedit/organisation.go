package planedit

import (
	"slices"
	"strings"

	"github.com/piao-performance/piao/internal/plan"
)

// Units and roles belong to the ente: a plan's draft lists them so that a new
// administration can build its organisation with its first plan; adopting the
// revision writes them for the ente. Keys are their identity and stay.

// SetUnit changes a unit's name and parent, or adds one with a new key.
func SetUnit(d *plan.Document, key, name, parent string) Errors {
	errs := Errors{}
	key = strings.TrimSpace(key)
	name = text(errs, "unita-nome", name, 200, true)
	parent = strings.TrimSpace(parent)
	if !slugLike(key) {
		errs.add("unita-chiave", "Chiave non valida: lettere minuscole, cifre e trattini (es. ufficio-personale).")
	}
	if parent != "" && (parent == key || !slices.ContainsFunc(d.Units, func(u plan.Unit) bool { return u.Key == parent })) {
		errs.add("unita-padre", "Scegli un'altra unità del piano come unità superiore.")
	}
	if len(errs) > 0 {
		return errs
	}
	saved := clone(d)
	d.Units = slices.Clone(d.Units)
	u := plan.Unit{Key: key, Name: name, Parent: parent}
	if i := slices.IndexFunc(d.Units, func(x plan.Unit) bool { return x.Key == key }); i >= 0 {
		d.Units[i] = u
	} else {
		d.Units = append(d.Units, u)
	}
	return check(d, errs, func() { *d = saved })
}

// SetRole changes a manager role's title and unit, or adds one with a new key.
func SetRole(d *plan.Document, key, title, unit string, rpct bool) Errors {
	errs := Errors{}
	key = strings.TrimSpace(key)
	title = text(errs, "ruolo-titolo", title, 200, true)
	unit = strings.TrimSpace(unit)
	if !slugLike(key) {
		errs.add("ruolo-chiave", "Chiave non valida: lettere minuscole, cifre e trattini (es. dir-ef).")
	}
	if unit != "" && !slices.ContainsFunc(d.Units, func(u plan.Unit) bool { return u.Key == unit }) {
		errs.add("ruolo-unita", "Scegli un'unità del piano.")
	}
	if len(errs) > 0 {
		return errs
	}
	saved := clone(d)
	d.Roles = slices.Clone(d.Roles)
	r := plan.Role{Key: key, Title: title, Unit: unit, RPCT: rpct}
	if i := slices.IndexFunc(d.Roles, func(x plan.Role) bool { return x.Key == key }); i >= 0 {
		d.Roles[i] = r
	} else {
		d.Roles = append(d.Roles, r)
	}
	return check(d, errs, func() { *d = saved })
}

func slugLike(s string) bool {
	if s == "" || len(s) > 60 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

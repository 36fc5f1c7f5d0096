// Package templates holds the templ components of every page. Components only
// render what handlers give them; they never query.
package templates

import (
	"net/url"

	"github.com/a-h/templ"
)

// PlanURL is the page of a plan.
func PlanURL(ente, plan string) templ.SafeURL {
	return templ.SafeURL("/enti/" + url.PathEscape(ente) + "/piani/" + url.PathEscape(plan))
}

// ObjectiveURL is the page of an objective.
func ObjectiveURL(ente, plan, code string) templ.SafeURL {
	return PlanURL(ente, plan) + templ.SafeURL("/obiettivi/"+url.PathEscape(code))
}

// RoleURL is the page of a manager role's individual objectives.
func RoleURL(ente, plan, role string) templ.SafeURL {
	return PlanURL(ente, plan) + templ.SafeURL("/dirigenti/"+url.PathEscape(role))
}

// NotesURL is the page of the data-quality notes.
func NotesURL(ente, plan string) templ.SafeURL {
	return PlanURL(ente, plan) + "/qualita-dati"
}

// OpenDataURL is a public open-data file of a plan; ext is "csv" or "json".
func OpenDataURL(ente, plan, ext string) templ.SafeURL {
	return templ.SafeURL("/opendata/" + url.PathEscape(ente) + "/" + url.PathEscape(plan) + "/indicators." + ext)
}

// OpenDataExcelURL is the spreadsheet twin of indicators.csv (semicolons,
// decimal comma, formulas neutralised).
func OpenDataExcelURL(ente, plan string) templ.SafeURL {
	return templ.SafeURL("/opendata/" + url.PathEscape(ente) + "/" + url.PathEscape(plan) + "/indicators-excel.csv")
}

// planCrumbs is the trail home → plan → last; with last empty it ends at the plan.
func planCrumbs(ente, planSlug, planTitle, last string) []Crumb {
	home := Crumb{Label: "Enti e piani", URL: "/"}
	if last == "" {
		return []Crumb{home, {Label: planTitle}}
	}
	return []Crumb{home, {Label: planTitle, URL: PlanURL(ente, planSlug)}, {Label: last}}
}

// homeCrumbs is the trail home → last.
func homeCrumbs(last string) []Crumb {
	return []Crumb{{Label: "Enti e piani", URL: "/"}, {Label: last}}
}

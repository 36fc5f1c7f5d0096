// Package paths spells out the application's paths that are built outside
// the view layer too: the e-mails of package notify link the same pages as
// the views. templates/urls.go wraps these as templ.SafeURL and holds every
// other builder; the server's tests check that each builder is served by a
// route (TestURLBuildersMatchRoutes). Standard library only, so that any
// package may use it.
package paths

import (
	"net/url"
	"strconv"
	"strings"
)

// Plan is the prefix of every page of a plan.
func Plan(ente, plan string) string {
	return "/enti/" + url.PathEscape(ente) + "/piani/" + url.PathEscape(plan)
}

// Worklist is a plan's worklist ("Le mie misurazioni").
func Worklist(ente, plan string) string { return Plan(ente, plan) + "/misurazioni" }

// Entry is the entry page of an indicator key ("O.3.3.1/1").
func Entry(ente, plan, key string) string { return Worklist(ente, plan) + "/" + EscapeKey(key) }

// Late is the page of late entries.
func Late(ente, plan string) string { return Plan(ente, plan) + "/ritardi" }

// OIV is the OIV's page of a plan.
func OIV(ente, plan string) string { return Plan(ente, plan) + "/oiv" }

// Relazione is the Relazione sulla performance of a year.
func Relazione(ente, plan string, year int) string {
	return Plan(ente, plan) + "/relazione/" + strconv.Itoa(year)
}

// RelazioneDraft is the Segretario's text of a year's Relazione ("bozza").
func RelazioneDraft(ente, plan string, year int) string {
	return Relazione(ente, plan, year) + "/bozza"
}

// Account is the signed-in user's reserved area.
func Account() string { return "/area-riservata" }

// PeriodQuery is the query string that selects a period ("?periodo=2023-final").
func PeriodQuery(year int, kind string) string {
	return "?periodo=" + strconv.Itoa(year) + "-" + kind
}

// EscapeKey escapes an indicator key ("O.3.3.1/1") for a path: the last "/"
// separates objective code and number and stays a path separator.
func EscapeKey(key string) string {
	code, n := key, ""
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		code, n = key[:i], key[i+1:]
	}
	return url.PathEscape(code) + "/" + url.PathEscape(n)
}

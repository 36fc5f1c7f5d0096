package templates

import (
	"context"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
)

// LegalData is a footer page: the ente's configured texts, or the default
// text when EnteSlug is empty or the ente configured nothing (Version 0).
type LegalData struct {
	EnteSlug, EnteName string
	Legal              model.EnteLegal
}

// Default reports whether the page shows the software's default text.
func (d LegalData) Default() bool { return d.EnteSlug == "" || d.Legal.Version == 0 }

// LegalForm is the ente administrators' form of the footer texts, as typed.
type LegalForm struct {
	Conformity, NonAccessible, Method, PreparedOn, ReviewedOn string
	FeedbackContact, AgIDFormURL, Privacy, LegalNotes         string
	Version                                                   int
	Errors                                                    map[string]string
}

// LegalFormData is the administration page of an ente's footer texts.
type LegalFormData struct {
	EnteSlug, EnteName string
	Form               LegalForm
	Message, Error     string
}

// ConformityLabels names the conformity states of the AgID model.
var conformityLabels = map[string]string{
	"conforme":     "Conforme",
	"parziale":     "Parzialmente conforme",
	"non-conforme": "Non conforme",
}

var methodLabels = map[string]string{
	"autovalutazione": "Autovalutazione",
	"terzi":           "Valutazione effettuata da terzi",
}

func conformityChoices() []TargetChoice {
	return []TargetChoice{{Value: "", Label: "Non dichiarato"}, {Value: "conforme", Label: conformityLabels["conforme"]},
		{Value: "parziale", Label: conformityLabels["parziale"]}, {Value: "non-conforme", Label: conformityLabels["non-conforme"]}}
}

func methodChoices() []TargetChoice {
	return []TargetChoice{{Value: "", Label: "Non indicato"}, {Value: "autovalutazione", Label: methodLabels["autovalutazione"]},
		{Value: "terzi", Label: methodLabels["terzi"]}}
}

// orNot is s, or "Non indicato." when s is empty.
func orNot(s string) string {
	if strings.TrimSpace(s) == "" {
		return "Non indicato."
	}
	return s
}

func legalDate(l model.EnteLegal, reviewed bool) string {
	d := l.PreparedOn
	if reviewed {
		d = l.ReviewedOn
	}
	if d == nil {
		return "Non indicata."
	}
	return itfmt.Date(*d)
}

// agidForm is the link to the Difensore civico per il digitale's form.
func agidForm(l model.EnteLegal) templ.SafeURL {
	if l.AgIDFormURL != "" {
		return templ.URL(l.AgIDFormURL)
	}
	return "https://form.agid.gov.it"
}

func legalCrumbs(d LegalData, label string) []Crumb {
	if d.EnteSlug == "" {
		return homeCrumbs(label)
	}
	return homeCrumbs(label + " — " + d.EnteName)
}

func legalTitle(d LegalData, title string) string {
	if d.EnteSlug == "" {
		return title
	}
	return title + " — " + d.EnteName
}

type footerEnteKey struct{}

// WithFooterEnte makes the layout's footer link the ente's legal pages.
func WithFooterEnte(ctx context.Context, ente string) context.Context {
	return context.WithValue(ctx, footerEnteKey{}, ente)
}

func footerEnte(ctx context.Context) string {
	s, _ := ctx.Value(footerEnteKey{}).(string)
	return s
}

func footerAccessibility(ctx context.Context) templ.SafeURL {
	if e := footerEnte(ctx); e != "" {
		return EnteAccessibilityURL(e)
	}
	return AccessibilityURL()
}

func footerPrivacy(ctx context.Context) templ.SafeURL {
	if e := footerEnte(ctx); e != "" {
		return EntePrivacyURL(e)
	}
	return PrivacyURL()
}

func footerLegalNotes(ctx context.Context) templ.SafeURL {
	if e := footerEnte(ctx); e != "" {
		return EnteLegalNotesURL(e)
	}
	return LegalNotesURL()
}

func versionText(v int) string { return strconv.Itoa(v) }

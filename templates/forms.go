package templates

import (
	"context"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/auth"
	"github.com/piao-performance/piao/internal/itfmt"
	"github.com/piao-performance/piao/internal/model"
)

// SignInForm is the sign-in form as typed, with its messages. The password
// is never sent back.
type SignInForm struct {
	Username string
	Next     string
	SSO      bool
	Message  string            // an error for the whole form
	Info     string            // a notice, e.g. after signing out
	Errors   map[string]string // by field
}

func currentUser(ctx context.Context) *auth.User { return auth.FromContext(ctx) }

func fieldClass(errs map[string]string, field string) string {
	if errs[field] != "" {
		return "form-control is-invalid"
	}
	return "form-control"
}

func describedBy(errs map[string]string, field string) string {
	if errs[field] != "" {
		return field + "-errore"
	}
	return ""
}

func ariaInvalid(errs map[string]string, field string) string {
	if errs[field] != "" {
		return "true"
	}
	return "false"
}

func lastSignIn(u model.UserRow) string {
	if u.LastSignIn == nil {
		return "mai"
	}
	return itfmt.Date(*u.LastSignIn)
}

// lockedUntil says until when an account's sign-in is locked, "" when it is not.
func lockedUntil(u model.UserRow) string {
	if u.LockedUntil == nil {
		return ""
	}
	return itfmt.DateTime(*u.LockedUntil)
}

// htmxConfig keeps htmx within the Content-Security-Policy: no injected
// styles, no eval, no inline scripts from responses.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}`

// Link is a labelled link.
type Link struct {
	Label string
	URL   templ.SafeURL
}

// fieldAnchor links to a field of the same page.
func fieldAnchor(id string) templ.SafeURL { return templ.SafeURL("#" + id) }

// describedByAttrs is the aria-describedby attribute naming id, or no
// attribute at all when id is empty (an empty aria-describedby is invalid HTML).
func describedByAttrs(id string) templ.Attributes {
	if id == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-describedby": id}
}

// scrollRegionLabel names a horizontally scrolling table region after its
// caption, so that the regions of a page have distinct names (axe-core's
// landmark-unique).
func scrollRegionLabel(caption string) string {
	return caption + " (tabella, si scorre in orizzontale con le frecce)"
}

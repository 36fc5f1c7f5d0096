// Package templates holds the templ components of every page. Components only
// render what handlers give them; they never query.
package templates

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"github.com/piao-performance/piao/internal/model"
	"github.com/piao-performance/piao/internal/paths"
	"github.com/piao-performance/piao/internal/scorecard"
)

// This file and internal/paths (the paths e-mails link too) are the only
// places where the application's paths are spelled out, apart from the route
// table in internal/server/server.go. Every builder
// below has a sample in URLBuilders, and the server's tests check that each
// sample is served by a route of the right method (TestURLBuildersMatchRoutes)
// and that no other file writes a path by hand (TestNoHandWrittenPaths).
//
// Names: the page or action, then URL. Builders of form actions (POST) say so
// in their comment. Query strings (?periodo=…, ?esito=…) are appended by the
// callers; withPeriod adds the period.

func under(base templ.SafeURL, segments ...string) templ.SafeURL {
	s := string(base)
	for _, seg := range segments {
		s += "/" + url.PathEscape(seg)
	}
	return templ.SafeURL(s)
}

// withPeriod adds the period to a page's URL (?periodo=2023-final).
func withPeriod(u templ.SafeURL, p model.Period) templ.SafeURL {
	return u + templ.SafeURL("?periodo="+scorecard.Ref(p))
}

// ---- Public pages ----

// HomeURL is the home page: enti and plans.
func HomeURL() templ.SafeURL { return "/" }

// PlanURL is the page of a plan.
func PlanURL(ente, plan string) templ.SafeURL { return templ.SafeURL(paths.Plan(ente, plan)) }

// ObjectiveURL is the page of an objective.
func ObjectiveURL(ente, plan, code string) templ.SafeURL {
	return under(PlanURL(ente, plan), "obiettivi", code)
}

// RoleURL is the page of a manager role's individual objectives.
func RoleURL(ente, plan, role string) templ.SafeURL {
	return under(PlanURL(ente, plan), "dirigenti", role)
}

// NotesURL is the page of the data-quality notes.
func NotesURL(ente, plan string) templ.SafeURL { return under(PlanURL(ente, plan), "qualita-dati") }

// IndicatorURL is the page of an indicator key.
func IndicatorURL(ente, planSlug, key string) templ.SafeURL {
	return PlanURL(ente, planSlug) + templ.SafeURL("/indicatori/"+paths.EscapeKey(key))
}

// RevisionsURL is the plan's revisions page.
func RevisionsURL(ente, plan string) templ.SafeURL { return under(PlanURL(ente, plan), "revisioni") }

// OpenDataIndexURL is the list of the open-data files of every plan.
func OpenDataIndexURL() templ.SafeURL { return "/opendata" }

// openDataPage is page n of the open-data index (?pagina=n).
func openDataPage(n int) templ.SafeURL {
	return OpenDataIndexURL() + templ.SafeURL("?pagina="+strconv.Itoa(n))
}

// OpenDataFileURL is a public open-data file of a plan by name.
func OpenDataFileURL(ente, plan, file string) templ.SafeURL {
	return under("/opendata", ente, plan, file)
}

// OpenDataURL is a public open-data file of a plan; ext is "csv" or "json".
func OpenDataURL(ente, plan, ext string) templ.SafeURL {
	return OpenDataFileURL(ente, plan, "indicators."+ext)
}

// OpenDataExcelURL is the spreadsheet twin of indicators.csv (semicolons,
// decimal comma, formulas neutralised).
func OpenDataExcelURL(ente, plan string) templ.SafeURL {
	return OpenDataFileURL(ente, plan, "indicators-excel.csv")
}

// AccessibilityURL is the accessibility statement linked from every footer.
func AccessibilityURL() templ.SafeURL { return "/accessibilita" }

// PrivacyURL is the privacy notice linked from every footer.
func PrivacyURL() templ.SafeURL { return "/privacy" }

// LegalNotesURL is the legal notes linked from every footer.
func LegalNotesURL() templ.SafeURL { return "/note-legali" }

// EnteAccessibilityURL is an ente's accessibility statement.
func EnteAccessibilityURL(ente string) templ.SafeURL { return under("/enti", ente, "accessibilita") }

// EntePrivacyURL is an ente's privacy notice.
func EntePrivacyURL(ente string) templ.SafeURL { return under("/enti", ente, "privacy") }

// EnteLegalNotesURL is an ente's legal notes.
func EnteLegalNotesURL(ente string) templ.SafeURL { return under("/enti", ente, "note-legali") }

// AdminLegalURL is the ente administrators' form of the footer texts (GET, and POST).
func AdminLegalURL(ente string) templ.SafeURL { return under(AdminEnteURL(ente), "testi-legali") }

// TransparencyURL is the public Amministrazione Trasparente › Performance page.
func TransparencyURL(ente, plan string) templ.SafeURL { return under("/trasparenza", ente, plan) }

// PublicRelazioneURL is the published Relazione of a validated year.
func PublicRelazioneURL(ente, plan string, year int) templ.SafeURL {
	return under(TransparencyURL(ente, plan), "relazione", strconv.Itoa(year))
}

// PublicValidationURL is the published validation document of a year.
func PublicValidationURL(ente, plan string, year int) templ.SafeURL {
	return under(PublicRelazioneURL(ente, plan, year), "validazione")
}

// PublicDecisionURL is the published document of one decision of a year's history.
func PublicDecisionURL(ente, plan string, year int, id int64) templ.SafeURL {
	return under(PublicValidationURL(ente, plan, year), strconv.FormatInt(id, 10))
}

// PublicRelazioneFileURL is a download of the published Relazione
// ("relazione.pdf", "relazione.xlsx", "relazione-csv.zip", "relazione.odt",
// "relazione.docx", "TABLE.csv").
func PublicRelazioneFileURL(ente, plan string, year int, file string) templ.SafeURL {
	return under(PublicRelazioneURL(ente, plan, year), file)
}

// ---- Signing in and the reserved area ----

// SignInURL is the sign-in page (GET) and form (POST).
func SignInURL() templ.SafeURL { return "/accedi" }

// SignInReturnURL is the sign-in page that returns to next (a same-origin path) afterwards.
func SignInReturnURL(next string) templ.SafeURL {
	return SignInURL() + templ.SafeURL("?next="+url.QueryEscape(next))
}

// SSOURL starts single sign-on with the ente's provider; the cookie of the
// exchange is scoped to it.
func SSOURL() templ.SafeURL { return "/accedi/sso" }

// SignOutURL signs out (POST).
func SignOutURL() templ.SafeURL { return "/esci" }

// SignOutEverywhereURL ends every session of the account (POST).
func SignOutEverywhereURL() templ.SafeURL { return "/esci-ovunque" }

// AccountURL is the reserved area.
func AccountURL() templ.SafeURL { return templ.SafeURL(paths.Account()) }

// NotifyPrefsURL saves the user's e-mail preferences (POST).
func NotifyPrefsURL() templ.SafeURL { return under(AccountURL(), "notifiche") }

// ---- Administration ----

// AdminEntiURL is the global administrator's list of enti (GET) and the
// new-ente form (POST).
func AdminEntiURL() templ.SafeURL { return "/amministrazione/enti" }

// AdminEnteURL is an ente's administration page.
func AdminEnteURL(ente string) templ.SafeURL { return under("/amministrazione", ente) }

// AdminUsersURL creates an account of the ente (POST).
func AdminUsersURL(ente string) templ.SafeURL { return under(AdminEnteURL(ente), "utenti") }

// UserStateURL enables or disables an account (POST).
func UserStateURL(ente, username string) templ.SafeURL {
	return under(AdminUsersURL(ente), username, "stato")
}

// UserUnlockURL lifts the sign-in locks of an account (POST).
func UserUnlockURL(ente, username string) templ.SafeURL {
	return under(AdminUsersURL(ente), username, "sblocca")
}

// AdminPlansURL creates a plan of the ente (POST).
func AdminPlansURL(ente string) templ.SafeURL { return under(AdminEnteURL(ente), "piani") }

// NotificationsURL is the outbox page of an ente's administrators.
func NotificationsURL(ente string) templ.SafeURL { return under(AdminEnteURL(ente), "notifiche") }

// NotificationRetryURL queues a failed notification again (POST).
func NotificationRetryURL(ente string, id int64) templ.SafeURL {
	return under(NotificationsURL(ente), strconv.FormatInt(id, 10), "riprova")
}

// ---- Measurements ----

// DashboardURL is the dashboard (cockpit) of a plan.
func DashboardURL(ente, planSlug string) templ.SafeURL {
	return under(PlanURL(ente, planSlug), "cruscotto")
}

// WorklistURL is the worklist of a plan.
func WorklistURL(ente, planSlug string) templ.SafeURL {
	return templ.SafeURL(paths.Worklist(ente, planSlug))
}

// GridURL is the quick-entry grid of a plan (GET, and POST to save it).
func GridURL(ente, planSlug string) templ.SafeURL {
	return under(WorklistURL(ente, planSlug), "griglia")
}

// EntryURL is the entry page of an indicator key ("O.3.3.1/1"); POST saves it.
func EntryURL(ente, planSlug, key string) templ.SafeURL {
	return templ.SafeURL(paths.Entry(ente, planSlug, key))
}

// EntryStateURL moves an entry through the workflow (POST).
func EntryStateURL(ente, planSlug, key string) templ.SafeURL {
	return under(EntryURL(ente, planSlug, key), "stato")
}

// ApprovalsURL approves or returns many entries at once (POST).
func ApprovalsURL(ente, planSlug string) templ.SafeURL {
	return under(WorklistURL(ente, planSlug), "approvazioni")
}

// PeriodsURL is the monitoring periods page.
func PeriodsURL(ente, planSlug string) templ.SafeURL {
	return under(PlanURL(ente, planSlug), "periodi")
}

// PeriodURL closes or reopens a period (POST); ref is scorecard.Ref of the period.
func PeriodURL(ente, planSlug, ref string) templ.SafeURL {
	return under(PeriodsURL(ente, planSlug), ref)
}

// PeriodDeadlineURL sets a period's entry deadline (POST).
func PeriodDeadlineURL(ente, planSlug, ref string) templ.SafeURL {
	return under(PeriodURL(ente, planSlug, ref), "scadenza")
}

// LateURL is the page of late and submitted entries.
func LateURL(ente, planSlug string) templ.SafeURL { return templ.SafeURL(paths.Late(ente, planSlug)) }

// AttachmentURL is the download of an entry's attachment.
func AttachmentURL(id int64) templ.SafeURL { return under("/allegati", strconv.FormatInt(id, 10)) }

// EvidenceURL is the evidence pack (ZIP) of an objective.
func EvidenceURL(ente, plan, code string) templ.SafeURL {
	return under(ObjectiveURL(ente, plan, code), "evidenze.zip")
}

// ---- OIV ----

// OIVURL is the OIV's page of a plan.
func OIVURL(ente, plan string) templ.SafeURL { return templ.SafeURL(paths.OIV(ente, plan)) }

// OIVVerifyURL verifies the ente's audit chain (POST).
func OIVVerifyURL(ente, plan string) templ.SafeURL { return under(OIVURL(ente, plan), "verifica") }

// OIVObservationsURL records an observation (POST).
func OIVObservationsURL(ente, plan string) templ.SafeURL {
	return under(OIVURL(ente, plan), "osservazioni")
}

// OIVValidationURL records the validation of a year's Relazione (POST).
func OIVValidationURL(ente, plan string) templ.SafeURL {
	return under(OIVURL(ente, plan), "validazione")
}

// OIVWithdrawURL withdraws a validation (POST).
func OIVWithdrawURL(ente, plan string) templ.SafeURL {
	return under(OIVValidationURL(ente, plan), "revoca")
}

// RelazioneURL is the page of a year's Relazione sulla performance.
func RelazioneURL(ente, plan string, year int) templ.SafeURL {
	return templ.SafeURL(paths.Relazione(ente, plan, year))
}

// RelazioneDraftURL is the prose draft of a year's Relazione (GET); POST creates it.
func RelazioneDraftURL(ente, plan string, year int) templ.SafeURL {
	return under(RelazioneURL(ente, plan, year), "bozza")
}

// RelazioneDraftSendURL sends the draft to the OIV (POST).
func RelazioneDraftSendURL(ente, plan string, year int) templ.SafeURL {
	return under(RelazioneDraftURL(ente, plan, year), "invia")
}

// RelazioneDraftSectionURL edits a section of the draft (GET form, POST save).
func RelazioneDraftSectionURL(ente, plan string, year int, key string) templ.SafeURL {
	return under(RelazioneDraftURL(ente, plan, year), "sezioni", key)
}

// RelazioneDraftRegenerateURL shows the difference with a new generation of a
// section (GET) and replaces the section with it (POST).
func RelazioneDraftRegenerateURL(ente, plan string, year int, key string) templ.SafeURL {
	return under(RelazioneDraftSectionURL(ente, plan, year, key), "rigenera")
}

// ValidationURL is the current validation document of a year.
func ValidationURL(ente, plan string, year int) templ.SafeURL {
	return under(RelazioneURL(ente, plan, year), "validazione")
}

// DecisionURL is the document of one decision of a year's history.
func DecisionURL(ente, plan string, year int, id int64) templ.SafeURL {
	return under(ValidationURL(ente, plan, year), strconv.FormatInt(id, 10))
}

// RelazioneFileURL is a download of the Relazione ("relazione.pdf",
// "relazione.xlsx", "relazione-csv.zip", "relazione.odt", "relazione.docx",
// "TABLE.csv").
func RelazioneFileURL(ente, plan string, year int, file string) templ.SafeURL {
	return under(RelazioneURL(ente, plan, year), file)
}

// AuditURL is the plan's ente audit trail page.
func AuditURL(ente, plan string) templ.SafeURL { return under(PlanURL(ente, plan), "registro") }

// AuditExportURL is an export of the audit trail ("registro-audit.csv" or ".xlsx").
func AuditExportURL(ente, plan, file string) templ.SafeURL {
	return under(AuditURL(ente, plan), file)
}

// ---- Plan editor ----

// EditorURL is the plan editor's home.
func EditorURL(ente, planSlug string) templ.SafeURL {
	return under(PlanURL(ente, planSlug), "modifica")
}

// StartDraftURL opens a draft revision (POST).
func StartDraftURL(ente, planSlug string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "avvia")
}

// AdoptDraftURL adopts the draft (POST).
func AdoptDraftURL(ente, planSlug string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "adotta")
}

// DiscardDraftURL discards the draft (POST).
func DiscardDraftURL(ente, planSlug string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "scarta")
}

// RolloverURL is the roll-over form of a plan (GET, and POST).
func RolloverURL(ente, planSlug string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "nuovo-ciclo")
}

// PlanTemplateURL is the plan (or its draft) as an XLSX template.
func PlanTemplateURL(ente, planSlug string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "modello.xlsx")
}

// ImportPublishedURL reads a published PIAO (PDF, DOCX or text) into the draft (POST).
func ImportPublishedURL(ente, planSlug string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "leggi-piao")
}

// ImportReviewURL is the review of a read published PIAO (GET, and POST to save it).
func ImportReviewURL(ente, planSlug string, id int64) templ.SafeURL {
	return under(ImportPublishedURL(ente, planSlug), strconv.FormatInt(id, 10))
}

// ImportReviewDraftURL makes the reviewed document the draft's content (POST).
func ImportReviewDraftURL(ente, planSlug string, id int64) templ.SafeURL {
	return under(ImportReviewURL(ente, planSlug, id), "bozza")
}

// ImportReviewDiscardURL discards a review (POST).
func ImportReviewDiscardURL(ente, planSlug string, id int64) templ.SafeURL {
	return under(ImportReviewURL(ente, planSlug, id), "annulla")
}

// ImportTemplateURL loads a filled-in XLSX template into the draft (POST).
func ImportTemplateURL(ente, planSlug string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "importa")
}

// ExportURL is the whole plan as JSON.
func ExportURL(ente, planSlug string) templ.SafeURL {
	return under(PlanURL(ente, planSlug), "esporta.json")
}

// RulesURL is the evaluation rules page (GET, and POST to save them).
func RulesURL(ente, planSlug string) templ.SafeURL { return under(PlanURL(ente, planSlug), "regole") }

// EditObjectiveURL is the form of an objective in the draft ("nuovo" for a new one).
func EditObjectiveURL(ente, planSlug, code string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "obiettivi", code)
}

// DeleteObjectiveURL removes an objective from the draft (POST).
func DeleteObjectiveURL(ente, planSlug, code string) templ.SafeURL {
	return under(EditObjectiveURL(ente, planSlug, code), "elimina")
}

// EditIndicatorURL is the form of an indicator in the draft; n is the number after the slash of its key, or "nuovo".
func EditIndicatorURL(ente, planSlug, code, n string) templ.SafeURL {
	return under(EditObjectiveURL(ente, planSlug, code), "indicatori", n)
}

// DeleteIndicatorURL removes an indicator from the draft (POST).
func DeleteIndicatorURL(ente, planSlug, code, n string) templ.SafeURL {
	return under(EditIndicatorURL(ente, planSlug, code, n), "elimina")
}

// EditAreaURL is the form of an area in the draft ("nuovo" for a new one).
func EditAreaURL(ente, planSlug, n string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "ambiti", n)
}

// DeleteAreaURL removes an area from the draft (POST).
func DeleteAreaURL(ente, planSlug, n string) templ.SafeURL {
	return under(EditAreaURL(ente, planSlug, n), "elimina")
}

// EditIndividualURL is the individual objectives of a role in the draft.
func EditIndividualURL(ente, planSlug, role string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "individuali", role)
}

// DeleteIndividualURL removes an individual objective of a role from the draft (POST).
func DeleteIndividualURL(ente, planSlug, role string) templ.SafeURL {
	return under(EditIndividualURL(ente, planSlug, role), "elimina")
}

// OrganisationURL is the draft's units and manager positions (GET, and POST).
func OrganisationURL(ente, planSlug string) templ.SafeURL {
	return under(EditorURL(ente, planSlug), "organizzazione")
}

// URLSample is one builder called with sample arguments, and the method of
// the route it must reach: GET for links and redirects, POST for form actions.
type URLSample struct {
	Name   string
	Method string
	URL    templ.SafeURL
}

// URLBuilders calls every exported builder of this file with sample
// arguments. A test in this package fails when a builder is missing here; the
// server's tests check each sample against the route table.
func URLBuilders() []URLSample {
	const e, p = "cciaa-gran-sasso", "piao-2023-2025"
	const get, post = http.MethodGet, http.MethodPost
	return []URLSample{
		{"HomeURL", get, HomeURL()},
		{"PlanURL", get, PlanURL(e, p)},
		{"ObjectiveURL", get, ObjectiveURL(e, p, "O.3.3.1")},
		{"RoleURL", get, RoleURL(e, p, "dir-ef")},
		{"NotesURL", get, NotesURL(e, p)},
		{"IndicatorURL", get, IndicatorURL(e, p, "O.3.3.1/1")},
		{"RevisionsURL", get, RevisionsURL(e, p)},
		{"OpenDataIndexURL", get, OpenDataIndexURL()},
		{"OpenDataFileURL", get, OpenDataFileURL(e, p, "indicators.json")},
		{"OpenDataURL", get, OpenDataURL(e, p, "csv")},
		{"OpenDataExcelURL", get, OpenDataExcelURL(e, p)},
		{"AccessibilityURL", get, AccessibilityURL()},
		{"PrivacyURL", get, PrivacyURL()},
		{"LegalNotesURL", get, LegalNotesURL()},
		{"EnteAccessibilityURL", get, EnteAccessibilityURL(e)},
		{"EntePrivacyURL", get, EntePrivacyURL(e)},
		{"EnteLegalNotesURL", get, EnteLegalNotesURL(e)},
		{"AdminLegalURL", get, AdminLegalURL(e)},
		{"AdminLegalURL", post, AdminLegalURL(e)},
		{"TransparencyURL", get, TransparencyURL(e, p)},
		{"PublicRelazioneURL", get, PublicRelazioneURL(e, p, 2023)},
		{"PublicValidationURL", get, PublicValidationURL(e, p, 2023)},
		{"PublicDecisionURL", get, PublicDecisionURL(e, p, 2023, 7)},
		{"PublicRelazioneFileURL", get, PublicRelazioneFileURL(e, p, 2023, "relazione.pdf")},
		{"SignInURL", get, SignInURL()},
		{"SignInURL", post, SignInURL()},
		{"SignInReturnURL", get, SignInReturnURL("/area-riservata")},
		{"SSOURL", get, SSOURL()},
		{"SignOutURL", post, SignOutURL()},
		{"SignOutEverywhereURL", post, SignOutEverywhereURL()},
		{"AccountURL", get, AccountURL()},
		{"NotifyPrefsURL", post, NotifyPrefsURL()},
		{"AdminEntiURL", get, AdminEntiURL()},
		{"AdminEntiURL", post, AdminEntiURL()},
		{"AdminEnteURL", get, AdminEnteURL(e)},
		{"AdminUsersURL", post, AdminUsersURL(e)},
		{"UserStateURL", post, UserStateURL(e, "dir.economico")},
		{"UserUnlockURL", post, UserUnlockURL(e, "dir.economico")},
		{"AdminPlansURL", post, AdminPlansURL(e)},
		{"NotificationsURL", get, NotificationsURL(e)},
		{"NotificationRetryURL", post, NotificationRetryURL(e, 3)},
		{"DashboardURL", get, DashboardURL(e, p)},
		{"WorklistURL", get, WorklistURL(e, p)},
		{"GridURL", get, GridURL(e, p)},
		{"GridURL", post, GridURL(e, p)},
		{"EntryURL", get, EntryURL(e, p, "O.3.3.1/1")},
		{"EntryURL", post, EntryURL(e, p, "O.3.3.1/1")},
		{"EntryStateURL", post, EntryStateURL(e, p, "O.3.3.1/1")},
		{"ApprovalsURL", post, ApprovalsURL(e, p)},
		{"PeriodsURL", get, PeriodsURL(e, p)},
		{"PeriodURL", post, PeriodURL(e, p, "2023-final")},
		{"PeriodDeadlineURL", post, PeriodDeadlineURL(e, p, "2023-final")},
		{"LateURL", get, LateURL(e, p)},
		{"AttachmentURL", get, AttachmentURL(42)},
		{"EvidenceURL", get, EvidenceURL(e, p, "O.3.3.1")},
		{"OIVURL", get, OIVURL(e, p)},
		{"OIVVerifyURL", post, OIVVerifyURL(e, p)},
		{"OIVObservationsURL", post, OIVObservationsURL(e, p)},
		{"OIVValidationURL", post, OIVValidationURL(e, p)},
		{"OIVWithdrawURL", post, OIVWithdrawURL(e, p)},
		{"RelazioneURL", get, RelazioneURL(e, p, 2023)},
		{"RelazioneDraftURL", get, RelazioneDraftURL(e, p, 2023)},
		{"RelazioneDraftURL", post, RelazioneDraftURL(e, p, 2023)},
		{"RelazioneDraftSendURL", post, RelazioneDraftSendURL(e, p, 2023)},
		{"RelazioneDraftSectionURL", get, RelazioneDraftSectionURL(e, p, 2023, "sintesi")},
		{"RelazioneDraftSectionURL", post, RelazioneDraftSectionURL(e, p, 2023, "sintesi")},
		{"RelazioneDraftRegenerateURL", get, RelazioneDraftRegenerateURL(e, p, 2023, "sintesi")},
		{"RelazioneDraftRegenerateURL", post, RelazioneDraftRegenerateURL(e, p, 2023, "sintesi")},
		{"ValidationURL", get, ValidationURL(e, p, 2023)},
		{"DecisionURL", get, DecisionURL(e, p, 2023, 7)},
		{"RelazioneFileURL", get, RelazioneFileURL(e, p, 2023, "relazione-csv.zip")},
		{"AuditURL", get, AuditURL(e, p)},
		{"AuditExportURL", get, AuditExportURL(e, p, "registro-audit.csv")},
		{"EditorURL", get, EditorURL(e, p)},
		{"StartDraftURL", post, StartDraftURL(e, p)},
		{"AdoptDraftURL", post, AdoptDraftURL(e, p)},
		{"DiscardDraftURL", post, DiscardDraftURL(e, p)},
		{"RolloverURL", get, RolloverURL(e, p)},
		{"RolloverURL", post, RolloverURL(e, p)},
		{"PlanTemplateURL", get, PlanTemplateURL(e, p)},
		{"ImportTemplateURL", post, ImportTemplateURL(e, p)},
		{"ImportPublishedURL", post, ImportPublishedURL(e, p)},
		{"ImportReviewURL", get, ImportReviewURL(e, p, 1)},
		{"ImportReviewURL", post, ImportReviewURL(e, p, 1)},
		{"ImportReviewDraftURL", post, ImportReviewDraftURL(e, p, 1)},
		{"ImportReviewDiscardURL", post, ImportReviewDiscardURL(e, p, 1)},
		{"ExportURL", get, ExportURL(e, p)},
		{"RulesURL", get, RulesURL(e, p)},
		{"RulesURL", post, RulesURL(e, p)},
		{"EditObjectiveURL", get, EditObjectiveURL(e, p, "nuovo")},
		{"EditObjectiveURL", post, EditObjectiveURL(e, p, "O.3.3.1")},
		{"DeleteObjectiveURL", post, DeleteObjectiveURL(e, p, "O.3.3.1")},
		{"EditIndicatorURL", get, EditIndicatorURL(e, p, "O.3.3.1", "1")},
		{"EditIndicatorURL", post, EditIndicatorURL(e, p, "O.3.3.1", "nuovo")},
		{"DeleteIndicatorURL", post, DeleteIndicatorURL(e, p, "O.3.3.1", "1")},
		{"EditAreaURL", get, EditAreaURL(e, p, "1")},
		{"EditAreaURL", post, EditAreaURL(e, p, "nuovo")},
		{"DeleteAreaURL", post, DeleteAreaURL(e, p, "1")},
		{"EditIndividualURL", get, EditIndividualURL(e, p, "dir-ef")},
		{"EditIndividualURL", post, EditIndividualURL(e, p, "dir-ef")},
		{"DeleteIndividualURL", post, DeleteIndividualURL(e, p, "dir-ef")},
		{"OrganisationURL", get, OrganisationURL(e, p)},
		{"OrganisationURL", post, OrganisationURL(e, p)},
	}
}

// planCrumbs is the trail home → plan → last; with last empty it ends at the plan.
func planCrumbs(ente, planSlug, planTitle, last string) []Crumb {
	home := Crumb{Label: "Enti e piani", URL: HomeURL()}
	if last == "" {
		return []Crumb{home, {Label: planTitle}}
	}
	return []Crumb{home, {Label: planTitle, URL: PlanURL(ente, planSlug)}, {Label: last}}
}

// homeCrumbs is the trail home → last.
func homeCrumbs(last string) []Crumb {
	return []Crumb{{Label: "Enti e piani", URL: HomeURL()}, {Label: last}}
}

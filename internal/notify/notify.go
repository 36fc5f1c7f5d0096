// Package notify writes the e-mail notifications: Italian subject, plain text
// and HTML (html/template: every value is escaped) with one-click absolute
// links. It holds no personal evaluation data: no scores or achievement
// percentages, only workflow facts (what is missing, a return comment).
// The store calls it when it enqueues a notification in the outbox.
package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/piao-performance/piao/internal/paths"
)

// Kinds of notification, as stored in notifications.kind.
const (
	KindEntryReturned   = "entry_returned"
	KindEntryApproved   = "entry_approved"
	KindRelazioneReady  = "relazione_ready"
	KindRelazioneDraft  = "relazione_draft_sent"
	KindDeadlineSoon    = "deadline_soon"
	KindDeadlineOverdue = "deadline_overdue"
	KindApprovalDigest  = "approval_digest"
)

// Optional reports whether a kind may be turned off by its recipient
// (reminders and digest); returned, approved and ready-for-validation are
// mandatory.
func Optional(kind string) bool {
	switch kind {
	case KindDeadlineSoon, KindDeadlineOverdue, KindApprovalDigest:
		return true
	}
	return false
}

// KindLabel is the Italian name of a kind, for the administrators' page.
func KindLabel(kind string) string {
	switch kind {
	case KindEntryReturned:
		return "Misurazione restituita"
	case KindEntryApproved:
		return "Misurazione approvata"
	case KindRelazioneReady:
		return "Relazione pronta per la validazione"
	case KindRelazioneDraft:
		return "Testo della Relazione inviato all'OIV"
	case KindDeadlineSoon:
		return "Promemoria scadenza"
	case KindDeadlineOverdue:
		return "Scadenza superata"
	case KindApprovalDigest:
		return "Riepilogo approvazioni"
	}
	return kind
}

// Message is a rendered notification.
type Message struct {
	Subject, Text, HTML string
}

// Link is a labelled absolute URL.
type Link struct {
	Label, URL string
}

// Item is one line of a list, with an optional link.
type Item struct {
	Text, URL string
}

// content is what every message is made of.
type content struct {
	Greeting   string
	Paragraphs []string
	Items      []Item
	Action     Link
	Footer     string
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Parse(`{{.Greeting}}
{{range .Paragraphs}}
{{.}}
{{end}}{{if .Items}}
{{range .Items}}- {{.Text}}{{if .URL}}
  {{.URL}}{{end}}
{{end}}{{end}}{{if .Action.URL}}
{{.Action.Label}}: {{.Action.URL}}
{{end}}
--
{{.Footer}}
`))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; color: #1a1a1a;">
<p>{{.Greeting}}</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Items}}<ul>
{{range .Items}}<li>{{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</li>
{{end}}</ul>
{{end}}{{if .Action.URL}}<p><a href="{{.Action.URL}}">{{.Action.Label}}</a></p>
{{end}}<hr>
<p style="font-size: small; color: #555;">{{.Footer}}</p>
</body></html>
`))

func render(subject string, c content) (Message, error) {
	var t, h bytes.Buffer
	if err := textTmpl.Execute(&t, c); err != nil {
		return Message{}, fmt.Errorf("notification text: %w", err)
	}
	if err := htmlTmpl.Execute(&h, struct {
		content
		Subject string
	}{c, subject}); err != nil {
		return Message{}, fmt.Errorf("notification html: %w", err)
	}
	return Message{Subject: subject, Text: t.String(), HTML: h.String()}, nil
}

const (
	footerMandatory = "Messaggio automatico del gestionale PIAO – performance: ricevi questa comunicazione per il tuo ruolo nel ciclo della performance. Non rispondere a questo indirizzo."
	footerOptional  = "Messaggio automatico del gestionale PIAO – performance. Puoi disattivare promemoria e riepiloghi nella tua Area riservata: "
)

// Site builds the absolute links of one installation.
type Site struct {
	BaseURL string // e.g. https://piao.example.it, without the trailing slash
}

func (s Site) base() string { return strings.TrimRight(s.BaseURL, "/") }

// PlanURL is the absolute address of a plan's pages.
func (s Site) PlanURL(ente, plan string) string { return s.base() + paths.Plan(ente, plan) }

// PeriodRef is the ?periodo= value of a period: "2023-final".
func PeriodRef(year int, kind string) string { return strconv.Itoa(year) + "-" + kind }

// EntryURL is the entry page of an indicator (key "1.1/2") in a period.
func (s Site) EntryURL(ente, plan, key string, year int, kind string) string {
	return s.base() + paths.Entry(ente, plan, key) + paths.PeriodQuery(year, kind)
}

// AccountURL is the reserved area, where a user turns optional messages off.
func (s Site) AccountURL() string { return s.base() + paths.Account() }

// Plan names the plan a message is about.
type Plan struct {
	EnteSlug, EnteName, Slug, Title string
}

// EntryReview is an entry returned or approved by the Segretario Generale.
type EntryReview struct {
	Recipient     string // display name
	Plan          Plan
	IndicatorKey  string
	IndicatorName string
	PeriodYear    int
	PeriodKind    string
	PeriodLabel   string
	Reviewer      string
	Approved      bool
	Comment       string // the return comment (workflow text)
}

// EntryReviewed writes the message to the dirigente (and referenti) of an
// indicator returned with a comment or approved.
func (s Site) EntryReviewed(r EntryReview) (Message, error) {
	c := content{Greeting: "Gentile " + r.Recipient + ",", Footer: footerMandatory,
		Action: Link{Label: "Apri la misurazione", URL: s.EntryURL(r.Plan.EnteSlug, r.Plan.Slug, r.IndicatorKey, r.PeriodYear, r.PeriodKind)}}
	var subject string
	if r.Approved {
		subject = "Misurazione approvata: indicatore " + r.IndicatorKey
		c.Paragraphs = []string{
			fmt.Sprintf("la misurazione dell'indicatore %s «%s» per il periodo %s (%s, %s) è stata approvata da %s.",
				r.IndicatorKey, r.IndicatorName, r.PeriodLabel, r.Plan.Title, r.Plan.EnteName, r.Reviewer),
			"Non serve altro da parte tua per questo indicatore.",
		}
	} else {
		subject = "Misurazione restituita: indicatore " + r.IndicatorKey
		c.Paragraphs = []string{
			fmt.Sprintf("la misurazione dell'indicatore %s «%s» per il periodo %s (%s, %s) ti è stata restituita da %s con questo commento:",
				r.IndicatorKey, r.IndicatorName, r.PeriodLabel, r.Plan.Title, r.Plan.EnteName, r.Reviewer),
			"«" + r.Comment + "»",
			"Correggi la misurazione e inviala di nuovo per l'approvazione.",
		}
	}
	return render(subject, c)
}

// RelazioneReady is the final period of a year closed: the OIV can validate.
type RelazioneReady struct {
	Recipient string
	Plan      Plan
	Year      int
	ClosedBy  string
}

// RelazioneReadyMessage writes the message to the OIV.
func (s Site) RelazioneReadyMessage(r RelazioneReady) (Message, error) {
	y := strconv.Itoa(r.Year)
	return render("Relazione "+y+" pronta per la validazione", content{
		Greeting: "Gentile " + r.Recipient + ",",
		Paragraphs: []string{
			fmt.Sprintf("il periodo finale %s (31/12/%s) di %s, %s, è stato chiuso da %s: la Relazione sulla performance %s è pronta per la validazione.",
				y, y, r.Plan.Title, r.Plan.EnteName, r.ClosedBy, y),
			"Prima di validare, la pagina dell'OIV mostra il riepilogo di completezza (valori mancanti, non applicabili, restituiti).",
		},
		Items: []Item{
			{Text: "Relazione " + y, URL: s.base() + paths.Relazione(r.Plan.EnteSlug, r.Plan.Slug, r.Year)},
		},
		Action: Link{Label: "Apri la pagina dell'OIV", URL: s.base() + paths.OIV(r.Plan.EnteSlug, r.Plan.Slug)},
		Footer: footerMandatory,
	})
}

// RelazioneDraftSent is the Segretario's text of a year's Relazione sent to
// the OIV: from then on it is read-only until the OIV decides.
type RelazioneDraftSent struct {
	Recipient string
	Plan      Plan
	Year      int
	SentBy    string
}

// RelazioneDraftSentMessage writes the message to the OIV, with a link to the
// text (README, "Relazione in forma di testo").
func (s Site) RelazioneDraftSentMessage(r RelazioneDraftSent) (Message, error) {
	y := strconv.Itoa(r.Year)
	return render("Testo della Relazione "+y+" inviato all'OIV", content{
		Greeting: "Gentile " + r.Recipient + ",",
		Paragraphs: []string{
			fmt.Sprintf("%s ha inviato all'OIV il testo della Relazione sulla performance %s di %s, %s.",
				r.SentBy, y, r.Plan.Title, r.Plan.EnteName),
			"Il testo resta in sola lettura fino alla decisione dell'OIV: una validazione lo rende definitivo, una mancata validazione lo restituisce al Segretario Generale.",
		},
		Items: []Item{
			{Text: "Testo della Relazione " + y, URL: s.base() + paths.RelazioneDraft(r.Plan.EnteSlug, r.Plan.Slug, r.Year)},
		},
		Action: Link{Label: "Apri la pagina dell'OIV", URL: s.base() + paths.OIV(r.Plan.EnteSlug, r.Plan.Slug)},
		Footer: footerMandatory,
	})
}

// Missing is an indicator still to do for a period.
type Missing struct {
	Key, Name, Status string // Status: Italian label (Da compilare, Bozza, Restituita)
}

// Reminder is a deadline reminder (before the deadline) or an overdue notice.
type Reminder struct {
	Recipient   string
	Plan        Plan
	PeriodYear  int
	PeriodKind  string
	PeriodLabel string
	Deadline    string // dd/mm/yyyy
	Days        int    // days to the deadline, or days past it when Overdue
	Overdue     bool
	Missing     []Missing
}

// ReminderMessage writes a reminder to a dirigente or referente: what is
// missing, with a link to each entry and to the worklist.
func (s Site) ReminderMessage(r Reminder) (Message, error) {
	var subject, first string
	n := strconv.Itoa(len(r.Missing))
	switch {
	case r.Overdue:
		subject = "Scadenza superata: " + n + " misurazioni da completare per il " + r.PeriodLabel
		first = fmt.Sprintf("la scadenza del %s per le misurazioni del periodo %s (%s, %s) è passata da %s e mancano ancora %s misurazioni.",
			r.Deadline, r.PeriodLabel, r.Plan.Title, r.Plan.EnteName, days(r.Days), n)
	case r.Days == 0:
		subject = "Promemoria: le misurazioni del " + r.PeriodLabel + " scadono oggi"
		first = fmt.Sprintf("oggi, %s, scade l'inserimento delle misurazioni del periodo %s (%s, %s) e ne mancano ancora %s.",
			r.Deadline, r.PeriodLabel, r.Plan.Title, r.Plan.EnteName, n)
	default:
		subject = "Promemoria: le misurazioni del " + r.PeriodLabel + " scadono il " + r.Deadline
		first = fmt.Sprintf("tra %s, il %s, scade l'inserimento delle misurazioni del periodo %s (%s, %s) e ne mancano ancora %s.",
			days(r.Days), r.Deadline, r.PeriodLabel, r.Plan.Title, r.Plan.EnteName, n)
	}
	c := content{Greeting: "Gentile " + r.Recipient + ",", Paragraphs: []string{first, "Ecco cosa manca:"},
		Action: Link{Label: "Apri Le mie misurazioni", URL: s.base() + paths.Worklist(r.Plan.EnteSlug, r.Plan.Slug) + paths.PeriodQuery(r.PeriodYear, r.PeriodKind)},
		Footer: footerOptional + s.AccountURL()}
	for _, m := range r.Missing {
		c.Items = append(c.Items, Item{Text: m.Key + " " + m.Name + " – " + m.Status,
			URL: s.EntryURL(r.Plan.EnteSlug, r.Plan.Slug, m.Key, r.PeriodYear, r.PeriodKind)})
	}
	return render(subject, c)
}

func days(n int) string {
	if n == 1 {
		return "1 giorno"
	}
	return strconv.Itoa(n) + " giorni"
}

// DigestLine counts the submissions awaiting approval in one period.
type DigestLine struct {
	Plan        Plan
	PeriodYear  int
	PeriodKind  string
	PeriodLabel string
	Count       int
}

// DigestMessage writes the Segretario's daily digest of submissions awaiting
// approval, with a link to each period's approval page.
func (s Site) DigestMessage(recipient, date string, lines []DigestLine) (Message, error) {
	total := 0
	c := content{Greeting: "Gentile " + recipient + ",", Footer: footerOptional + s.AccountURL()}
	for _, l := range lines {
		total += l.Count
		c.Items = append(c.Items, Item{Text: fmt.Sprintf("%s, periodo %s: %d in attesa di approvazione", l.Plan.Title, l.PeriodLabel, l.Count),
			URL: s.base() + paths.Late(l.Plan.EnteSlug, l.Plan.Slug) + paths.PeriodQuery(l.PeriodYear, l.PeriodKind)})
	}
	c.Paragraphs = []string{fmt.Sprintf("al %s ci sono %d misurazioni inviate in attesa della tua approvazione:", date, total)}
	return render(fmt.Sprintf("Riepilogo del %s: %d misurazioni da approvare", date, total), c)
}

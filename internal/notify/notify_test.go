package notify

import (
	"strings"
	"testing"
)

func TestLinksAndEscaping(t *testing.T) {
	s := Site{BaseURL: "https://piao.example.it/"}
	if got := s.EntryURL("cciaa gran", "piao-2023", "O.3.3.1/12", 2024, "midyear"); got !=
		"https://piao.example.it/enti/cciaa%20gran/piani/piao-2023/misurazioni/O.3.3.1/12?periodo=2024-midyear" {
		t.Errorf("entry URL %q", got)
	}
	m, err := s.ReminderMessage(Reminder{Recipient: `Mario <script>`, Plan: Plan{EnteSlug: "e", EnteName: "Ente & C.", Slug: "p", Title: "PIAO"},
		PeriodYear: 2024, PeriodKind: "final", PeriodLabel: "31/12/2024 (consuntivo annuale)", Deadline: "31/01/2025", Days: 1,
		Missing: []Missing{{Key: "1.1/1", Name: `Tempo "medio" <b>`, Status: "Da compilare"}}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "<b>") || !strings.Contains(m.HTML, "Mario &lt;script&gt;") {
		t.Errorf("HTML not escaped:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, "Gentile Mario <script>,") || !strings.Contains(m.Text, "tra 1 giorno, il 31/01/2025") {
		t.Errorf("text:\n%s", m.Text)
	}
	for kind, want := range map[string]bool{KindEntryReturned: false, KindEntryApproved: false, KindRelazioneReady: false, KindRelazioneDraft: false,
		KindDeadlineSoon: true, KindDeadlineOverdue: true, KindApprovalDigest: true} {
		if Optional(kind) != want {
			t.Errorf("Optional(%s) = %v", kind, !want)
		}
	}
}

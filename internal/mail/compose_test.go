package mail_test

import (
	"bytes"
	netmail "net/mail"
	"testing"
	"time"

	"github.com/piao-performance/piao/internal/mail"
)

// TestComposeAddressesWithSpecials: display names with a comma and
// parentheses (the demo dirigente's) or accents stay one mailbox each, so
// the message is addressed to the recipient and not to a broken list.
func TestComposeAddressesWithSpecials(t *testing.T) {
	for _, c := range []struct{ from, toName, to string }{
		{"PIAO, Camera di Commercio (prova) <piao@example.it>", "Dirigente Area Promozione e Regolazione del Mercato, RPCT (account dimostrativo)", "dir.promozione@example.it"},
		{"Segreteria <piao@example.it>", "Niccolò D'Angelo", "n.dangelo@example.it"},
		{"piao@example.it", "", "oiv@example.it"},
	} {
		data, err := mail.Compose(mail.Message{From: c.from, ToName: c.toName, To: c.to, Subject: "Prova", Text: "testo", HTML: "<p>testo</p>",
			MessageID: "piao-notifica-1@example.it", Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != c.to || to[0].Name != c.toName {
			t.Errorf("To header %q: %+v %v", msg.Header.Get("To"), to, err)
		}
		from, err := msg.Header.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Address != "piao@example.it" {
			t.Errorf("From header %q: %+v %v", msg.Header.Get("From"), from, err)
		}
	}
}

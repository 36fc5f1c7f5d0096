package seed

import "github.com/piao-performance/piao/internal/auth"

// DemoAccount is an account `piao demo` creates for the reference plan, named
// by role so a new user can try every part of the product.
type DemoAccount struct {
	Username    string
	DisplayName string
	Role        auth.Role
	Position    string // manager position (roles key) for dirigenti and referenti
}

// DemoAccounts lists the demo accounts of the reference ente. The names say
// they are demo accounts; their password comes from PIAO_DEMO_PASSWORD or is
// generated and printed once.
func DemoAccounts() []DemoAccount {
	return []DemoAccount{
		{"segretario", "Segretario Generale (account dimostrativo)", auth.Segretario, ""},
		{"dir.economico", "Dirigente Area Economico-Finanziaria (account dimostrativo)", auth.Dirigente, "dir-ef"},
		{"dir.promozione", "Dirigente Area Promozione e Regolazione del Mercato, RPCT (account dimostrativo)", auth.Dirigente, "dir-prm"},
		{"referente.promozione", "Referente dell'Area Promozione (account dimostrativo)", auth.Referente, "dir-prm"},
		{"oiv", "Organismo Indipendente di Valutazione (account dimostrativo)", auth.OIV, ""},
		{"admin", "Amministratore (account dimostrativo)", auth.Admin, ""},
	}
}

// Package config reads the application's settings from the environment and
// validates them, so a bad value stops the program with a clear message
// instead of surfacing later.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting. The zero value is not valid; use Load.
type Config struct {
	DatabaseURL     string        // DATABASE_URL; empty = embedded PostgreSQL under DataDir
	MigrateURL      string        // PIAO_MIGRATE_DATABASE_URL; empty = DatabaseURL (the application then runs as the owner)
	Addr            string        // PIAO_ADDR
	DataDir         string        // PIAO_DATA_DIR
	LogLevel        slog.Level    // PIAO_LOG_LEVEL
	LogFormat       string        // PIAO_LOG_FORMAT: text or json
	ShutdownTimeout time.Duration // PIAO_SHUTDOWN_TIMEOUT
	SecureCookies   bool          // PIAO_SECURE_COOKIES
	DemoPassword    string        // PIAO_DEMO_PASSWORD
	OIDC            OIDC          // PIAO_OIDC_*; Issuer "" = no single sign-on
	// MaxConcurrentHashes is PIAO_MAX_CONCURRENT_HASHES; 0 = the server's default
	MaxConcurrentHashes int
	TrustedProxies      []netip.Prefix // PIAO_TRUSTED_PROXIES
	Limits              Limits         // PIAO_MAX_ATTACHMENT*, PIAO_*_TIMEOUT
	BaseURL             string         // PIAO_BASE_URL: links in e-mails; default http:// + PIAO_ADDR
	SMTP                SMTP           // PIAO_SMTP_*; Host "" = e-mail off
	ReminderDays        int            // PIAO_REMINDER_DAYS
}

// SMTP is the mail server of the e-mail notifications.
type SMTP struct {
	Host     string
	Port     int
	Security string // none, starttls or tls
	User     string
	Password string
	From     string
}

// Limits bound what one request or one measurement may cost.
type Limits struct {
	AttachmentsPerMeasurement     int           // PIAO_MAX_ATTACHMENTS_PER_MEASUREMENT
	AttachmentBytesPerMeasurement int64         // PIAO_MAX_ATTACHMENT_BYTES_PER_MEASUREMENT
	ReadTimeout                   time.Duration // PIAO_READ_TIMEOUT: reading a request body
	UploadTimeout                 time.Duration // PIAO_UPLOAD_TIMEOUT: reading the body of an upload route
}

// OIDC configures single sign-on with an OpenID Connect provider.
type OIDC struct {
	Issuer, ClientID, ClientSecret, RedirectURL, Claim string
}

// Variable documents one environment variable, for the README and --help.
type Variable struct {
	Name, Default, Meaning string
}

// Variables lists the environment variables Load reads.
var Variables = []Variable{
	{"DATABASE_URL", "", "URL di connessione PostgreSQL dell'applicazione, con un ruolo che non possiede lo schema (vedi PIAO_MIGRATE_DATABASE_URL). Se assente: si avvia un cluster PostgreSQL privato in PIAO_DATA_DIR/postgres, con il ruolo applicativo piao_app."},
	{"PIAO_MIGRATE_DATABASE_URL", "", "URL di connessione PostgreSQL del proprietario dello schema, usato per le migrazioni; `piao migrate` e `serve --migrate` creano allora il ruolo di DATABASE_URL (utente e password) se manca e gli concedono sul registro di audit solo INSERT/SELECT. Se assente: DATABASE_URL, e l'applicazione gira come proprietario (con un avviso nel log)."},
	{"PIAO_ADDR", "127.0.0.1:8080", "Indirizzo su cui ascolta il server web (host:porta)."},
	{"PIAO_DATA_DIR", "data", "Cartella dei dati locali, come il cluster PostgreSQL incorporato."},
	{"PIAO_LOG_LEVEL", "info", "debug, info, warn o error."},
	{"PIAO_LOG_FORMAT", "text", "text o json."},
	{"PIAO_SHUTDOWN_TIMEOUT", "15s", "Quanto uno spegnimento ordinato attende le richieste in corso."},
	{"PIAO_SECURE_COOKIES", "false", "true quando l'applicazione è servita in HTTPS: i cookie di sessione viaggiano allora solo in HTTPS."},
	{"PIAO_DEMO_PASSWORD", "", "Password degli account dimostrativi creati da `piao demo`; se assente ne viene generata e stampata una."},
	{"PIAO_OIDC_ISSUER", "", "Accesso unico (SSO): URL dell'issuer OpenID Connect del fornitore di identità dell'ente. Se assente: niente SSO."},
	{"PIAO_OIDC_CLIENT_ID", "", "Accesso unico (SSO): il client id registrato presso il fornitore."},
	{"PIAO_OIDC_CLIENT_SECRET", "", "Accesso unico (SSO): il client secret (da tenere fuori dai file sotto controllo di versione)."},
	{"PIAO_OIDC_REDIRECT_URL", "", "Accesso unico (SSO): l'indirizzo di ritorno di questa applicazione, https://HOST/accedi/sso/callback."},
	{"PIAO_OIDC_CLAIM", "email", "Accesso unico (SSO): il claim dell'ID token confrontato con nomi utente e indirizzi e-mail."},
	{"PIAO_MAX_ATTACHMENTS_PER_MEASUREMENT", "10", "File che una misurazione può avere in tutto (ogni salvataggio ne aggiunge al massimo 5, ciascuno al massimo di 10 MB)."},
	{"PIAO_MAX_ATTACHMENT_BYTES_PER_MEASUREMENT", "50MB", "Dimensione totale dei file di una misurazione, in byte o con KB, MB o GB (potenze di 1024)."},
	{"PIAO_READ_TIMEOUT", "60s", "Quanto il server attende il corpo di una richiesta ordinaria."},
	{"PIAO_UPLOAD_TIMEOUT", "10m", "Quanto il server attende il corpo di un caricamento (allegati, importazione del foglio, documento di validazione dell'OIV), perché anche le connessioni lente possano finire."},
	{"PIAO_MAX_CONCURRENT_HASHES", "", "Controlli di password (64 MiB di argon2id ciascuno) eseguiti insieme; oltre, gli accessi ricevono 503 con Retry-After. Se assente: 256 MiB / 64 MiB = 4, al massimo il numero di CPU."},
	{"PIAO_TRUSTED_PROXIES", "", "CIDR (o indirizzi), separati da virgole, dei reverse proxy di cui si accettano X-Forwarded-For e X-Forwarded-Proto. Se assente: nessuno, il client è l'indirizzo del peer."},
	{"PIAO_BASE_URL", "", "Indirizzo pubblico dell'applicazione (es. https://piao.ente.it), inizio dei collegamenti nelle notifiche e-mail. Se assente: http:// seguito da PIAO_ADDR."},
	{"PIAO_SMTP_HOST", "", "Server SMTP delle notifiche e-mail. Se assente: e-mail disattivata, le notifiche restano in coda, visibili agli amministratori."},
	{"PIAO_SMTP_PORT", "587", "Porta del server SMTP (25, 465 con tls, 587 con starttls; Mailpit 1025)."},
	{"PIAO_SMTP_SECURITY", "starttls", "none, starttls (obbligatorio: senza, la connessione è rifiutata) o tls (TLS implicito)."},
	{"PIAO_SMTP_USER", "", "Nome utente SMTP (autenticazione PLAIN, solo su TLS o verso localhost). Se assente: nessuna autenticazione."},
	{"PIAO_SMTP_PASSWORD", "", "Password SMTP (da tenere fuori dai file sotto controllo di versione)."},
	{"PIAO_SMTP_FROM", "", "Mittente delle notifiche, es. PIAO <piao@ente.it>; obbligatorio con PIAO_SMTP_HOST."},
	{"PIAO_REMINDER_DAYS", "7", "Giorni prima della scadenza di inserimento di un periodo in cui partono i promemoria a dirigenti e referenti (0-60)."},
}

// Load reads the configuration through getenv (os.Getenv in main, a map in tests).
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range Variables {
			if v.Name == name {
				return v.Default
			}
		}
		return ""
	}
	var errs []error
	c := Config{
		DatabaseURL: get("DATABASE_URL"),
		MigrateURL:  get("PIAO_MIGRATE_DATABASE_URL"),
		Addr:        get("PIAO_ADDR"),
		DataDir:     get("PIAO_DATA_DIR"),
		LogFormat:   get("PIAO_LOG_FORMAT"),
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL must start with postgres:// or postgresql://"))
	}
	if c.MigrateURL != "" && !strings.HasPrefix(c.MigrateURL, "postgres://") && !strings.HasPrefix(c.MigrateURL, "postgresql://") {
		errs = append(errs, errors.New("PIAO_MIGRATE_DATABASE_URL must start with postgres:// or postgresql://"))
	}
	if c.MigrateURL != "" && c.DatabaseURL == "" {
		errs = append(errs, errors.New("PIAO_MIGRATE_DATABASE_URL needs DATABASE_URL (the application's connection) too"))
	}
	if host, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("PIAO_ADDR %q is not host:port: %w", c.Addr, err))
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		errs = append(errs, fmt.Errorf("PIAO_ADDR %q: port must be a number from 0 to 65535", c.Addr))
	} else if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		errs = append(errs, fmt.Errorf("PIAO_ADDR %q: host must be an IP address or localhost", c.Addr))
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("PIAO_LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("PIAO_LOG_LEVEL %q: use debug, info, warn or error", get("PIAO_LOG_LEVEL")))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("PIAO_LOG_FORMAT %q: use text or json", c.LogFormat))
	}
	d, err := time.ParseDuration(get("PIAO_SHUTDOWN_TIMEOUT"))
	if err != nil || d <= 0 {
		errs = append(errs, fmt.Errorf("PIAO_SHUTDOWN_TIMEOUT %q: use a positive duration such as 15s", get("PIAO_SHUTDOWN_TIMEOUT")))
	}
	c.ShutdownTimeout = d
	switch v := get("PIAO_SECURE_COOKIES"); v {
	case "true", "1", "yes":
		c.SecureCookies = true
	case "false", "0", "no":
	default:
		errs = append(errs, fmt.Errorf("PIAO_SECURE_COOKIES %q: use true or false", v))
	}
	c.DemoPassword = getenv("PIAO_DEMO_PASSWORD") // not trimmed: spaces are part of a password
	c.OIDC = OIDC{Issuer: get("PIAO_OIDC_ISSUER"), ClientID: get("PIAO_OIDC_CLIENT_ID"), ClientSecret: getenv("PIAO_OIDC_CLIENT_SECRET"),
		RedirectURL: get("PIAO_OIDC_REDIRECT_URL"), Claim: get("PIAO_OIDC_CLAIM")}
	if c.OIDC.Issuer != "" || c.OIDC.ClientID != "" || c.OIDC.RedirectURL != "" {
		for name, v := range map[string]string{"PIAO_OIDC_ISSUER": c.OIDC.Issuer, "PIAO_OIDC_CLIENT_ID": c.OIDC.ClientID, "PIAO_OIDC_REDIRECT_URL": c.OIDC.RedirectURL} {
			if v == "" {
				errs = append(errs, fmt.Errorf("%s is required when single sign-on is configured", name))
			} else if name != "PIAO_OIDC_CLIENT_ID" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
				errs = append(errs, fmt.Errorf("%s %q must be an http(s) URL", name, v))
			}
		}
	}
	if n, err := strconv.Atoi(get("PIAO_MAX_ATTACHMENTS_PER_MEASUREMENT")); err != nil || n < 1 {
		errs = append(errs, fmt.Errorf("PIAO_MAX_ATTACHMENTS_PER_MEASUREMENT %q: use a whole number of at least 1", get("PIAO_MAX_ATTACHMENTS_PER_MEASUREMENT")))
	} else {
		c.Limits.AttachmentsPerMeasurement = n
	}
	if n, ok := parseSize(get("PIAO_MAX_ATTACHMENT_BYTES_PER_MEASUREMENT")); !ok || n < 1<<20 {
		errs = append(errs, fmt.Errorf("PIAO_MAX_ATTACHMENT_BYTES_PER_MEASUREMENT %q: use a size of at least 1MB, such as 50MB", get("PIAO_MAX_ATTACHMENT_BYTES_PER_MEASUREMENT")))
	} else {
		c.Limits.AttachmentBytesPerMeasurement = n
	}
	for name, dst := range map[string]*time.Duration{"PIAO_READ_TIMEOUT": &c.Limits.ReadTimeout, "PIAO_UPLOAD_TIMEOUT": &c.Limits.UploadTimeout} {
		if d, err := time.ParseDuration(get(name)); err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s %q: use a positive duration such as 60s or 10m", name, get(name)))
		} else {
			*dst = d
		}
	}
	if v := get("PIAO_MAX_CONCURRENT_HASHES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1024 {
			errs = append(errs, fmt.Errorf("PIAO_MAX_CONCURRENT_HASHES %q: use a whole number from 1 to 1024", v))
		}
		c.MaxConcurrentHashes = n
	}
	proxies, err := ParseCIDRs(get("PIAO_TRUSTED_PROXIES"))
	if err != nil {
		errs = append(errs, fmt.Errorf("PIAO_TRUSTED_PROXIES: %w", err))
	}
	c.TrustedProxies = proxies
	c.BaseURL = strings.TrimRight(get("PIAO_BASE_URL"), "/")
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("PIAO_BASE_URL %q: use an http(s) address such as https://piao.ente.it", c.BaseURL))
	}
	c.SMTP = SMTP{Host: get("PIAO_SMTP_HOST"), Security: get("PIAO_SMTP_SECURITY"), User: get("PIAO_SMTP_USER"),
		Password: getenv("PIAO_SMTP_PASSWORD"), From: get("PIAO_SMTP_FROM")}
	if p, err := strconv.Atoi(get("PIAO_SMTP_PORT")); err != nil || p < 1 || p > 65535 {
		errs = append(errs, fmt.Errorf("PIAO_SMTP_PORT %q: use a port number from 1 to 65535", get("PIAO_SMTP_PORT")))
	} else {
		c.SMTP.Port = p
	}
	switch c.SMTP.Security {
	case "none", "starttls", "tls":
	default:
		errs = append(errs, fmt.Errorf("PIAO_SMTP_SECURITY %q: use none, starttls or tls", c.SMTP.Security))
	}
	if c.SMTP.Host != "" && c.SMTP.From == "" {
		errs = append(errs, errors.New("PIAO_SMTP_FROM is required when PIAO_SMTP_HOST is set"))
	}
	if n, err := strconv.Atoi(get("PIAO_REMINDER_DAYS")); err != nil || n < 0 || n > 60 {
		errs = append(errs, fmt.Errorf("PIAO_REMINDER_DAYS %q: use a whole number from 0 to 60", get("PIAO_REMINDER_DAYS")))
	} else {
		c.ReminderDays = n
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("configuration: %w", err)
	}
	return c, nil
}

// parseSize reads "52428800", "50MB", "50 MiB", "2GB" (powers of 1024).
func parseSize(s string) (int64, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, false
	}
	return n * mult, true
}

// ParseCIDRs reads a comma-separated list of CIDRs; a bare address stands
// for itself (/32 or /128).
func ParseCIDRs(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a CIDR such as 10.0.0.0/8 nor an IP address", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

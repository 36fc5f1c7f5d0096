// Package mail sends the e-mail notifications of the outbox (store,
// migration 000021) over SMTP: a small sender on net/smtp and the worker
// that claims, sends and records each message exactly once.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// Security is how the connection to the SMTP server is protected.
type Security string

// Securities.
const (
	SecurityNone     Security = "none"     // plain SMTP (a local relay, Mailpit)
	SecurityStartTLS Security = "starttls" // STARTTLS, required
	SecurityTLS      Security = "tls"      // implicit TLS (port 465)
)

// Config is the SMTP server (PIAO_SMTP_*).
type Config struct {
	Host     string
	Port     int
	Security Security
	User     string
	Password string
	From     string // the sender address, e.g. "PIAO <piao@ente.it>" or piao@ente.it
	Timeout  time.Duration
	// TLSConfig overrides the TLS settings (tests); nil = verify Host.
	TLSConfig *tls.Config
}

// Sender talks to one SMTP server.
type Sender struct {
	cfg  Config
	from string // the bare address of cfg.From, for MAIL FROM
}

// NewSender checks cfg and returns a sender.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: host missing")
	}
	if cfg.Port <= 0 {
		cfg.Port = 25
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	switch cfg.Security {
	case "":
		cfg.Security = SecurityNone
	case SecurityNone, SecurityStartTLS, SecurityTLS:
	default:
		return nil, fmt.Errorf("smtp: security %q: use none, starttls or tls", cfg.Security)
	}
	addr, err := parseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: sender %q: %w", cfg.From, err)
	}
	return &Sender{cfg: cfg, from: addr}, nil
}

// Envelope is one message to one recipient.
type Envelope struct {
	To   string
	Data []byte // the whole RFC 5322 message, CRLF line ends
}

// Stage errors of a send. A send that fails before the server could have
// received the message is *NotSentError (Permanent for a 5xx answer); one
// that broke after DATA started without an answer is *UncertainError.
type NotSentError struct {
	Permanent bool
	Err       error
}

func (e *NotSentError) Error() string { return e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

// UncertainError: the message may or may not have been accepted.
type UncertainError struct{ Err error }

func (e *UncertainError) Error() string { return e.Err.Error() }
func (e *UncertainError) Unwrap() error { return e.Err }

func notSent(stage string, err error) error {
	var te *textproto.Error
	return &NotSentError{Permanent: errors.As(err, &te) && te.Code >= 500, Err: fmt.Errorf("smtp %s: %w", stage, err)}
}

// Send delivers env. beforeData runs after the recipient was accepted and
// before the DATA command: the worker records there that the message may
// reach the server from now on; an error from it ends the send unsent.
// Cancelling ctx closes the connection at once.
func (s *Sender) Send(ctx context.Context, env Envelope, beforeData func() error) error {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	d := net.Dialer{Timeout: s.cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return notSent("connect", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(s.cfg.Timeout)); err != nil {
		return notSent("connect", err)
	}
	tlsCfg := s.cfg.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	if s.cfg.Security == SecurityTLS {
		tc := tls.Client(conn, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return notSent("tls", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return notSent("greeting", err)
	}
	if err := c.Hello(helloName(s.from)); err != nil {
		return notSent("hello", err)
	}
	if s.cfg.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &NotSentError{Err: errors.New("smtp: the server does not offer STARTTLS")}
		}
		if err := c.StartTLS(tlsCfg); err != nil {
			return notSent("starttls", err)
		}
	}
	if s.cfg.User != "" {
		// PlainAuth refuses to send the password unencrypted, except to localhost
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, s.cfg.Host)); err != nil {
			return notSent("auth", err)
		}
	}
	if err := c.Mail(s.from); err != nil {
		return notSent("mail from", err)
	}
	if err := c.Rcpt(env.To); err != nil {
		return notSent("rcpt to", err)
	}
	if err := ctx.Err(); err != nil {
		return notSent("cancelled", err)
	}
	if beforeData != nil {
		if err := beforeData(); err != nil {
			return &NotSentError{Err: fmt.Errorf("before data: %w", err)}
		}
	}
	// DATA refused or the connection lost before its 354: the body was never
	// sent, the server cannot have accepted anything.
	w, err := c.Data()
	if err != nil {
		return notSent("data", err)
	}
	if _, err := w.Write(env.Data); err != nil {
		// the final "." was not sent: nothing can have been accepted
		return notSent("data body", err)
	}
	if err := w.Close(); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) {
			return notSent("end of data", err) // an answer: refused
		}
		return &UncertainError{Err: fmt.Errorf("smtp end of data: %w", err)}
	}
	_ = c.Quit() // accepted: a failing QUIT changes nothing
	return nil
}

func helloName(from string) string {
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		return from[i+1:]
	}
	return "localhost"
}

func parseAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 && strings.HasSuffix(s, ">") {
		s = s[i+1 : len(s)-1]
	}
	if strings.Count(s, "@") != 1 || strings.ContainsAny(s, " \t\r\n<>") || strings.HasPrefix(s, "@") || strings.HasSuffix(s, "@") {
		return "", errors.New("not an e-mail address")
	}
	return s, nil
}

// Message is a notification to compose.
type Message struct {
	From, ToName, To string
	Subject          string
	Text, HTML       string
	MessageID        string // without angle brackets
	Date             time.Time
}

// Compose writes m as MIME multipart/alternative (plain text, then HTML),
// both quoted-printable UTF-8, with an RFC 2047 encoded subject.
func Compose(m Message) ([]byte, error) {
	var b bytes.Buffer
	boundary, err := randomBoundary()
	if err != nil {
		return nil, err
	}
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", headerAddress(m.From))
	h("To", formatAddress(m.ToName, m.To))
	h("Subject", mime.QEncoding.Encode("utf-8", clean(m.Subject)))
	h("Date", m.Date.Format(time.RFC1123Z))
	h("Message-ID", "<"+m.MessageID+">")
	h("MIME-Version", "1.0")
	h("Auto-Submitted", "auto-generated")
	h("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ ctype, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		b.WriteString("--" + boundary + "\r\n")
		h("Content-Type", part.ctype+"; charset=utf-8")
		h("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		qp := quotedprintable.NewWriter(&b)
		if _, err := io.WriteString(qp, strings.ReplaceAll(strings.ReplaceAll(part.body, "\r\n", "\n"), "\n", "\r\n")); err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		if err := qp.Close(); err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes(), nil
}

// headerAddress encodes the display name of "Name <addr>".
func headerAddress(s string) string {
	s = clean(s)
	if i := strings.LastIndexByte(s, '<'); i > 0 && strings.HasSuffix(s, ">") {
		return formatAddress(strings.Trim(strings.TrimSpace(s[:i]), `"`), s[i+1:len(s)-1])
	}
	return s
}

// formatAddress is the header form of a mailbox: a display name with
// specials such as the comma and parentheses of "Dirigente Area …, RPCT
// (account dimostrativo)" is quoted, a non-ASCII one RFC 2047 encoded, so
// the name is never read as a second address or a comment.
func formatAddress(name, addr string) string {
	name = strings.TrimSpace(clean(name))
	if name == "" {
		return addr
	}
	return (&netmail.Address{Name: name, Address: addr}).String()
}

// clean drops CR and LF, so no value can add a header.
func clean(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

func randomBoundary() (string, error) {
	var buf [18]byte
	if _, err := rand.Read(buf[:]); err != nil {
		return "", fmt.Errorf("compose: %w", err)
	}
	return "piao-" + base64.RawURLEncoding.EncodeToString(buf[:]), nil
}

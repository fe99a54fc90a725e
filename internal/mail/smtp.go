// Package mail sends CaseTrack's mail: it composes messages from embedded
// templates (plain text and HTML, no images, no trackers, links only to
// the site itself), queues them through the store's outbox and delivers
// them over SMTP with a sender that retries with backoff and shares the
// queue with the senders of other instances.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Security is how a connection to the SMTP server is protected.
type Security int

const (
	// StartTLS connects in plain text and requires the server to upgrade
	// the connection (STARTTLS) before anything else is said.
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte ("SMTPS", port 465).
	ImplicitTLS
	// NoTLS sends in plain text: only for a relay on the same machine or
	// network, and only when asked for by name.
	NoTLS
)

// SMTP says how to reach the SMTP server.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	Security Security
	// TLS, when set, replaces the default TLS configuration (system
	// roots, ServerName = Host); tests trust their own server with it.
	TLS *tls.Config
	// Timeout bounds connecting and each command; zero means 30 seconds.
	Timeout time.Duration
}

// ParseURL reads an SMTP server address in the form of --smtp-url:
//
//	smtp://user:password@host:587   STARTTLS required (the default port is 587)
//	smtps://user:password@host:465  implicit TLS (the default port is 465)
//	smtp://host:25?tls=none         no TLS: a relay on this machine or network
//
// The user and password are optional (no authentication without them);
// they are URL-encoded like any URL user information.
func ParseURL(raw string) (SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the address, password and all.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return SMTP{}, fmt.Errorf("smtp url: %w", err)
	}
	var c SMTP
	switch u.Scheme {
	case "smtp":
		c.Security, c.Port = StartTLS, 587
	case "smtps":
		c.Security, c.Port = ImplicitTLS, 465
	default:
		return SMTP{}, fmt.Errorf("smtp url: the scheme must be smtp:// (STARTTLS) or smtps:// (implicit TLS), not %q", u.Scheme)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return SMTP{}, errors.New("smtp url: a host is required, as in smtp://mail.example.org:587")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTP{}, fmt.Errorf("smtp url: port %q is not a port number", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" {
		return SMTP{}, fmt.Errorf("smtp url: unexpected path %q", u.Path)
	}
	for k, v := range u.Query() {
		switch {
		case k == "tls" && len(v) == 1 && v[0] == "none" && c.Security == StartTLS:
			c.Security = NoTLS
		case k == "tls":
			return SMTP{}, fmt.Errorf("smtp url: tls=%s: the only choice is tls=none, with smtp://", strings.Join(v, ","))
		default:
			return SMTP{}, fmt.Errorf("smtp url: unknown parameter %q", k)
		}
	}
	if c.Security == NoTLS && c.Username != "" {
		return SMTP{}, errors.New("smtp url: a password is never sent without TLS; drop tls=none or the user")
	}
	return c, nil
}

// String describes the server without its password.
func (c SMTP) String() string {
	mode := map[Security]string{StartTLS: "STARTTLS", ImplicitTLS: "TLS", NoTLS: "no TLS"}[c.Security]
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("%s%s (%s)", user, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), mode)
}

// Message is one mail as it leaves: the outbox row with its address.
type Message struct {
	// ID is the outbox id; the Message-ID is made from it, so a message
	// sent twice (see Sender) carries the same Message-ID both times.
	ID          string
	From        string
	To          string
	Subject     string
	Text        string
	HTML        string
	Unsubscribe string
}

// Transport delivers messages.
type Transport interface {
	Send(ctx context.Context, m Message) error
}

// Client is a Transport over SMTP through go-mail, one connection per
// message (the sender sends a few messages a minute, not thousands).
type Client struct {
	cfg SMTP
}

// NewClient checks the configuration; it does not connect.
func NewClient(cfg SMTP) (*Client, error) {
	if cfg.Host == "" || cfg.Port == 0 {
		return nil, errors.New("mail: SMTP host and port are required")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Client{cfg: cfg}, nil
}

// Send delivers one message. It returns nil once the server has accepted
// the message, even when the connection fails after that. A
// *PermanentError says the server refused it for good (5xx); anything
// else may work on another try.
func (c *Client) Send(ctx context.Context, m Message) error {
	msg, err := build(m)
	if err != nil {
		return &PermanentError{Err: err}
	}
	opts := []gomail.Option{gomail.WithPort(c.cfg.Port), gomail.WithTimeout(c.cfg.Timeout)}
	tlsCfg := c.cfg.TLS
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: c.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	switch c.cfg.Security {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tlsCfg))
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tlsCfg))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if c.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.cfg.Username), gomail.WithPassword(c.cfg.Password))
	}
	client, err := gomail.NewClient(c.cfg.Host, opts...)
	if err != nil {
		return &PermanentError{Err: err}
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if msg.IsDelivered() {
			// The server took the message; only the commands after it
			// (RSET, QUIT) failed. Another try would send it twice.
			return nil
		}
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return &PermanentError{Err: err}
		}
		return err
	}
	return nil
}

// PermanentError is a refusal that another try would not change.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "refused for good: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// build makes the MIME message: plain text with an HTML alternative, the
// one-click unsubscribe headers of RFC 8058 when the message has an
// unsubscribe address, and Auto-Submitted so that auto-responders stay
// quiet (RFC 3834).
func build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(messageID(m))
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		msg.SetGenHeader("List-Unsubscribe", "<"+m.Unsubscribe+">")
		msg.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// messageID is the Message-ID value (without angle brackets): the outbox
// id at the sender's domain.
func messageID(m Message) string {
	domain := "casetrack.invalid"
	if a, err := mail.ParseAddress(m.From); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
			domain = a.Address[i+1:]
		}
	}
	return strings.ToLower(m.ID) + "@" + domain
}

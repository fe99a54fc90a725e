package main

import (
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/mail"
)

// mailSettings are the serve settings for sending mail. Without an SMTP
// server they are all zero and the site sends no mail.
type mailSettings struct {
	SMTP mail.SMTP
	// From is the sender of every message, as given.
	From string
	// Poll and Lease are the sender's (mail.Sender says what they do).
	Poll, Lease time.Duration
}

// enabled reports whether an SMTP server is configured.
func (m mailSettings) enabled() bool { return m.SMTP.Host != "" }

// mailOptions are the options behind mailSettings.
type mailOptions struct {
	url, host, port, user, password, tls, from, poll, lease *option
}

func addMailOptions(s *optionSet) *mailOptions {
	return &mailOptions{
		url: s.add("smtp-url", "URL", "", "the SMTP server that sends mail: smtp://USER:PASSWORD@HOST:587 (STARTTLS required), smtps://USER:PASSWORD@HOST:465 (TLS from the start) or smtp://HOST:25?tls=none (no TLS: a relay on this machine or network); "+
			"turns on verified sign-up, password reset, alerts and reminders, and needs --mail-from and --public-url. It holds the password: prefer the environment variable, or leave the password out and set CASETRACK_SMTP_PASSWORD", "CASETRACK_SMTP_URL"),
		host: s.add("smtp-host", "HOST", "", "instead of --smtp-url: the SMTP server's host name", "CASETRACK_SMTP_HOST"),
		port: s.add("smtp-port", "PORT", "", "with --smtp-host: its port (empty: 587, or 465 with --smtp-tls tls)", "CASETRACK_SMTP_PORT"),
		user: s.add("smtp-user", "NAME", "", "with --smtp-host: the user to authenticate as (empty: no authentication)", "CASETRACK_SMTP_USER"),
		password: s.add("smtp-password", "SECRET", "", "the password of --smtp-user, or of the user in --smtp-url (prefer the environment variable: flags show in process lists)",
			"CASETRACK_SMTP_PASSWORD"),
		tls:   s.add("smtp-tls", "MODE", "starttls", "with --smtp-host: starttls (the server must upgrade the connection), tls (TLS from the first byte) or none (plain text: only a relay on this machine or network, and never with a password)", "CASETRACK_SMTP_TLS"),
		from:  s.add("mail-from", "ADDRESS", "", "the sender of every mail, e.g. \"CaseTrack <no-reply@casetrack.example.org>\"; required with an SMTP server", "CASETRACK_MAIL_FROM"),
		poll:  s.add("mail-poll", "DURATION", "10s", "how often to look for mail that other instances queued (mail queued here goes out at once)", "CASETRACK_MAIL_POLL"),
		lease: s.add("mail-lease", "DURATION", "5m", "how long an instance holds the batch of up to 20 messages it is sending; a batch left by an instance that died waits this long for another. Keep it well above the time a batch takes", "CASETRACK_MAIL_LEASE"),
	}
}

// settings checks the options together and records every problem. The
// public URL comes from the account options: mail links are absolute.
func (o *mailOptions) settings(s *optionSet, publicURL string, publicOpt *option) mailSettings {
	rawURL, host := strings.TrimSpace(o.url.value), strings.TrimSpace(o.host.value)
	var m mailSettings
	switch {
	case rawURL != "" && host != "":
		s.fail(o.host, "give either --smtp-url or --smtp-host, not both")
		return m
	case rawURL != "":
		m.SMTP = o.fromURL(s, rawURL)
	case host != "":
		m.SMTP = o.fromHost(s, host)
	default:
		for _, opt := range []*option{o.port, o.user, o.password, o.tls, o.from, o.poll, o.lease} {
			if opt.given() {
				s.fail(opt, "is set, but no SMTP server is (--smtp-url or --smtp-host)")
			}
		}
		return m
	}

	m.From = strings.TrimSpace(o.from.value)
	if m.From == "" {
		s.fail(o.from, "is required with an SMTP server, e.g. \"CaseTrack <no-reply@casetrack.example.org>\"")
	} else if _, err := netmail.ParseAddress(m.From); err != nil {
		s.fail(o.from, "%q is not an email address, with or without a name (\"CaseTrack <no-reply@casetrack.example.org>\")", o.from.value)
	}
	if publicURL == "" {
		s.fail(publicOpt, "is required with an SMTP server: the links in mail are absolute addresses on the site")
	}
	m.Poll = s.durationAtLeast(o.poll, 10*time.Millisecond)
	m.Lease = s.durationAtLeast(o.lease, time.Second)
	return m
}

// fromURL reads --smtp-url; the password may come from --smtp-password
// instead, so that it stays out of the URL.
func (o *mailOptions) fromURL(s *optionSet, raw string) mail.SMTP {
	for _, opt := range []*option{o.port, o.user, o.tls} {
		if opt.given() {
			s.fail(opt, "is part of --smtp-url; set it there")
		}
	}
	c, err := mail.ParseURL(raw)
	if err != nil {
		// Never the value: it may hold the password.
		s.fail(o.url, "%s", strings.TrimPrefix(err.Error(), "smtp url: "))
		return mail.SMTP{}
	}
	if pw := o.password.value; pw != "" {
		switch {
		case c.Username == "":
			s.fail(o.password, "is set, but --smtp-url names no user (smtp://USER@HOST)")
		case c.Password != "":
			s.fail(o.password, "is set, but --smtp-url holds a password too")
		default:
			c.Password = pw
		}
	}
	return c
}

// fromHost reads --smtp-host and the options that go with it.
func (o *mailOptions) fromHost(s *optionSet, host string) mail.SMTP {
	c := mail.SMTP{Host: host, Username: strings.TrimSpace(o.user.value), Password: o.password.value}
	switch strings.ToLower(strings.TrimSpace(o.tls.value)) {
	case "starttls":
		c.Security, c.Port = mail.StartTLS, 587
	case "tls":
		c.Security, c.Port = mail.ImplicitTLS, 465
	case "none":
		c.Security, c.Port = mail.NoTLS, 587
		if c.Username != "" || c.Password != "" {
			s.fail(o.tls, "none sends in plain text, and a password is never sent so: drop --smtp-user and --smtp-password, or use TLS")
		}
	default:
		s.fail(o.tls, "%q is not starttls, tls or none", o.tls.value)
	}
	if net.ParseIP(host) == nil && strings.ContainsAny(host, ":/@ ") {
		s.fail(o.host, "%q is not a host name (the port goes in --smtp-port)", host)
	}
	if p := strings.TrimSpace(o.port.value); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			s.fail(o.port, "%q is not a port number", o.port.value)
		}
		c.Port = n
	}
	if c.Password != "" && c.Username == "" {
		s.fail(o.password, "is set, but --smtp-user is not")
	}
	return c
}

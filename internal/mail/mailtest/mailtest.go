// Package mailtest runs a real SMTP server inside a test (go-smtp's),
// with STARTTLS on a certificate made for the test and password
// authentication, and keeps what it receives for the test to read.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	cmail "github.com/casetrack/casetrack/internal/mail"
)

// User and Password are what the server accepts for AUTH PLAIN.
const (
	User     = "casetrack"
	Password = "s3cret smtp"
)

// Received is one message as the server took it.
type Received struct {
	From   string
	To     []string
	Header mail.Header
	// Text and HTML are the decoded bodies of the two alternatives.
	Text string
	HTML string
	Raw  []byte
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// Links lists the addresses in the plain-text body, in order.
func (r Received) Links() []string { return linkRE.FindAllString(r.Text, -1) }

// Server is the test SMTP server.
type Server struct {
	srv  *smtp.Server
	addr *net.TCPAddr
	pool *x509.CertPool

	mu       sync.Mutex
	received []Received
	changed  chan struct{}
	// Refuse, when set, is asked before each message is accepted: a
	// non-nil error refuses it (an *smtp.SMTPError chooses the code).
	refuse func(n int) error
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	cert, pool := certificate(t)
	s := &Server{pool: pool, changed: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.MaxMessageBytes = 1 << 20
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.srv, s.addr = srv, l.Addr().(*net.TCPAddr)
	go srv.Serve(l) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return s
}

// Refuse sets a function asked before the n-th message (counting from 1)
// is accepted; a non-nil error refuses it.
func (s *Server) Refuse(fn func(n int) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = fn
}

// SMTP is the configuration that reaches this server with STARTTLS and
// authentication, trusting its certificate.
func (s *Server) SMTP() cmail.SMTP {
	return cmail.SMTP{Host: "127.0.0.1", Port: s.addr.Port, Username: User, Password: Password,
		Security: cmail.StartTLS, TLS: &tls.Config{RootCAs: s.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
}

// Port is the port the server listens on.
func (s *Server) Port() int { return s.addr.Port }

// CertPool trusts the server's certificate.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Messages returns what has arrived so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Wait waits until at least n messages have arrived and returns them. It
// fails the test when the test's deadline (or ten minutes) passes first.
func (s *Server) Wait(t testing.TB, n int) []Received {
	t.Helper()
	deadline, ok := t.(interface{ Deadline() (time.Time, bool) })
	limit := time.Now().Add(10 * time.Minute)
	if ok {
		if d, has := deadline.Deadline(); has {
			limit = d.Add(-5 * time.Second)
		}
	}
	timer := time.NewTimer(time.Until(limit))
	defer timer.Stop()
	for {
		s.mu.Lock()
		got, ch := append([]Received(nil), s.received...), s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-ch:
		case <-timer.C:
			t.Fatalf("mailtest: %d messages arrived, want %d", len(got), n)
		}
	}
}

// Find returns the messages to an address whose subject contains part.
func (s *Server) Find(to, part string) []Received {
	var out []Received
	for _, m := range s.Messages() {
		if len(m.To) > 0 && strings.EqualFold(m.To[0], to) && strings.Contains(m.Header.Get("Subject"), part) {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) add(r Received) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse != nil {
		if err := s.refuse(len(s.received) + 1); err != nil {
			return err
		}
	}
	s.received = append(s.received, r)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != User || pass != Password {
			return errors.New("invalid credentials")
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unreadable message: " + err.Error()}
	}
	rec.From, rec.To = se.from, append([]string(nil), se.to...)
	return se.s.add(rec)
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// parse decodes a message into its plain-text and HTML parts.
func parse(raw []byte) (Received, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	rec := Received{Header: m.Header, Raw: raw}
	if dec, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err == nil {
		rec.Header["Subject"] = []string{dec}
	}
	err = walk(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body, &rec)
	return rec, err
}

func walk(contentType, encoding string, body io.Reader, rec *Received) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, rec); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64Reader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		rec.Text = string(b)
	case "text/html":
		rec.HTML = string(b)
	}
	return nil
}

// certificate makes a self-signed certificate for 127.0.0.1 and a pool
// that trusts it.
func certificate(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func base64Reader(r io.Reader) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, &stripNewlines{r: r})
}

// stripNewlines drops line breaks, which MIME puts into base64 bodies.
type stripNewlines struct{ r io.Reader }

func (s *stripNewlines) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}

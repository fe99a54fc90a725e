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
	"encoding/pem"
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
	cert []byte // DER
	// closed ends every hold when the test ends.
	closed chan struct{}

	mu       sync.Mutex
	received []Received
	changed  chan struct{}
	// Refuse, when set, is asked before each message is accepted: a
	// non-nil error refuses it (an *smtp.SMTPError chooses the code).
	refuse func(n int) error
	// started counts MAIL commands: messages begun, whatever became of
	// them.
	started int
	holds   map[int]*Held
	hangUp  bool
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	cert, pool := certificate(t)
	s := &Server{pool: pool, cert: cert.Certificate[0], closed: make(chan struct{}), changed: make(chan struct{}), holds: map[int]*Held{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }))
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
	t.Cleanup(func() {
		close(s.closed)
		srv.Close()
	})
	return s
}

// Refuse sets a function asked before the n-th message (counting from 1)
// is accepted; a non-nil error refuses it.
func (s *Server) Refuse(fn func(n int) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = fn
}

// Held is a message the server keeps waiting (see Hold).
type Held struct {
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

// Hold makes the n-th message (counting from 1 every MAIL command the
// server has seen, refused messages included) wait before the server
// answers its MAIL command, until Release: its sender is then in the
// middle of a message whose content it has not yet sent, so no server
// can have taken it.
func (s *Server) Hold(n int) *Held {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &Held{reached: make(chan struct{}), release: make(chan struct{})}
	s.holds[n] = h
	return h
}

// Wait waits until the held message's sender is waiting for the answer.
// It fails the test when the test's deadline (or ten minutes) passes
// first.
func (h *Held) Wait(t testing.TB) {
	t.Helper()
	timer := time.NewTimer(time.Until(limit(t)))
	defer timer.Stop()
	select {
	case <-h.reached:
	case <-timer.C:
		t.Fatal("mailtest: the held message never arrived")
	}
}

// Release lets the held message go on: its MAIL command is refused with
// a temporary failure (451), as by a server that lost its client, so a
// sender still there tries it again later.
func (h *Held) Release() { h.once.Do(func() { close(h.release) }) }

// HangUp makes the server close each connection right after it has
// accepted a message, as a server that crashes (or a network that fails)
// just after its answer: the client's next command (RSET, QUIT) fails,
// though the message was taken.
func (s *Server) HangUp(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangUp = on
}

// CertificatePEM is the server's certificate in PEM, for a process that
// is to trust it (SSL_CERT_FILE).
func (s *Server) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.cert})
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
	timer := time.NewTimer(time.Until(limit(t)))
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

// limit is when waiting fails a test: shortly before its deadline, or
// in ten minutes.
func limit(t testing.TB) time.Time {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, has := d.Deadline(); has {
			return dl.Add(-5 * time.Second)
		}
	}
	return time.Now().Add(10 * time.Minute)
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

// add keeps an accepted message; it reports whether the connection is
// to be closed after the answer (HangUp).
func (s *Server) add(r Received) (hangUp bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse != nil {
		if err := s.refuse(len(s.received) + 1); err != nil {
			return false, err
		}
	}
	s.received = append(s.received, r)
	close(s.changed)
	s.changed = make(chan struct{})
	return s.hangUp, nil
}

// begin counts a MAIL command and waits while it is held.
func (s *Server) begin() error {
	s.mu.Lock()
	s.started++
	h := s.holds[s.started]
	s.mu.Unlock()
	if h == nil {
		return nil
	}
	close(h.reached)
	select {
	case <-h.release:
	case <-s.closed:
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "held and let go; try again later"}
}

type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
	// hangUp closes the connection once the answer to the message is out.
	hangUp bool
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
	if err := se.s.begin(); err != nil {
		return err
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
	se.hangUp, err = se.s.add(rec)
	return err
}

// Reset runs after every message, once its answer is written.
func (se *session) Reset() {
	se.from, se.to = "", nil
	if se.hangUp {
		// Not se.conn.Close, which waits for the lock Reset runs under.
		se.conn.Conn().Close()
	}
}

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

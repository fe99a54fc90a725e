package web

// mailOn reports whether the site sends mail (Config.Mail).
func (s *Server) mailOn() bool { return s.mail != nil }

// wakeMail tells this instance's sender that mail was queued.
func (s *Server) wakeMail() {
	if s.mailWake != nil {
		s.mailWake()
	}
}

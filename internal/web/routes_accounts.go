package web

import "net/http"

// accountRoutes registers accounts, sign-in, the personal timeline, the
// data rights (export, delete) and the account pages.
func (s *Server) accountRoutes(mux *http.ServeMux) {
	mux.Handle("GET /signup", s.handle(s.signupPage))
	mux.Handle("POST /signup", s.handle(s.signupForm))
	mux.Handle("GET /signin", s.handle(s.signinPage))
	mux.Handle("POST /signin", s.handle(s.signinForm))
	mux.Handle("POST /signout", s.handle(s.signoutForm))
	mux.Handle("GET /signin/oidc", s.handle(s.oidcStart))
	mux.Handle("GET /signin/oidc/callback", s.handle(s.oidcCallback))

	// Confirmed addresses and forgotten passwords (only with mail).
	mux.Handle("GET /signup/sent", s.handle(s.signupSentPage))
	mux.Handle("GET /verify", s.handle(s.verifyPage))
	mux.Handle("POST /verify", s.handle(s.verifyForm))
	mux.Handle("POST /verify/resend", s.handle(s.verifyResendForm))
	mux.Handle("GET /forgot", s.handle(s.forgotPage))
	mux.Handle("POST /forgot", s.handle(s.forgotForm))
	mux.Handle("GET /reset", s.handle(s.resetPage))
	mux.Handle("POST /reset", s.handle(s.resetForm))

	mux.Handle("GET /me", s.handle(s.mePage))
	mux.Handle("POST /me/claim", s.handle(s.meClaimForm))
	mux.Handle("GET /me/password", s.handle(s.mePasswordPage))
	mux.Handle("POST /me/password", s.handle(s.mePasswordForm))
	mux.Handle("POST /me/delete", s.handle(s.meDeleteForm))
	mux.Handle("GET /me/cases/{id}/edit", s.handle(s.meEditPage))
	mux.Handle("POST /me/cases/{id}/edit", s.handle(s.meEditForm))

	mux.Handle("GET /api/v1/me/export", s.handleAPI(s.apiMeExport))
	mux.Handle("DELETE /api/v1/me", s.handleAPI(s.apiMeDelete))

}

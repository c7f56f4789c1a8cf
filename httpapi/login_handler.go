package httpapi

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"
)

// loginHandler serves the login form, checks credentials and sets or clears
// the session cookie.
type loginHandler struct {
	users     loginUsers
	auth      *TokenAuth
	templates *template.Template
	log       *slog.Logger
	// accounts limits failed logins per user name. Required.
	accounts *accountLimiter
	// now is the clock of accounts; nil means time.Now.
	now func() time.Time
	// sessions ends a user's sessions at logout. nil: logout only clears
	// the cookie.
	sessions sessionEnder
}

// sessionEnder is what logout needs of the user store.
type sessionEnder interface {
	EndSessions(name string, now time.Time) error
}

// loginUsers is what the login form needs of the user store.
type loginUsers interface {
	Authenticate(name, password string) (User, error)
	Exists(name string) bool
}

type loginPage struct {
	Error    string
	Username string
	// Next is where to go after logging in; only local paths get here.
	Next string
}

func (h *loginHandler) form(w http.ResponseWriter, r *http.Request) {
	next := localRedirect(r.FormValue("next"))
	if _, err := claimsFromRequest(h.auth, r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	h.render(w, http.StatusOK, loginPage{Next: nextField(next)})
}

// nextField leaves the default "/" out of the form.
func nextField(next string) string {
	if next == "/" {
		return ""
	}
	return next
}

func (h *loginHandler) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		// Too large, or too slow: Server.ReadTimeout ended the body.
		h.log.Info("unreadable login form", "remote", r.RemoteAddr, "error", err)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	name, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := localRedirect(r.FormValue("next"))
	if wait := h.accounts.wait(name, h.clock()); wait > 0 {
		tooManyLogins(w, wait)
		return
	}
	user, err := h.users.Authenticate(name, password)
	if err != nil {
		known := h.users.Exists(name)
		if errors.Is(err, ErrBadCredentials) {
			h.log.Info("login failed", "user", loggedName(name, known), "remote", r.RemoteAddr)
			if h.accounts.fail(name, known, h.clock()) {
				h.log.Warn("too many failed logins: the account waits before its next try",
					"user", loggedName(name, known), "wait", h.accounts.lockout, "remote", r.RemoteAddr)
			}
		} else {
			h.log.Error("login failed", "user", loggedName(name, known), "error", err)
		}
		h.render(w, http.StatusUnauthorized, loginPage{Error: "Wrong username or password.", Username: name, Next: nextField(next)})
		return
	}
	h.accounts.succeed(name)
	token, exp, err := h.auth.Issue(user, time.Now())
	if err != nil {
		h.log.Error("issuing token", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, sessionCookie(r, token, exp))
	h.log.Info("login", "user", user.Name, "role", user.Role, "remote", r.RemoteAddr)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loggedName is what the log says of a name typed into the login form:
// the name when it is an account (known), else "unknown user", so that a
// password typed into the name field never reaches the log, nor the
// studio's log panel.
func loggedName(name string, known bool) string {
	if known {
		return name
	}
	return "unknown user"
}

func (h *loginHandler) clock() time.Time {
	if h.now != nil {
		return h.now()
	}
	return time.Now()
}

// logout ends every session of the user, on every device (README
// "Users": a token does not name its session, so one cannot end alone),
// and clears the cookie.
func (h *loginHandler) logout(w http.ResponseWriter, r *http.Request) {
	c := sessionCookie(r, "", time.Unix(0, 0))
	c.MaxAge = -1
	http.SetCookie(w, c)
	if claims, err := claimsFromRequest(h.auth, r); err == nil && h.sessions != nil {
		if err := h.sessions.EndSessions(claims.Subject, time.Now()); err != nil {
			// The cookie was a valid session and still is: saying "logged
			// out" would be a lie.
			h.log.Error("logout: cannot end the sessions", "user", claims.Subject, "error", err)
			http.Error(w, "internal error: the session could not be ended", http.StatusInternalServerError)
			return
		}
		h.log.Info("logout", "user", claims.Subject, "remote", r.RemoteAddr)
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func sessionCookie(r *http.Request, value string, exp time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    value,
		Path:     "/",
		Expires:  exp,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   isHTTPS(r),
	}
}

func (h *loginHandler) render(w http.ResponseWriter, status int, page loginPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := h.templates.ExecuteTemplate(w, "login.html", page); err != nil {
		h.log.Error("rendering login page", "error", err)
	}
}

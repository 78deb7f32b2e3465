package ncfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func isV1(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/ocs/v1.php/") }

// writeOCS answers with an OCS JSON envelope. v1 says success with statuscode
// 100 and carries extra meta keys; v2 mirrors the HTTP status.
func writeOCS(w http.ResponseWriter, r *http.Request, data any) {
	meta := map[string]any{"status": "ok", "statuscode": 200, "message": "OK"}
	if isV1(r) {
		meta["statuscode"] = 100
		meta["totalitems"], meta["itemsperpage"] = "", ""
	}
	if data == nil {
		data = []any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"ocs": map[string]any{"meta": meta, "data": data}})
}

// writeOCSError answers with a failed envelope: v2 uses the HTTP status,
// v1 always answers HTTP 200 with the code only in meta.
func writeOCSError(w http.ResponseWriter, r *http.Request, httpStatus, ocsStatus int, msg string) {
	meta := map[string]any{"status": "failure", "statuscode": ocsStatus, "message": msg}
	status := httpStatus
	if isV1(r) {
		meta["totalitems"], meta["itemsperpage"] = "", ""
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]any{"ocs": map[string]any{"meta": meta, "data": []any{}}})
}

// writeWrongPassword is Nextcloud's answer to bad credentials on OCS: XML, even
// when JSON was asked for, with the header name spelled Content-type.
func writeWrongPassword(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="Authorisation Required"`)
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte("<?xml version=\"1.0\"?>\n<ocs>\n <meta>\n  <status>failure</status>\n  <statuscode>997</statuscode>\n  <message>Unauthorised</message>\n </meta>\n <data/>\n</ocs>\n"))
}

// writeNotLoggedIn is the answer without credentials: 401 JSON on v1 and v2 alike.
func writeNotLoggedIn(w http.ResponseWriter, r *http.Request) {
	meta := map[string]any{"status": "failure", "statuscode": 997, "message": "Current user is not logged in"}
	if isV1(r) {
		meta["totalitems"], meta["itemsperpage"] = "", ""
	}
	writeJSON(w, http.StatusUnauthorized, map[string]any{"ocs": map[string]any{"meta": meta, "data": []any{}}})
}

// ocsHandler wraps an OCS endpoint with the CSRF-header and auth checks.
func (s *Server) ocsHandler(h func(w http.ResponseWriter, r *http.Request, u *User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, fail := s.userFor(r, false)
		bearer := strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ")
		if fail == authOK && !bearer && r.Header.Get("OCS-APIRequest") != "true" {
			writeJSON(w, http.StatusPreconditionFailed, map[string]string{"message": "CSRF check failed"})
			return
		}
		if fail == authWrong && bearer {
			// A Bearer token Nextcloud does not know counts as no login at all (oauth2/22, 31).
			fail = authMissing
		}
		switch fail {
		case authMissing:
			writeNotLoggedIn(w, r)
			return
		case authWrong:
			writeWrongPassword(w)
			return
		}
		h(w, r, u)
	}
}

func versionString(major, minor, micro int) string {
	return fmt.Sprintf("%d.%d.%d", major, minor, micro)
}

package rootly

// This file holds the checks of ids that several calls share; a request
// type's own validate sits next to the type.

import (
	"strings"

	"github.com/caseassign/caseassign/internal/core"
)

// validateIncidentID checks an incident id as the spec's path parameter
// describes it: a UUID, or the incident's slug (^[a-z0-9_-]+$).
func validateIncidentID(field, id string) error {
	if reason := checkResourceID(id); reason != "" {
		return invalid(field, reason+": give the incident's UUID or its slug (lower-case letters, digits, '-' and '_');"+
			" to find an incident by its number (INC-123), use ListIncidents with SequentialID: \"123\"")
	}
	return nil
}

// validateRoleID checks an incident role id: a UUID, or the role's slug.
func validateRoleID(field, id string) error {
	if reason := checkResourceID(id); reason != "" {
		return invalid(field, reason+": give the incident role's UUID or its slug (lower-case letters, digits, '-' and '_')")
	}
	return nil
}

// validateUserID checks a user id: the numeric id ("317"), or "me".
func validateUserID(field, id string) error {
	if id == "me" {
		return nil
	}
	if id == "" || len(id) > 20 || strings.Trim(id, "0123456789") != "" {
		return invalid(field, "must be a user's numeric id (\"317\") or \"me\"; to find a user by e-mail, use ListUsers with Email")
	}
	return nil
}

// checkResourceID says what is wrong with an id that must be a UUID or a
// slug matching ^[a-z0-9_-]+$ (Rootly's swagger), or "".
func checkResourceID(id string) string {
	switch {
	case id == "":
		return "is empty"
	case core.IsUUID(id, false):
		return ""
	case len(id) > 256:
		return "is longer than 256 bytes"
	}
	for i := range len(id) {
		c := id[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return "is neither a UUID nor a slug"
		}
	}
	return ""
}

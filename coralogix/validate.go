package coralogix

import (
	"strconv"

	"github.com/caseassign/caseassign/internal/core"
)

// MaxIDs is the most case ids one request can carry.
const MaxIDs = 1000

// maxIDLen is the longest case id the API accepts.
const maxIDLen = 64

// normalized returns r with upper-case UUIDs (case ids, the user id)
// lower-cased, as the API wants them; the caller's slice is not changed.
func (r AssignCasesRequest) normalized() AssignCasesRequest {
	r.Assignee.UserID = core.LowerUUID(r.Assignee.UserID)
	r.IDs = core.LowerUUIDs(r.IDs)
	return r
}

func (r *AssignCasesRequest) validate() error {
	if err := r.Assignee.validate("assignee"); err != nil {
		return err
	}
	return validateIDs(r.IDs)
}

func (u UserDetails) validate(field string) error {
	if !isUUID(u.UserID) {
		return invalid(field+".userId", "must be a UUID (sent in lower case)")
	}
	return nil
}

func validateIDs(ids []string) error {
	if len(ids) == 0 {
		return invalid("ids", "at least one id is required")
	}
	if len(ids) > MaxIDs {
		return invalid("ids", "at most 1000 ids per request (use AssignCasesInBatches for more), got "+strconv.Itoa(len(ids)))
	}
	for i, id := range ids {
		if err := validateCaseID("ids["+strconv.Itoa(i)+"]", id); err != nil {
			return err
		}
	}
	return nil
}

// ValidCaseID reports whether id is a case id the API accepts: 1 to 64
// characters, a lower-case UUID or a readable id such as "CASE-123"
// (^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Z]+-[0-9]+)$).
// The client's methods also take a UUID in upper case, and send it in
// lower case.
func ValidCaseID(id string) bool {
	return len(id) >= 1 && len(id) <= maxIDLen && (isUUID(id) || isReadableID(id))
}

func validateCaseID(field, id string) error {
	if !ValidCaseID(id) {
		return invalid(field, "must be a case UUID or a readable id like CASE-123 (1 to 64 characters)")
	}
	return nil
}

// isUUID matches ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$.
func isUUID(s string) bool { return core.IsUUID(s, true) }

// isReadableID matches ^[A-Z]+-[0-9]+$.
func isReadableID(s string) bool {
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i == 0 || i >= len(s)-1 || s[i] != '-' {
		return false
	}
	for _, c := range []byte(s[i+1:]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

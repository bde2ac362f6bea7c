package thalamus

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/caseassign/caseassign/internal/jsonx"
)

// Assignee is the target of an assignment: exactly one of an operator's
// e-mail address and an operator group's name.
type Assignee struct {
	Email     string `json:"email,omitempty"`
	GroupName string `json:"groupName,omitempty"`
}

// ToOperator targets the operator with this e-mail address.
func ToOperator(email string) Assignee { return Assignee{Email: email} }

// ToGroup targets the operator group with this name.
func ToGroup(name string) Assignee { return Assignee{GroupName: name} }

func (a Assignee) validate() error {
	switch {
	case a.Email != "" && a.GroupName != "":
		return invalidAs("to", "set either an operator e-mail or a group name, not both", ErrBothTargets)
	case a.Email == "" && a.GroupName == "":
		return invalidAs("to", "set an operator e-mail (ToOperator) or a group name (ToGroup)", ErrNoTarget)
	case a.Email != "":
		if reason := checkEmail(a.Email); reason != "" {
			return invalid("to.email", reason)
		}
	default:
		if strings.TrimSpace(a.GroupName) == "" {
			return invalid("to.groupName", "is blank")
		}
		if hasControl(a.GroupName) || !utf8.ValidString(a.GroupName) {
			return invalid("to.groupName", "contains control characters or invalid UTF-8")
		}
	}
	return nil
}

// ValidEmail reports whether s is a single plain e-mail address, as
// AssignCase requires: no display name, no angle brackets, no list, no
// control characters, at most 254 bytes.
func ValidEmail(s string) bool { return checkEmail(s) == "" }

func checkEmail(s string) string {
	if len(s) > 254 {
		return "is longer than 254 bytes"
	}
	if hasControl(s) || !utf8.ValidString(s) {
		return "contains control characters or invalid UTF-8"
	}
	if strings.ContainsAny(s, " <>,;\"()") {
		return "must be a single plain address, without display name, brackets or list"
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "is not a valid e-mail address"
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.HasPrefix(domain, "[") {
		return "is not a valid e-mail address"
	}
	return ""
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// AssignmentResult is a successful assignment's answer.
type AssignmentResult struct {
	// Context is the session context, as sent.
	Context json.RawMessage
	// Case is the assigned case: typed known fields, unknown ones kept.
	Case Case
	// Raw is the whole answer body, as sent; useful when it could not be
	// typed (then Context and Case may be empty).
	Raw json.RawMessage
}

// Case is a Thalamus case. Known members are typed; a known member whose
// value does not fit its type, and every unknown member, is kept in Extra.
// json.Marshal writes back every member that was read, in both places.
type Case struct {
	ID           int64           `json:"id,omitzero"`
	CategoryCode string          `json:"categoryCode,omitzero"`
	TypeCode     string          `json:"typeCode,omitzero"`
	Status       string          `json:"status,omitzero"`
	Resolution   string          `json:"resolution,omitzero"`
	Comments     string          `json:"comments,omitzero"` // when sent as a string; an array of comment objects is kept in Extra
	CaseData     json.RawMessage `json:"caseData,omitzero"` // the case type's own fields, kept as sent

	// Extra holds the members the SDK does not model (or could not type).
	Extra map[string]json.RawMessage `json:"-"`

	present uint64 // bit i: field i of Case was read, so "" is written back
}

// The numbers of Case's typed fields, in their order (jsonx.Object's).
const (
	fieldID = iota
	fieldCategoryCode
	fieldTypeCode
	fieldStatus
	fieldResolution
	fieldComments
	fieldCaseData
)

// caseFields is Case without its JSON methods, for jsonx.Object's names.
type caseFields Case

// UnmarshalJSON decodes member by member: a member that does not fit its
// typed field goes to Extra instead of failing the whole case.
func (c *Case) UnmarshalJSON(data []byte) error {
	*c = Case{}
	return jsonx.Members(data, func(key, raw []byte) {
		k, ok := jsonx.String(key)
		if !ok {
			return
		}
		if !c.setKnown(k, raw) {
			if c.Extra == nil {
				c.Extra = map[string]json.RawMessage{}
			}
			c.Extra[k] = append(json.RawMessage(nil), raw...)
		}
	})
}

func (c *Case) setKnown(k string, raw []byte) bool {
	str := func(dst *string, field int) bool {
		v, ok := jsonx.String(raw)
		if !ok {
			return false
		}
		*dst = v
		c.present |= 1 << field
		return true
	}
	switch k {
	case "id":
		id, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return false
		}
		c.ID = id
		c.present |= 1 << fieldID
		return true
	case "categoryCode":
		return str(&c.CategoryCode, fieldCategoryCode)
	case "typeCode":
		return str(&c.TypeCode, fieldTypeCode)
	case "status":
		return str(&c.Status, fieldStatus)
	case "resolution":
		return str(&c.Resolution, fieldResolution)
	case "comments":
		return str(&c.Comments, fieldComments)
	case "caseData":
		if bytes.Equal(raw, []byte("null")) {
			return false // kept verbatim in Extra
		}
		c.CaseData = append(json.RawMessage(nil), raw...)
		return true
	}
	return false
}

// MarshalJSON writes the typed members (those read, or set non-zero) and the
// members kept in Extra.
func (c Case) MarshalJSON() ([]byte, error) {
	o := jsonx.NewObject[caseFields](nil, c.present)
	o.Int(fieldID, c.ID)
	o.String(fieldCategoryCode, c.CategoryCode)
	o.String(fieldTypeCode, c.TypeCode)
	o.String(fieldStatus, c.Status)
	o.String(fieldResolution, c.Resolution)
	o.String(fieldComments, c.Comments)
	o.Raw(fieldCaseData, c.CaseData)
	return o.End(c.Extra)
}

// decodeResult types what it can of a 2xx body: the context member as raw
// JSON, and the case from the "case" member (or, since the key is not
// documented, the first other member that holds an object).
func decodeResult(body []byte) *AssignmentResult {
	res := &AssignmentResult{Raw: body} // the body is the client's own copy
	var caseRaw []byte
	var fallback []byte
	_ = jsonx.Members(body, func(key, raw []byte) {
		k, _ := jsonx.String(key)
		switch {
		case k == "context":
			res.Context = raw
		case k == "case":
			caseRaw = raw
		case fallback == nil && len(raw) > 0 && raw[0] == '{':
			fallback = raw
		}
	})
	if caseRaw == nil {
		caseRaw = fallback
	}
	if caseRaw != nil {
		_ = res.Case.UnmarshalJSON(caseRaw)
	}
	return res
}

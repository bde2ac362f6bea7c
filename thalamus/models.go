package thalamus

import (
	"bytes"
	"encoding/json"
	"errors"
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

// AssignmentResult is a successful assignment's answer. Thalamus answers
// in one of two envelopes, and both are read: {"context", "case"} (the
// assignment service's) and {"links", "data": {"activities", "entity"},
// "errors"} (the API's common envelope). The members of the envelope the
// server did not use stay empty.
type AssignmentResult struct {
	// Context is the session context, as sent.
	Context json.RawMessage
	// Links, Activities and Errors are the common envelope's "links",
	// "data.activities" and "errors", as sent.
	Links, Activities, Errors json.RawMessage
	// Case is the assigned case: typed known fields, unknown ones kept.
	Case Case
	// Raw is the whole answer body, as sent; useful when it could not be
	// typed (then Context and Case may be empty).
	Raw json.RawMessage
}

// Comment is one comment (note) of a case, as the documentation's case
// and note services send it. Members other than id and description are
// kept in Extra and written back.
type Comment struct {
	// ID is the comment's id. The server sends it as a number or as a
	// string; it is written back in the form it was read.
	ID string
	// Description is the comment's text.
	Description string
	// Extra holds the members the SDK does not model (or could not type).
	Extra map[string]json.RawMessage

	idRaw   []byte // the id as sent, kept while ID is unchanged
	present uint64
}

const (
	commentID = iota
	commentDescription
)

// commentFields names Comment's members for jsonx.Object.
type commentFields struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

// UnmarshalJSON decodes a comment object member by member: a member that
// does not fit its typed field goes to Extra.
func (m *Comment) UnmarshalJSON(data []byte) error {
	*m = Comment{}
	if t := jsonx.Kind(data); t != '{' {
		return errors.New("thalamus: a comment is not an object")
	}
	return jsonx.Members(data, func(key, raw []byte) {
		k, ok := keyBytes(key)
		if !ok {
			return
		}
		switch string(k) {
		case "id":
			if v, ok := jsonx.String(raw); ok {
				m.ID, m.idRaw = v, append([]byte(nil), raw...)
				m.present |= 1 << commentID
				return
			}
			if _, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
				m.ID, m.idRaw = string(raw), append([]byte(nil), raw...)
				m.present |= 1 << commentID
				return
			}
		case "description":
			if v, ok := jsonx.String(raw); ok {
				m.Description = v
				m.present |= 1 << commentDescription
				return
			}
		}
		if m.Extra == nil {
			m.Extra = map[string]json.RawMessage{}
		}
		m.Extra[string(k)] = append(json.RawMessage(nil), raw...)
	})
}

// MarshalJSON writes the typed members (those read, or set non-zero) and the
// members kept in Extra; an id read as a number is written as that number.
func (m Comment) MarshalJSON() ([]byte, error) {
	o := jsonx.NewObject[commentFields](nil, m.present)
	if o.Begin(commentID, m.ID == "") {
		if len(m.idRaw) > 0 && m.idUnchanged() {
			o.Buf = append(o.Buf, m.idRaw...)
		} else {
			o.Buf = jsonx.AppendString(o.Buf, m.ID)
		}
	}
	o.String(commentDescription, m.Description)
	return o.End(m.Extra)
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
	Comments     []Comment       `json:"comments,omitzero"` // the comment objects; a plain string from an older server is one Comment with only a Description
	CaseData     json.RawMessage `json:"caseData,omitzero"` // the case type's own fields, kept as sent

	// Extra holds the members the SDK does not model (or could not type).
	Extra map[string]json.RawMessage `json:"-"`

	present      uint64 // bit i: field i of Case was read, so "" is written back
	commentsText bool   // comments came as a string: written back as one while unchanged
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
		k, ok := keyBytes(key)
		if !ok {
			return
		}
		if !c.setKnown(k, raw) {
			if c.Extra == nil {
				c.Extra = map[string]json.RawMessage{}
			}
			c.Extra[string(k)] = append(json.RawMessage(nil), raw...)
		}
	})
}

// keyBytes returns a member name's unquoted bytes: a slice of key when it
// holds no escape (no allocation), else its decoded copy.
func keyBytes(key []byte) ([]byte, bool) {
	inner := key[1 : len(key)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, true
	}
	k, ok := jsonx.String(key)
	return []byte(k), ok
}

func (c *Case) setKnown(k []byte, raw []byte) bool {
	str := func(dst *string, field int) bool {
		v, ok := jsonx.String(raw)
		if !ok {
			return false
		}
		*dst = v
		c.present |= 1 << field
		return true
	}
	switch string(k) {
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
		return c.setComments(raw)
	case "caseData":
		if bytes.Equal(raw, []byte("null")) {
			return false // kept verbatim in Extra
		}
		c.CaseData = append(json.RawMessage(nil), raw...)
		return true
	}
	return false
}

// setComments types an array of comment objects, or a plain string; any
// other value (or an array holding a non-object) is left to Extra.
func (c *Case) setComments(raw []byte) bool {
	if v, ok := jsonx.String(raw); ok {
		c.Comments = []Comment{{Description: v, present: 1 << commentDescription}}
		c.commentsText = true
		c.present |= 1 << fieldComments
		return true
	}
	if jsonx.Kind(raw) != '[' {
		return false
	}
	comments := []Comment{}
	ok := true
	err := jsonx.Elements(raw, func(_ int, el []byte) {
		var m Comment
		if m.UnmarshalJSON(el) != nil {
			ok = false
			return
		}
		comments = append(comments, m)
	})
	if err != nil || !ok {
		return false
	}
	c.Comments = comments
	c.present |= 1 << fieldComments
	return true
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
	if o.Begin(fieldComments, c.Comments == nil) {
		if c.commentsText && len(c.Comments) == 1 && c.Comments[0].plain() {
			o.Buf = jsonx.AppendString(o.Buf, c.Comments[0].Description)
		} else {
			o.Buf = append(o.Buf, '[')
			for i, m := range c.Comments {
				if i > 0 {
					o.Buf = append(o.Buf, ',')
				}
				b, err := m.MarshalJSON()
				o.SetErr(err)
				o.Buf = append(o.Buf, b...)
			}
			o.Buf = append(o.Buf, ']')
		}
	}
	o.Raw(fieldCaseData, c.CaseData)
	return o.End(c.Extra)
}

// idUnchanged reports whether ID still holds the id as it was read.
func (m Comment) idUnchanged() bool {
	if v, ok := jsonx.String(m.idRaw); ok {
		return v == m.ID
	}
	return string(m.idRaw) == m.ID
}

// plain reports whether m holds only a description, as a comment read from
// a string does.
func (m Comment) plain() bool { return m.ID == "" && len(m.Extra) == 0 }

// decodeResult types a 2xx body. The case is the "case" member, or the
// common envelope's data.entity, or the body itself when it is a bare case
// object (as GET /api/v4/cases/{id} answers), or, since the key is not
// documented for every service, the first other member that holds an
// object. A body that is not one whole JSON object, or that holds no case
// object, is an error: the caller reports it as ErrUnexpectedResponse,
// never as a success.
func decodeResult(body []byte) (*AssignmentResult, error) {
	res := &AssignmentResult{Raw: body} // the body is the client's own copy
	var caseRaw, entity, fallback []byte
	bare := false
	var inner error
	err := jsonx.Members(body, func(key, raw []byte) {
		k, _ := jsonx.String(key)
		switch {
		case k == "context":
			res.Context = raw
		case k == "case":
			caseRaw = raw
		case k == "links":
			res.Links = raw
		case k == "errors":
			res.Errors = raw
		case k == "data" && jsonx.Kind(raw) == '{':
			inner = jsonx.Members(raw, func(key, v []byte) {
				switch dk, _ := jsonx.String(key); dk {
				case "entity":
					entity = v
				case "activities":
					res.Activities = v
				}
			})
		case k == "id" || k == "categoryCode" || k == "typeCode":
			bare = true
		case fallback == nil && jsonx.Kind(raw) == '{':
			fallback = raw
		}
	})
	if err != nil {
		return nil, errors.New("the answer is not one whole JSON object")
	}
	if inner != nil {
		return nil, errors.New(`the answer's "data" is not a whole JSON object`)
	}
	switch {
	case caseRaw != nil:
	case entity != nil:
		caseRaw = entity
	case bare:
		caseRaw = body
	default:
		caseRaw = fallback
	}
	if jsonx.Kind(caseRaw) != '{' {
		return nil, errors.New("the answer holds no case object")
	}
	if err := res.Case.UnmarshalJSON(caseRaw); err != nil {
		return nil, errors.New("the answer's case is not a whole JSON object")
	}
	if res.Case.present&(1<<fieldID) == 0 {
		return nil, errors.New("the answer's case has no id")
	}
	return res, nil
}

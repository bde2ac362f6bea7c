package actionmgmt

import (
	"encoding/json"

	"github.com/caseassign/caseassign/internal/jsonx"
)

// Case is an Action Management case. The fields the API documents are
// typed; every other member the server sent, at this level and in every
// role, user, list value and source, is kept and written back unchanged by
// json.Marshal, so UpdateCase writes exactly what GetCase read plus your
// change. Members that were present keep their place even when zero
// (isClosed: false, cost: 0); absent ones are not invented.
type Case struct {
	ID           int64           `json:"id"`
	Name         string          `json:"name"`
	WorkflowID   int64           `json:"workflowId"`
	WorkflowName string          `json:"workflowName"`
	Cost         float64         `json:"cost"` // the case's cost, as the program set it
	IsClosed     bool            `json:"isClosed"`
	TriggerID    int64           `json:"triggerId"` // the trigger (survey response rule) that opened the case
	TriggerName  string          `json:"triggerName"`
	DateCreated  Date            `json:"dateCreated"`
	DateModified Date            `json:"dateModified"`
	DateDue      Date            `json:"dateDue"`    // the due date; zero (or "") when the case has none
	ListValues   []ListValue     `json:"listValues"` // the case's status, severity, category and custom list values
	Roles        []CaseRole      `json:"roles"`
	Source       *Source         `json:"source"` // the survey response the case came from
	Links        json.RawMessage `json:"links"`  // kept verbatim: keys may repeat

	// Extra holds the members the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`
	kept  uint64
}

type caseFields Case

// caseWire is the one-pass decoding target of a case: the same fields, with
// nested types that have no JSON methods of their own, so encoding/json
// walks the document once. keep then fills in what the typed fields lack.
type caseWire struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	WorkflowID   int64             `json:"workflowId"`
	WorkflowName string            `json:"workflowName"`
	Cost         float64           `json:"cost"`
	IsClosed     bool              `json:"isClosed"`
	TriggerID    int64             `json:"triggerId"`
	TriggerName  string            `json:"triggerName"`
	DateCreated  Date              `json:"dateCreated"`
	DateModified Date              `json:"dateModified"`
	DateDue      Date              `json:"dateDue"`
	ListValues   []listValueFields `json:"listValues"`
	Roles        []roleWire        `json:"roles"`
	Source       *sourceFields     `json:"source"`
	Links        json.RawMessage   `json:"links"`
}

type roleWire struct {
	ID                   int64        `json:"id"`
	CaseID               int64        `json:"caseId"`
	Name                 string       `json:"name"`
	WorkflowRoleIsActive bool         `json:"workflowRoleIsActive"`
	Users                []userFields `json:"users"`
}

func (w *roleWire) role() CaseRole {
	r := CaseRole{ID: w.ID, CaseID: w.CaseID, Name: w.Name, WorkflowRoleIsActive: w.WorkflowRoleIsActive}
	if w.Users != nil {
		r.Users = make([]RoleUser, len(w.Users))
		for i := range w.Users {
			r.Users[i] = RoleUser(w.Users[i])
		}
	}
	return r
}

// UnmarshalJSON decodes the typed fields and keeps everything else, at
// every level, in one decoding pass and one scan.
func (c *Case) UnmarshalJSON(data []byte) error {
	var w caseWire
	if err := jsonx.Unmarshal(data, &w); err != nil {
		return err
	}
	*c = Case{
		ID: w.ID, Name: w.Name, WorkflowID: w.WorkflowID, WorkflowName: w.WorkflowName, Cost: w.Cost,
		IsClosed: w.IsClosed, TriggerID: w.TriggerID, TriggerName: w.TriggerName, DateCreated: w.DateCreated,
		DateModified: w.DateModified, DateDue: w.DateDue, Links: w.Links, Source: (*Source)(w.Source),
	}
	if w.ListValues != nil {
		c.ListValues = make([]ListValue, len(w.ListValues))
		for i := range w.ListValues {
			c.ListValues[i] = ListValue(w.ListValues[i])
		}
	}
	if w.Roles != nil {
		c.Roles = make([]CaseRole, len(w.Roles))
		for i := range w.Roles {
			c.Roles[i] = w.Roles[i].role()
		}
	}
	return c.keep(data)
}

func (c *Case) keep(data []byte) error {
	return keepInto[caseFields](data, &c.Extra, &c.kept, func(name string, raw []byte) {
		switch name {
		case "roles":
			keepEach(raw, c.Roles, (*CaseRole).keep)
		case "listValues":
			keepEach(raw, c.ListValues, (*ListValue).keep)
		case "source":
			if c.Source != nil {
				_ = c.Source.keep(raw)
			}
		}
	})
}

// keepInto records, for a model whose fields type is F, the members it
// does not model and the modelled members present in data.
func keepInto[F any](data []byte, extra *map[string]json.RawMessage, kept *uint64, nested func(string, []byte)) error {
	k, err := jsonx.KeptOf[F](data, nested)
	*extra, *kept = k.Extra, k.Present
	return err
}

// decodeFlat decodes a model without nested models (its fields type F)
// and keeps what it does not model.
func decodeFlat[F any](data []byte, fields *F, extra *map[string]json.RawMessage, kept *uint64) error {
	if err := jsonx.Unmarshal(data, fields); err != nil {
		return err
	}
	return keepInto[F](data, extra, kept, nil)
}

// keepEach runs keep on each item with its element of the JSON array raw.
func keepEach[T any](raw []byte, items []T, keep func(*T, []byte) error) {
	_ = jsonx.Elements(raw, func(i int, el []byte) {
		if i < len(items) {
			_ = keep(&items[i], el)
		}
	})
}

// MarshalJSON writes the case back with every member it was read with.
func (c Case) MarshalJSON() ([]byte, error) { return c.appendJSON(nil) }

// appendJSON writes the case straight into b, nested models included, so
// encoding it is one pass with no nested Marshal. The field numbers are
// the positions of the fields in Case.
func (c *Case) appendJSON(b []byte) ([]byte, error) {
	o := jsonx.NewObject[caseFields](b, c.kept)
	o.Int(0, c.ID)
	o.String(1, c.Name)
	o.Int(2, c.WorkflowID)
	o.String(3, c.WorkflowName)
	o.Float(4, c.Cost)
	o.Bool(5, c.IsClosed)
	o.Int(6, c.TriggerID)
	o.String(7, c.TriggerName)
	o.Raw(8, c.DateCreated.raw)
	o.Raw(9, c.DateModified.raw)
	o.Raw(10, c.DateDue.raw)
	if o.Begin(11, c.ListValues == nil) {
		o.Buf = appendEach(o, c.ListValues, (*ListValue).appendJSON)
	}
	if o.Begin(12, c.Roles == nil) {
		o.Buf = appendEach(o, c.Roles, (*CaseRole).appendJSON)
	}
	if o.Begin(13, c.Source == nil) {
		if c.Source == nil {
			o.Buf = append(o.Buf, "null"...)
		} else {
			var err error
			o.Buf, err = c.Source.appendJSON(o.Buf)
			o.SetErr(err)
		}
	}
	o.Raw(14, c.Links)
	return o.End(c.Extra)
}

// appendEach writes items as a JSON array ("null" for a nil slice).
func appendEach[T, F any](o *jsonx.Object[F], items []T, appendJSON func(*T, []byte) ([]byte, error)) []byte {
	if items == nil {
		return append(o.Buf, "null"...)
	}
	b := append(o.Buf, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		b, err = appendJSON(&items[i], b)
		o.SetErr(err)
	}
	return append(b, ']')
}

// Role returns the role with the given id, or nil.
func (c *Case) Role(roleID int64) *CaseRole {
	for i := range c.Roles {
		if c.Roles[i].ID == roleID {
			return &c.Roles[i]
		}
	}
	return nil
}

// CaseRole is a role on a case and the users in it.
type CaseRole struct {
	ID                   int64      `json:"id"`
	CaseID               int64      `json:"caseId"`
	Name                 string     `json:"name"`
	WorkflowRoleIsActive bool       `json:"workflowRoleIsActive"`
	Users                []RoleUser `json:"users"`

	// Extra holds the members the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`
	kept  uint64
}

type roleFields CaseRole

// UnmarshalJSON decodes the typed fields and keeps everything else.
func (r *CaseRole) UnmarshalJSON(data []byte) error {
	var w roleWire
	if err := jsonx.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = w.role()
	return r.keep(data)
}

func (r *CaseRole) keep(data []byte) error {
	return keepInto[roleFields](data, &r.Extra, &r.kept, func(name string, raw []byte) {
		if name == "users" {
			keepEach(raw, r.Users, (*RoleUser).keep)
		}
	})
}

// MarshalJSON writes the role back with every member it was read with.
func (r CaseRole) MarshalJSON() ([]byte, error) { return r.appendJSON(nil) }

func (r *CaseRole) appendJSON(b []byte) ([]byte, error) {
	o := jsonx.NewObject[roleFields](b, r.kept)
	o.Int(0, r.ID)
	o.Int(1, r.CaseID)
	o.String(2, r.Name)
	o.Bool(3, r.WorkflowRoleIsActive)
	if o.Begin(4, r.Users == nil) {
		o.Buf = appendEach(o, r.Users, (*RoleUser).appendJSON)
	}
	return o.End(r.Extra)
}

// HasUser reports whether the user is in the role.
func (r *CaseRole) HasUser(userID int64) bool {
	for _, u := range r.Users {
		if u.ID == userID {
			return true
		}
	}
	return false
}

// RoleUser is a user in a case role.
type RoleUser struct {
	ID       int64           `json:"id"`
	UserName string          `json:"userName"`
	IsActive bool            `json:"isActive"`
	Links    json.RawMessage `json:"links"`

	// Extra holds the members the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`
	kept  uint64
}

type userFields RoleUser

// UnmarshalJSON decodes the typed fields and keeps everything else.
func (u *RoleUser) UnmarshalJSON(data []byte) error {
	return decodeFlat(data, (*userFields)(u), &u.Extra, &u.kept)
}

func (u *RoleUser) keep(data []byte) error {
	return keepInto[userFields](data, &u.Extra, &u.kept, nil)
}

// MarshalJSON writes the user back with every member it was read with.
func (u RoleUser) MarshalJSON() ([]byte, error) { return u.appendJSON(nil) }

func (u *RoleUser) appendJSON(b []byte) ([]byte, error) {
	o := jsonx.NewObject[userFields](b, u.kept)
	o.Int(0, u.ID)
	o.String(1, u.UserName)
	o.Bool(2, u.IsActive)
	o.Raw(3, u.Links)
	return o.End(u.Extra)
}

// ListValue is a value of one of the case's lists: status, severity,
// category or a custom list.
type ListValue struct {
	ListID          int64  `json:"listId"`
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Type            string `json:"type"` // status, severity, category or custom
	IsOpen          bool   `json:"isOpen"`
	IsHigh          bool   `json:"isHigh"`
	SubCategoryID   int64  `json:"subCategoryId"`
	SubCategoryName string `json:"subCategoryName"`

	// Extra holds the members the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`
	kept  uint64
}

// The list value types the API documents.
const (
	ListTypeStatus   = "status"
	ListTypeSeverity = "severity"
	ListTypeCategory = "category"
	ListTypeCustom   = "custom"
)

type listValueFields ListValue

// UnmarshalJSON decodes the typed fields and keeps everything else.
func (v *ListValue) UnmarshalJSON(data []byte) error {
	return decodeFlat(data, (*listValueFields)(v), &v.Extra, &v.kept)
}

func (v *ListValue) keep(data []byte) error {
	return keepInto[listValueFields](data, &v.Extra, &v.kept, nil)
}

// MarshalJSON writes the value back with every member it was read with.
func (v ListValue) MarshalJSON() ([]byte, error) { return v.appendJSON(nil) }

func (v *ListValue) appendJSON(b []byte) ([]byte, error) {
	o := jsonx.NewObject[listValueFields](b, v.kept)
	o.Int(0, v.ListID)
	o.Int(1, v.ID)
	o.String(2, v.Name)
	o.String(3, v.Type)
	o.Bool(4, v.IsOpen)
	o.Bool(5, v.IsHigh)
	o.Int(6, v.SubCategoryID)
	o.String(7, v.SubCategoryName)
	return o.End(v.Extra)
}

// Source is the survey response a case came from.
type Source struct {
	ResponseID string `json:"responseId"`
	SurveyID   string `json:"surveyId"`
	SourceID   string `json:"sourceId"`

	// Extra holds the members the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`
	kept  uint64
}

type sourceFields Source

// UnmarshalJSON decodes the typed fields and keeps everything else.
func (s *Source) UnmarshalJSON(data []byte) error {
	return decodeFlat(data, (*sourceFields)(s), &s.Extra, &s.kept)
}

func (s *Source) keep(data []byte) error {
	return keepInto[sourceFields](data, &s.Extra, &s.kept, nil)
}

// MarshalJSON writes the source back with every member it was read with.
func (s Source) MarshalJSON() ([]byte, error) { return s.appendJSON(nil) }

func (s *Source) appendJSON(b []byte) ([]byte, error) {
	o := jsonx.NewObject[sourceFields](b, s.kept)
	o.String(0, s.ResponseID)
	o.String(1, s.SurveyID)
	o.String(2, s.SourceID)
	return o.End(s.Extra)
}

// Role is a case role defined for a hub's Action Management program.
type Role struct {
	ID          int64           `json:"id"`
	Name        string          `json:"name"`
	LastUpdated string          `json:"lastUpdated,omitempty"` // as sent: "2021-06-04 13:51:04.967-00:00"
	Links       json.RawMessage `json:"links,omitempty"`
}

// EndUser is a user of a hub's End User List.
type EndUser struct {
	ID        int64           `json:"id"`
	FirstName string          `json:"firstName,omitempty"`
	LastName  string          `json:"lastName,omitempty"`
	UserName  string          `json:"userName,omitempty"`
	Email     string          `json:"email,omitempty"`
	Language  int             `json:"language,omitempty"`
	IsActive  bool            `json:"isActive"`
	Comment   string          `json:"comment,omitempty"`
	Links     json.RawMessage `json:"links,omitempty"`
}

// EndUserQuery selects and pages end users.
type EndUserQuery struct {
	IsActive *bool  `json:"isActive,omitempty"`
	SortBy   string `json:"sortBy,omitempty"`
	Top      int    `json:"top,omitempty"` // page size; 0 means a sensible default
	Skip     int    `json:"skip,omitempty"`
}

// DefaultPageSize is the Top an EndUserQuery gets when it sets none.
const DefaultPageSize = 100

// EndUserPage is one page of end users.
type EndUserPage struct {
	ItemType   string          `json:"itemType"`
	ItemCount  int             `json:"itemCount"`
	TotalCount int             `json:"totalCount"`
	Items      []EndUser       `json:"items"`
	Links      json.RawMessage `json:"links,omitempty"` // kept verbatim: keys repeat ("item")
}

type roleList struct {
	ItemType   string `json:"itemType"`
	ItemCount  int    `json:"itemCount"`
	TotalCount int    `json:"totalCount"`
	Items      []Role `json:"items"`
}

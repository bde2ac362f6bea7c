package coralogix

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"time"

	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/internal/jsonx"
)

// CaseEvent is one entry of a case's Activity timeline, as the Case Events
// service lists it: who did what (EventData) and when.
//
// Members the SDK does not model are kept in Extra at the top level and,
// below it, in the event as the server sent it: json.Marshal of a decoded
// event gives back every member, one-of variants the SDK does not know
// included.
type CaseEvent struct {
	EventID    string      `json:"eventId,omitzero"`
	Actor      *EventActor `json:"actor,omitzero"`     // who caused the event
	EventData  *EventData  `json:"eventData,omitzero"` // what happened
	EventTime  time.Time   `json:"eventTime,omitzero"` // when it happened
	CreateTime time.Time   `json:"createTime,omitzero"`
	UpdateTime time.Time   `json:"updateTime,omitzero"`

	// Extra holds the members of the event object the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`

	raw []byte // the event object as sent; see MarshalJSON
}

// EventActor is the one-of "who": the SDK types the API-key actor the
// documentation shows; every other kind (a user, the system, ...) is named
// by Kind and kept verbatim in Variant. An actor object that holds more
// than one variant (the spec allows one) types none of them: Kind is
// empty and Variant holds the whole object as sent.
type EventActor struct {
	APIKey *APIKeyActor `json:"apiKey,omitzero"`

	// Kind is the name of the member the server set ("apiKey", ...).
	Kind string `json:"-"`
	// Variant is that member's value as sent.
	Variant json.RawMessage `json:"-"`

	whole bool // Variant is the whole object: it held several variants
}

// APIKeyActor is an API key that acted on a case.
type APIKeyActor struct {
	ID   string `json:"id,omitzero"`
	Name string `json:"name,omitzero"`
}

// EventData is the one-of "what" of an event. The SDK types the assignment
// and the unassignment of the spec; every other kind (a failed assignment,
// a comment, a state change, ...) is named by Kind and kept verbatim in
// Variant, so a timeline reader sees every event. An object that holds
// more than one variant (the spec allows one) types none of them: Kind is
// empty and Variant holds the whole object as sent.
type EventData struct {
	Assigned   *AssignedEvent   `json:"assigned,omitzero"`
	Unassigned *UnassignedEvent `json:"unassigned,omitzero"`

	// Kind is the name of the member the server set ("assigned", ...).
	Kind string `json:"-"`
	// Variant is that member's value as sent.
	Variant json.RawMessage `json:"-"`

	whole bool // Variant is the whole object: it held several variants
}

// The event kinds the SDK names. Compare EventData.Kind with them.
const (
	EventAssigned   = "assigned"
	EventUnassigned = "unassigned"
)

// UnassignedEvent records an unassignment (spec member
// eventData.unassigned): the assignee the case had until then.
type UnassignedEvent struct {
	PreviousAssigneeUserID string `json:"previousAssigneeUserId,omitzero"`
}

// AssignedEvent records an assignment: the new assignee and the one before
// it (empty when the case was unassigned).
type AssignedEvent struct {
	AssigneeUserID         string `json:"assigneeUserId,omitzero"`
	PreviousAssigneeUserID string `json:"previousAssigneeUserId,omitzero"`
}

type eventFields CaseEvent

var eventType = reflect.TypeFor[eventFields]()

// UnmarshalJSON decodes an event and keeps what the SDK does not model. A
// known member whose value does not fit its field (a timestamp that does
// not parse) leaves that field empty and is kept verbatim in Extra: one
// odd event never fails the timeline.
func (e *CaseEvent) UnmarshalJSON(data []byte) (err error) {
	e.Extra, e.raw, err = decodeKeeping(data, (*eventFields)(e))
	return err
}

// MarshalJSON encodes the event with Extra and, below the top level, the
// members the server sent that the SDK does not model.
func (e CaseEvent) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(eventFields(e))
	if err != nil {
		return nil, err
	}
	if b, err = jsonx.Merge(b, e.Extra); err != nil {
		return nil, err
	}
	return jsonx.Overlay(b, e.raw, eventType), nil
}

type actorFields EventActor

// UnmarshalJSON decodes the actor and names the variant the server set.
func (a *EventActor) UnmarshalJSON(data []byte) error {
	*a = EventActor{}
	kind, value, whole, err := oneOf(data)
	if err != nil {
		return err
	}
	a.Kind, a.Variant, a.whole = kind, value, whole
	if kind == "apiKey" {
		return json.Unmarshal(value, &a.APIKey)
	}
	return nil
}

// MarshalJSON encodes the typed variant or, for another kind, Variant
// under Kind (or, for an object read with several variants, as read).
func (a EventActor) MarshalJSON() ([]byte, error) {
	return encodeVariant(a.APIKey != nil, a.whole, "apiKey", a.Kind, a.Variant, actorFields(a))
}

type dataFields EventData

// UnmarshalJSON decodes the event data and names the variant the server set.
func (d *EventData) UnmarshalJSON(data []byte) error {
	*d = EventData{}
	kind, value, whole, err := oneOf(data)
	if err != nil {
		return err
	}
	d.Kind, d.Variant, d.whole = kind, value, whole
	switch kind {
	case EventAssigned:
		return json.Unmarshal(value, &d.Assigned)
	case EventUnassigned:
		return json.Unmarshal(value, &d.Unassigned)
	}
	return nil
}

// MarshalJSON encodes the typed variant or, for another kind, Variant
// under Kind (or, for an object read with several variants, as read).
func (d EventData) MarshalJSON() ([]byte, error) {
	return encodeVariant(d.Assigned != nil || d.Unassigned != nil, d.whole, d.typedKind(), d.Kind, d.Variant, dataFields(d))
}

func (d EventData) typedKind() string {
	if d.Unassigned != nil && d.Assigned == nil {
		return EventUnassigned
	}
	return EventAssigned
}

// encodeVariant writes a one-of: its typed fields; or, when no typed
// variant is set and another kind was read, that kind's value verbatim;
// or, for an object read with several variants (Kind empty), the object as
// read.
func encodeVariant(isTyped, whole bool, typed, kind string, value json.RawMessage, fields any) ([]byte, error) {
	switch {
	case isTyped:
	case whole && len(value) > 0:
		return value, nil
	case kind != typed && len(value) > 0:
		return json.Marshal(map[string]json.RawMessage{kind: value})
	}
	return json.Marshal(fields)
}

// oneOf returns the name and value of the member of the one-of object data
// that is not null: the variant it carries. An object with several such
// members names no kind and gives the whole object as its value (whole),
// so no variant is typed with another's value; one with none gives no
// value.
func oneOf(data []byte) (kind string, value json.RawMessage, whole bool, err error) {
	n := 0
	err = jsonx.Members(data, func(key, raw []byte) {
		if string(raw) == "null" {
			return
		}
		if k, ok := jsonx.String(key); ok {
			n++
			kind, value = k, raw
		}
	})
	switch {
	case err != nil:
		return "", nil, false, err
	case n > 1:
		return "", append(json.RawMessage(nil), data...), true, nil
	case n == 0:
		return "", nil, false, nil
	}
	return kind, append(json.RawMessage(nil), value...), false, nil
}

// ListCaseEvents returns the Activity timeline of a case, assignments
// included: GET /mgmt/openapi/5/cases/cases/v1/{case_id}/events. caseID is
// the case's UUID or readable id (CASE-123). The documented answer holds
// every event of the case in one {"events": [...]} object, with no paging.
func (c *Client) ListCaseEvents(ctx context.Context, caseID string) ([]CaseEvent, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	caseID = core.LowerUUID(caseID)
	if err := validateCaseID("caseID", caseID); err != nil {
		return nil, err
	}
	p, err := core.Path(pathList, caseID)
	if err != nil {
		return nil, invalid("caseID", err.Error())
	}
	return core.Call(ctx, c.core, &core.Request{Method: http.MethodGet, Path: p + "/events"}, decodeEvents)
}

// decodeEvents decodes a {"events": [...]} answer; events is required.
func decodeEvents(body []byte) ([]CaseEvent, error) {
	var out struct {
		Events *[]CaseEvent `json:"events"`
	}
	if err := jsonx.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	if out.Events == nil {
		return nil, errors.New(`no "events" in the answer`)
	}
	if *out.Events == nil {
		return []CaseEvent{}, nil
	}
	return *out.Events, nil
}

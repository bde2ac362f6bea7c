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
// by Kind and kept verbatim in Variant.
type EventActor struct {
	APIKey *APIKeyActor `json:"apiKey,omitzero"`

	// Kind is the name of the member the server set ("apiKey", ...).
	Kind string `json:"-"`
	// Variant is that member's value as sent.
	Variant json.RawMessage `json:"-"`
}

// APIKeyActor is an API key that acted on a case.
type APIKeyActor struct {
	ID   string `json:"id,omitzero"`
	Name string `json:"name,omitzero"`
}

// EventData is the one-of "what" of an event. The SDK types the assignment
// the documentation shows; every other kind (an unassignment, a failed
// assignment, a comment, a state change, ...) is named by Kind and kept
// verbatim in Variant, so a timeline reader sees every event.
type EventData struct {
	Assigned *AssignedEvent `json:"assigned,omitzero"`

	// Kind is the name of the member the server set ("assigned", ...).
	Kind string `json:"-"`
	// Variant is that member's value as sent.
	Variant json.RawMessage `json:"-"`
}

// The event kinds the SDK names. Compare EventData.Kind with them.
const (
	EventAssigned = "assigned"
	// EventUnassigned is the kind the API notes give for an unassignment;
	// its members are not documented, so it is not typed: read Variant.
	EventUnassigned = "unassigned"
)

// AssignedEvent records an assignment: the new assignee and the one before
// it (empty when the case was unassigned).
type AssignedEvent struct {
	AssigneeUserID         string `json:"assigneeUserId,omitzero"`
	PreviousAssigneeUserID string `json:"previousAssigneeUserId,omitzero"`
}

type eventFields CaseEvent

var eventType = reflect.TypeFor[eventFields]()

// UnmarshalJSON decodes an event and keeps what the SDK does not model.
func (e *CaseEvent) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*eventFields)(e)); err != nil {
		return err
	}
	extra, err := jsonx.Unknown(data, jsonx.Known[eventFields]())
	e.Extra = extra
	e.raw = append([]byte(nil), data...)
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
	if err := json.Unmarshal(data, (*actorFields)(a)); err != nil {
		return err
	}
	var err error
	a.Kind, a.Variant, err = variant(data, "apiKey", a.APIKey != nil)
	return err
}

// MarshalJSON encodes the typed variant or, for another kind, Variant
// under Kind.
func (a EventActor) MarshalJSON() ([]byte, error) {
	return encodeVariant(a.APIKey != nil, "apiKey", a.Kind, a.Variant, actorFields(a))
}

type dataFields EventData

// UnmarshalJSON decodes the event data and names the variant the server set.
func (d *EventData) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*dataFields)(d)); err != nil {
		return err
	}
	var err error
	d.Kind, d.Variant, err = variant(data, EventAssigned, d.Assigned != nil)
	return err
}

// MarshalJSON encodes the typed variant or, for another kind, Variant
// under Kind.
func (d EventData) MarshalJSON() ([]byte, error) {
	return encodeVariant(d.Assigned != nil, EventAssigned, d.Kind, d.Variant, dataFields(d))
}

// variant names the variant a one-of object data carries, and returns its
// value as sent. When the typed variant (member typed) was decoded, its
// canonical name wins: encoding/json matches member names
// case-insensitively.
func variant(data []byte, typed string, isTyped bool) (string, json.RawMessage, error) {
	kind, value, err := oneOf(data)
	if isTyped {
		kind = typed
	}
	return kind, value, err
}

// encodeVariant writes a one-of: its typed fields or, when the typed
// variant is unset and another kind was read, that kind's value verbatim.
func encodeVariant(isTyped bool, typed, kind string, value json.RawMessage, fields any) ([]byte, error) {
	if !isTyped && kind != "" && kind != typed && len(value) > 0 {
		return json.Marshal(map[string]json.RawMessage{kind: value})
	}
	return json.Marshal(fields)
}

// oneOf returns the name and value of the first member of the object data
// that is not null: the variant a one-of object carries.
func oneOf(data []byte) (string, json.RawMessage, error) {
	var kind string
	var value json.RawMessage
	err := jsonx.Members(data, func(key, raw []byte) {
		if kind == "" && string(raw) != "null" {
			if k, ok := jsonx.String(key); ok {
				kind, value = k, append(json.RawMessage(nil), raw...)
			}
		}
	})
	return kind, value, err
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
	if err := json.Unmarshal(body, &out); err != nil {
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

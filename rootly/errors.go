package rootly

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/caseassign/caseassign/internal/core"
	"github.com/caseassign/caseassign/internal/jsonx"
)

// The shared sentinels; errors.Is matches an *APIError onto them by status.
var (
	ErrInvalidInput       = core.ErrInvalidInput       // rejected before sending: nothing went on the wire
	ErrUnauthorized       = core.ErrUnauthorized       // 401: "Invalid token"
	ErrForbidden          = core.ErrForbidden          // 403
	ErrNotFound           = core.ErrNotFound           // 404: "Not found or unauthorized"; also an unknown e-mail or slug
	ErrConflict           = core.ErrConflict           // 409 / 412
	ErrRejected           = core.ErrRejected           // 400 / 422: the server refused the request's content
	ErrRateLimited        = core.ErrRateLimited        // 429 after the retries, or Retry-After beyond the max wait
	ErrServer             = core.ErrServer             // 5xx after the retries
	ErrResponseTooLarge   = core.ErrResponseTooLarge   // body over the WithMaxResponseBytes cap
	ErrUnexpectedResponse = core.ErrUnexpectedResponse // 2xx whose document could not be read (including a type mismatch)
)

// ErrRoleDisabled matches the error of AssignRoleByEmail when the incident
// role with the slug is disabled in the account ("enabled": false): the
// assignment is not sent. AssignRoleToUser, which names the role by id,
// does not look the role up, so there a disabled role is whatever the
// server answers (Rootly's answer to it is not documented).
var ErrRoleDisabled = errors.New("rootly: the incident role is disabled")

// ErrorObject is one error of a JSON:API errors document, or one message of
// a Rails-style {"field": ["message"]} body (with Field set).
type ErrorObject struct {
	Title  string `json:"title"`
	Status string `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Field  string `json:"-"`
}

// ErrorObjects is every error of an error answer, in order.
type ErrorObjects []ErrorObject

// Error joins the titles (and details).
func (e ErrorObjects) Error() string {
	parts := make([]string, len(e))
	for i, o := range e {
		s := o.Title
		if o.Field != "" {
			s = o.Field + " " + s
		}
		if o.Detail != "" && o.Detail != o.Title {
			s += ": " + o.Detail
		}
		parts[i] = s
	}
	return strings.Join(parts, "; ")
}

// decodeError reads the JSON:API errors document, or the Rails-style body
// some endpoints send instead.
func decodeError(e *core.APIError, body []byte) {
	var doc struct {
		Errors []struct {
			Title  string          `json:"title"`
			Status json.RawMessage `json:"status"`
			Code   string          `json:"code"`
			Detail string          `json:"detail"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &doc) == nil && len(doc.Errors) > 0 {
		objs := make(ErrorObjects, len(doc.Errors))
		for i, d := range doc.Errors {
			objs[i] = ErrorObject{Title: d.Title, Status: strings.Trim(string(d.Status), `"`), Code: d.Code, Detail: d.Detail}
		}
		e.Message, e.Code = objs[0].Title, objs[0].Code
		switch d := objs[0].Detail; {
		case e.Message == "":
			e.Message = d
		case d != "" && d != e.Message:
			e.Message += ": " + d // the vendor's detail says which field or value
		}
		if len(objs) > 1 {
			e.SetHint(strconv.Itoa(len(objs)-1) + " more error objects: errors.As(err, &rootly.ErrorObjects{}) reaches them all")
		}
		e.SetDetails(objs)
		return
	}
	var objs ErrorObjects
	_ = jsonx.Members(bytes.TrimSpace(body), func(key, raw []byte) {
		field, _ := jsonx.String(key)
		var msgs []string
		if json.Unmarshal(raw, &msgs) != nil {
			var one string
			if json.Unmarshal(raw, &one) != nil {
				return
			}
			msgs = []string{one}
		}
		for _, m := range msgs {
			objs = append(objs, ErrorObject{Title: m, Field: field})
		}
	})
	if len(objs) > 0 {
		e.Message = objs.Error()
		e.SetDetails(objs)
	}
}

func isSpaceOrControl(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

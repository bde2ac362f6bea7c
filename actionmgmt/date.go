package actionmgmt

import (
	"bytes"
	"strconv"
	"time"

	"github.com/caseassign/caseassign/internal/jsonx"
)

// Date is a date as Forsta sends it. Forsta uses more than one format
// (case dates in RFC 3339, "2021-10-01T00:00:00-07:00"; role and user
// dates as "2021-06-04 13:51:04.967-00:00"), and a date may be empty ("")
// or null (no due date). Decoding a Date never fails, and encoding it
// writes back exactly the text it was read from, so a GET then PUT leaves
// every date as it was. Time gives the instant where the text parses.
//
// The zero Date is an absent date; DateOf makes one from a time.Time (sent
// in RFC 3339).
type Date struct {
	raw []byte // the JSON text read (or made by DateOf), nil for the zero Date
	t   time.Time
	ok  bool
}

// dateLayouts are the formats Time understands, tried in order.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// DateOf returns the date of t, written in RFC 3339.
func DateOf(t time.Time) Date {
	return Date{raw: strconv.AppendQuote(nil, t.Format(time.RFC3339Nano)), t: t, ok: true}
}

// Time returns the instant, and false when the date is absent, null,
// empty or in a format that does not parse.
func (d Date) Time() (time.Time, bool) { return d.t, d.ok }

// IsZero reports whether the date is absent, null or empty.
func (d Date) IsZero() bool {
	return len(d.raw) == 0 || string(d.raw) == "null" || string(d.raw) == `""`
}

// String returns the date's text as sent, without quotes ("" for none).
func (d Date) String() string {
	s, _ := jsonx.String(d.raw)
	return s
}

// UnmarshalJSON keeps the text and parses what it can; it never fails on
// a string or null, and keeps any other JSON value as it is too.
func (d *Date) UnmarshalJSON(b []byte) error {
	*d = Date{raw: bytes.Clone(b)}
	s, ok := jsonx.String(b)
	if !ok || s == "" {
		return nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			d.t, d.ok = t, true
			return nil
		}
	}
	return nil
}

// MarshalJSON writes the text the date was read from (null for the zero
// Date).
func (d Date) MarshalJSON() ([]byte, error) { return d.json(), nil }

func (d Date) json() []byte {
	if len(d.raw) == 0 {
		return []byte("null")
	}
	return d.raw
}

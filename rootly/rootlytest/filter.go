package rootlytest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Incident describes an incident to add with AddIncidentWith: the
// attributes the list filters read. Names of services, teams,
// environments, types and functionalities become their resources (a slug
// from the name, an id from the slug).
type Incident struct {
	ID, Title                                                     string
	Status                                                        string            // default "started"
	Kind                                                          string            // default "normal"
	Private                                                       bool              //
	Severity                                                      string            // a severity slug ("sev1"); empty: none
	Labels                                                        map[string]string // filter[labels] matches "key:value"
	Services, Teams, Environments, Types, Functionalities, Causes []string
	// The timestamps; CreatedAt defaults to the server's fixed stamp, the
	// others are null when zero.
	CreatedAt, StartedAt, DetectedAt, AcknowledgedAt, MitigatedAt, ResolvedAt, ClosedAt, InTriageAt time.Time
}

// AddIncidentWith adds an incident with the attributes in inc (or resets
// the incident with that id), with no role assignments. Every list
// filter of GET /v1/incidents reads them.
func (s *Server) AddIncidentWith(inc Incident) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seq := len(s.incidents) + 1
	if old := s.incidents[inc.ID]; old != nil {
		seq = old.seq
	}
	when := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	created := inc.CreatedAt
	if created.IsZero() {
		created, _ = time.Parse(time.RFC3339, stamp)
	}
	started := inc.StartedAt
	if started.IsZero() {
		started = created
	}
	labels := map[string]any{}
	for k, v := range inc.Labels {
		labels[k] = v
	}
	var severity any
	if inc.Severity != "" {
		severity = map[string]any{"data": map[string]any{"id": idOf("severity", inc.Severity), "type": "severities", "attributes": map[string]any{
			"name": inc.Severity, "slug": inc.Severity, "description": nil, "severity": "high", "color": "#E5484D", "position": 1,
			"created_at": stamp, "updated_at": stamp,
		}}}
	}
	attrs, _ := json.Marshal(map[string]any{
		"sequential_id": seq, "title": inc.Title, "slug": fmt.Sprintf("%d-%s", seq, slugOf(inc.Title)),
		"kind": orDefault(inc.Kind, "normal"), "private": inc.Private, "status": orDefault(inc.Status, "started"), "source": "api",
		"summary": nil, "labels": labels, "severity": severity, "user": map[string]any{"data": userResource(s.user(Creator))},
		"services": named("services", inc.Services), "groups": named("groups", inc.Teams), "environments": named("environments", inc.Environments),
		"incident_types": named("incident_types", inc.Types), "functionalities": named("functionalities", inc.Functionalities),
		"causes":     named("causes", inc.Causes),
		"created_at": when(created), "started_at": when(started), "detected_at": when(inc.DetectedAt), "acknowledged_at": when(inc.AcknowledgedAt),
		"mitigated_at": when(inc.MitigatedAt), "resolved_at": when(inc.ResolvedAt), "closed_at": when(inc.ClosedAt),
		"in_triage_at": when(inc.InTriageAt), "updated_at": when(created),
	})
	s.incidents[inc.ID] = &incident{id: inc.ID, attrs: attrs, seq: seq}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func slugOf(name string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), " ", "-"))
}

// idOf is the stable id of a named resource of a kind.
func idOf(kind, name string) string {
	h := uint32(2166136261)
	for _, c := range []byte(kind + "/" + slugOf(name)) {
		h = (h ^ uint32(c)) * 16777619
	}
	return fmt.Sprintf("5e000000-0000-4000-8000-%012x", h)
}

// named is the {"data": resource} list of an incident attribute.
func named(typ string, names []string) []any {
	out := make([]any, 0, len(names))
	for _, n := range names {
		out = append(out, map[string]any{"data": map[string]any{"id": idOf(typ, n), "type": typ, "attributes": map[string]any{
			"name": n, "slug": slugOf(n), "created_at": stamp, "updated_at": stamp,
		}}})
	}
	return out
}

// incidentView is what the filters read of an incident's attributes.
type incidentView struct {
	Title        string          `json:"title"`
	Summary      *string         `json:"summary"`
	Status       string          `json:"status"`
	Kind         string          `json:"kind"`
	Private      bool            `json:"private"`
	Sequence     int             `json:"sequential_id"`
	Labels       json.RawMessage `json:"labels"`
	ZendeskID    *string         `json:"zendesk_ticket_id"`
	SlackChannel *string         `json:"slack_channel_id"`
	User         *struct {
		Data *struct {
			ID string `json:"id"`
		} `json:"data"`
	} `json:"user"`
	Severity *struct {
		Data *struct {
			ID         string `json:"id"`
			Attributes struct {
				Slug string `json:"slug"`
			} `json:"attributes"`
		} `json:"data"`
	} `json:"severity"`
	Services        []namedView `json:"services"`
	Groups          []namedView `json:"groups"`
	Environments    []namedView `json:"environments"`
	Types           []namedView `json:"incident_types"`
	Functionalities []namedView `json:"functionalities"`
	Causes          []namedView `json:"causes"`
	Times           map[string]json.RawMessage
}

type namedView struct {
	Data *struct {
		ID         string `json:"id"`
		Attributes struct {
			Name string `json:"name"`
			Slug string `json:"slug"`
		} `json:"attributes"`
	} `json:"data"`
}

func (v namedView) parts() (id, name, slug string) {
	if v.Data == nil {
		return "", "", ""
	}
	return v.Data.ID, v.Data.Attributes.Name, v.Data.Attributes.Slug
}

// values lists an incident's values for a filter name, and whether the
// name is one the filters know.
func (v *incidentView) values(name string) ([]string, bool) {
	pick := func(items []namedView, part int) []string {
		var out []string
		for _, it := range items {
			id, n, slug := it.parts()
			out = append(out, []string{id, n, slug}[part])
		}
		return out
	}
	str := func(p *string) []string {
		if p == nil {
			return nil
		}
		return []string{*p}
	}
	switch name {
	case "kind":
		return []string{v.Kind}, true
	case "status":
		return []string{v.Status}, true
	case "private":
		return []string{strconv.FormatBool(v.Private)}, true
	case "user_id":
		if v.User != nil && v.User.Data != nil {
			return []string{v.User.Data.ID}, true
		}
		return nil, true
	case "severity", "severity_id":
		if v.Severity == nil || v.Severity.Data == nil {
			return nil, true
		}
		if name == "severity" {
			return []string{v.Severity.Data.Attributes.Slug}, true
		}
		return []string{v.Severity.Data.ID}, true
	case "labels":
		var m map[string]any
		_ = json.Unmarshal(v.Labels, &m)
		var out []string
		for k, val := range m {
			out = append(out, k+":"+fmt.Sprint(val))
		}
		return out, true
	case "sequential_id":
		return []string{strconv.Itoa(v.Sequence)}, true
	case "zendesk_ticket_id":
		return str(v.ZendeskID), true
	case "slack_channel_id":
		return str(v.SlackChannel), true
	case "custom_field_selected_option_ids":
		return nil, true // the server keeps no custom fields
	}
	for _, g := range []struct {
		plural, ids, names string
		items              []namedView
	}{
		{"services", "service_ids", "service_names", v.Services},
		{"teams", "team_ids", "team_names", v.Groups},
		{"environments", "environment_ids", "", v.Environments},
		{"types", "type_ids", "", v.Types},
		{"functionalities", "functionality_ids", "functionality_names", v.Functionalities},
		{"causes", "cause_ids", "", v.Causes},
	} {
		switch name {
		case g.plural:
			return pick(g.items, 2), true
		case g.ids:
			return pick(g.items, 0), true
		case g.names:
			if g.names != "" {
				return pick(g.items, 1), true
			}
		}
	}
	if name == "cause" {
		return pick(v.Causes, 2), true
	}
	return nil, false
}

// timeFilters are the incident time windows the list filters know.
var timeFilters = []string{"created_at", "updated_at", "started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at", "closed_at", "in_triage_at"}

// filterError is a query the server refuses (400).
type filterError struct{ msg string }

func (e *filterError) Error() string { return e.msg }

// matchFilters applies every filter[...] parameter of q to one item:
// values gives the item's values for a filter name (false: not a filter of
// this list), times its timestamps, search its searchable text. A filter
// the list does not have is an error, as is a malformed time.
func matchFilters(q url.Values, values func(name string) ([]string, bool), times func(name string) (time.Time, bool, bool), search string) (bool, error) {
	for key, vs := range q {
		name, op, ok := parseFilter(key)
		if !ok {
			continue
		}
		want := vs[0]
		if name == "search" && op == "" {
			if want != "" && !strings.Contains(strings.ToLower(search), strings.ToLower(want)) {
				return false, nil
			}
			continue
		}
		if at, has, known := times(name); known {
			if op == "" {
				return false, &filterError{"filter[" + name + "] takes an operator: [gt], [gte], [lt] or [lte]"}
			}
			bound, err := time.Parse(time.RFC3339Nano, want)
			if err != nil {
				return false, &filterError{key + ": not a time"}
			}
			if !has {
				return false, nil
			}
			c := at.Compare(bound)
			if !(op == "gt" && c > 0 || op == "gte" && c >= 0 || op == "lt" && c < 0 || op == "lte" && c <= 0) {
				return false, nil
			}
			continue
		}
		have, known := values(name)
		if !known {
			return false, &filterError{key + " is not a filter of this list"}
		}
		list := strings.Split(want, ",")
		any := func(set []string) bool {
			for _, h := range have {
				if slices.Contains(set, h) {
					return true
				}
			}
			return false
		}
		var keep bool
		switch op {
		case "", "in":
			keep = any(list)
		case "eq":
			keep = any([]string{want})
		case "not_eq":
			keep = !any([]string{want})
		case "not_in":
			keep = !any(list)
		default:
			return false, &filterError{key + ": unknown operator"}
		}
		if !keep {
			return false, nil
		}
	}
	return true, nil
}

// parseFilter splits "filter[name]" or "filter[name][op]".
func parseFilter(key string) (name, op string, ok bool) {
	rest, ok := strings.CutPrefix(key, "filter[")
	if !ok {
		return "", "", false
	}
	name, rest, ok = strings.Cut(rest, "]")
	if !ok {
		return "", "", false
	}
	if rest == "" {
		return name, "", true
	}
	op, ok = strings.CutPrefix(rest, "[")
	if !ok || !strings.HasSuffix(op, "]") {
		return "", "", false
	}
	return name, strings.TrimSuffix(op, "]"), true
}

// timeOf reads a timestamp attribute: its time, whether it is set, and
// whether name is a time filter at all.
func timeOf(attrs map[string]json.RawMessage, name string, known []string) (time.Time, bool, bool) {
	if !slices.Contains(known, name) {
		return time.Time{}, false, false
	}
	var s *string
	if json.Unmarshal(attrs[name], &s) != nil || s == nil {
		return time.Time{}, false, true
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	return t, err == nil, true
}

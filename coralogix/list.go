package coralogix

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/caseassign/caseassign/internal/core"
)

// ListCasesRequest selects, orders and pages cases. The zero value lists
// every case, newest first, in the server's default page size.
type ListCasesRequest struct {
	Filters    *CaseFilters       `json:"filters,omitzero"`
	OrderBy    *CaseOrderBy       `json:"orderBy,omitzero"`
	Pagination *PaginationRequest `json:"pagination,omitzero"`
}

// PaginationRequest pages a listing: PageSize 1..1000, the PageToken of the
// previous answer, or Skip (0..1,000,000) items.
type PaginationRequest struct {
	PageSize  int64  `json:"pageSize,omitzero"`  // cases per page, 1..1000; 0: the server's default
	PageToken string `json:"pageToken,omitzero"` // the previous page's NextPageToken; empty for the first
	Skip      int64  `json:"skip,omitzero"`      // cases to skip from the start of the page
}

// CaseOrderBy sorts by one field.
type CaseOrderBy struct {
	Field     CaseOrderByField     `json:"field,omitzero"`
	Direction CaseOrderByDirection `json:"direction,omitzero"`
}

// CaseOrderByField is a field cases can be sorted by.
type CaseOrderByField string

// The sort fields of the spec.
const (
	OrderByPriority  CaseOrderByField = "CASE_ORDER_BY_FIELD_PRIORITY"
	OrderByStatus    CaseOrderByField = "CASE_ORDER_BY_FIELD_STATUS"
	OrderByUpdatedAt CaseOrderByField = "CASE_ORDER_BY_FIELD_UPDATED_AT"
	OrderByCategory  CaseOrderByField = "CASE_ORDER_BY_FIELD_CATEGORY"
	OrderByDuration  CaseOrderByField = "CASE_ORDER_BY_FIELD_DURATION"
	OrderByCreatedAt CaseOrderByField = "CASE_ORDER_BY_FIELD_CREATED_AT"
)

// CaseOrderByDirection is a sort direction.
type CaseOrderByDirection string

// The sort directions of the spec.
const (
	Ascending  CaseOrderByDirection = "CASE_ORDER_BY_DIRECTION_ASCENDING"
	Descending CaseOrderByDirection = "CASE_ORDER_BY_DIRECTION_DESCENDING"
)

// CaseFilters narrows a listing; every list holds at most 1000 entries.
type CaseFilters struct {
	Statuses             []CaseStatus           `json:"statuses,omitzero"`
	Priorities           []CasePriority         `json:"priorities,omitzero"`
	Categories           []CaseCategory         `json:"categories,omitzero"`
	Assignees            []AssigneeOption       `json:"assignees,omitzero"`
	TextSearch           string                 `json:"textSearch,omitzero"`
	Labels               []FilterGroup          `json:"labels,omitzero"`
	Groupings            []FilterGroup          `json:"groupings,omitzero"`
	DateRange            *DateRangeFilter       `json:"dateRange,omitzero"`
	ImpactedEntities     []ImpactedEntityFilter `json:"impactedEntities,omitzero"`
	Breached             []KPIFilter            `json:"breached,omitzero"`
	CaseLabelsFilter     *CaseLabelsFilter      `json:"caseLabelsFilter,omitzero"`
	AlertFilters         *AlertFilters          `json:"alertFilters,omitzero"`
	ConnectorTypeFilters []ConnectorTypeFilter  `json:"connectorTypeFilters,omitzero"`
	IndicatorTypes       []IndicatorType        `json:"indicatorTypes,omitzero"`
}

// AssigneeOption selects cases of one assignee (a user id) or unassigned ones.
type AssigneeOption struct {
	Assignee   string  `json:"assignee,omitzero"`
	Unassigned *Marker `json:"unassigned,omitzero"`
}

// Unassigned selects the cases that have no assignee.
func Unassigned() AssigneeOption { return AssigneeOption{Unassigned: &Marker{}} }

// FilterGroup matches a key against any of its values.
type FilterGroup struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// DateRangeFilter selects cases active (or created) between From and To.
type DateRangeFilter struct {
	From time.Time     `json:"from"`
	To   time.Time     `json:"to"`
	Mode DateRangeMode `json:"mode,omitzero"`
}

// DateRangeMode says how a date range applies.
type DateRangeMode string

// The date range modes of the spec.
const (
	DateRangeActiveWindow DateRangeMode = "DATE_RANGE_MODE_ACTIVE_WINDOW"
	DateRangeCreatedAt    DateRangeMode = "DATE_RANGE_MODE_CREATED_AT"
)

// ImpactedEntityFilter selects cases impacting an APM service or database by name.
type ImpactedEntityFilter struct {
	APMService  *NameFilter `json:"apmService,omitzero"`
	APMDatabase *NameFilter `json:"apmDatabase,omitzero"`
}

// NameFilter matches a name, case-insensitively.
type NameFilter struct {
	Name string `json:"name"`
}

// KPIFilter selects cases by KPI breach.
type KPIFilter string

// The KPI filters of the spec.
const (
	KPIFilterTimeToAcknowledgeBreached KPIFilter = "KPI_FILTER_TIME_TO_ACKNOWLEDGE_BREACHED"
	KPIFilterTimeToResolveBreached     KPIFilter = "KPI_FILTER_TIME_TO_RESOLVE_BREACHED"
	KPIFilterTimeToUpdateBreached      KPIFilter = "KPI_FILTER_TIME_TO_UPDATE_BREACHED"
	KPIFilterNotBreached               KPIFilter = "KPI_FILTER_NOT_BREACHED"
)

// CaseLabelsFilter matches a case's flat key:value labels.
type CaseLabelsFilter struct {
	FlatLabels []KeyValue `json:"flatLabels,omitzero"`
}

// AlertFilters selects cases by alert ids (UUIDs) or alert versions.
type AlertFilters struct {
	AlertIDs      []string `json:"alertIds,omitzero"`
	AlertVersions []string `json:"alertVersions,omitzero"`
}

// ConnectorTypeFilter selects cases by connector type, or with no connector.
type ConnectorTypeFilter struct {
	ConnectorType ConnectorType `json:"connectorType,omitzero"`
	NoConnector   *Marker       `json:"noConnector,omitzero"`
}

// ConnectorType is a notification connector.
type ConnectorType string

// The connector types of the spec.
const (
	ConnectorSlack          ConnectorType = "CONNECTOR_TYPE_SLACK"
	ConnectorServiceNow     ConnectorType = "CONNECTOR_TYPE_SERVICE_NOW"
	ConnectorPagerDuty      ConnectorType = "CONNECTOR_TYPE_PAGER_DUTY"
	ConnectorEmail          ConnectorType = "CONNECTOR_TYPE_EMAIL"
	ConnectorGenericHTTPS   ConnectorType = "CONNECTOR_TYPE_GENERIC_HTTPS"
	ConnectorMicrosoftTeams ConnectorType = "CONNECTOR_TYPE_MICROSOFT_TEAMS"
)

// IndicatorType is a kind of indicator.
type IndicatorType string

// The indicator types of the spec.
const (
	IndicatorTypeAlert                  IndicatorType = "INDICATOR_TYPE_ALERT"
	IndicatorTypePrometheusAlertmanager IndicatorType = "INDICATOR_TYPE_PROMETHEUS_ALERTMANAGER"
	IndicatorTypeErrorTracking          IndicatorType = "INDICATOR_TYPE_ERROR_TRACKING"
)

func (r *ListCasesRequest) validate() error {
	if p := r.Pagination; p != nil {
		if p.PageSize != 0 && (p.PageSize < 1 || p.PageSize > MaxIDs) {
			return invalid("pagination.pageSize", "must be between 1 and 1000")
		}
		if len(p.PageToken) > 4096 {
			return invalid("pagination.pageToken", "must be at most 4096 characters")
		}
		if p.Skip < 0 || p.Skip > 1_000_000 {
			return invalid("pagination.skip", "must be between 0 and 1000000")
		}
	}
	f := r.Filters
	if f == nil {
		return nil
	}
	for _, l := range []struct {
		name string
		n    int
	}{
		{"statuses", len(f.Statuses)}, {"priorities", len(f.Priorities)}, {"categories", len(f.Categories)},
		{"assignees", len(f.Assignees)}, {"labels", len(f.Labels)}, {"groupings", len(f.Groupings)},
		{"impactedEntities", len(f.ImpactedEntities)}, {"breached", len(f.Breached)},
		{"connectorTypeFilters", len(f.ConnectorTypeFilters)}, {"indicatorTypes", len(f.IndicatorTypes)},
	} {
		if l.n > MaxIDs {
			return invalid("filters."+l.name, "must hold at most 1000 entries")
		}
	}
	if len(f.TextSearch) > 4096 {
		return invalid("filters.textSearch", "must be at most 4096 characters")
	}
	for i, a := range f.Assignees {
		if (a.Assignee == "") == (a.Unassigned == nil) {
			return invalid("filters.assignees["+strconv.Itoa(i)+"]", "set exactly one of assignee and unassigned")
		}
		if len(a.Assignee) > 256 {
			return invalid("filters.assignees["+strconv.Itoa(i)+"].assignee", "must be at most 256 characters")
		}
	}
	for name, groups := range map[string][]FilterGroup{"labels": f.Labels, "groupings": f.Groupings} {
		for i, g := range groups {
			field := "filters." + name + "[" + strconv.Itoa(i) + "]"
			if g.Key == "" || len(g.Key) > 4096 {
				return invalid(field+".key", "must be 1 to 4096 characters")
			}
			if len(g.Values) > MaxIDs {
				return invalid(field+".values", "must hold at most 1000 entries")
			}
		}
	}
	if d := f.DateRange; d != nil {
		if d.From.IsZero() || d.To.IsZero() {
			return invalid("filters.dateRange", "from and to are both required")
		}
		if d.To.Before(d.From) {
			return invalid("filters.dateRange", "to is before from")
		}
	}
	for i, e := range f.ImpactedEntities {
		field := "filters.impactedEntities[" + strconv.Itoa(i) + "]"
		if (e.APMService == nil) == (e.APMDatabase == nil) {
			return invalid(field, "set exactly one of apmService and apmDatabase")
		}
		for _, n := range []*NameFilter{e.APMService, e.APMDatabase} {
			if n != nil && (n.Name == "" || len(n.Name) > 4096) {
				return invalid(field+".name", "must be 1 to 4096 characters")
			}
		}
	}
	if a := f.AlertFilters; a != nil {
		if len(a.AlertIDs) > MaxIDs || len(a.AlertVersions) > MaxIDs {
			return invalid("filters.alertFilters", "lists hold at most 1000 entries")
		}
		for i, id := range a.AlertIDs {
			if !isUUID(id) {
				return invalid("filters.alertFilters.alertIds["+strconv.Itoa(i)+"]", "must be a lower-case UUID")
			}
		}
		for i, v := range a.AlertVersions {
			if v == "" || len(v) > 64 {
				return invalid("filters.alertFilters.alertVersions["+strconv.Itoa(i)+"]", "must be 1 to 64 characters")
			}
		}
	}
	if c := f.CaseLabelsFilter; c != nil && len(c.FlatLabels) > MaxIDs {
		return invalid("filters.caseLabelsFilter.flatLabels", "must hold at most 1000 entries")
	}
	for i, c := range f.ConnectorTypeFilters {
		if c.ConnectorType != "" && c.NoConnector != nil {
			return invalid("filters.connectorTypeFilters["+strconv.Itoa(i)+"]", "set at most one of connectorType and noConnector")
		}
	}
	return nil
}

// ListCases returns one page of cases: POST /mgmt/openapi/5/cases/cases/v1.
// A 2xx answer without "cases" or "pagination" (both required by the
// spec) is an error matching ErrUnexpectedResponse.
func (c *Client) ListCases(ctx context.Context, opts *ListCasesRequest) (*ListCasesResponse, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	var req ListCasesRequest
	if opts != nil {
		req = *opts
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	r, err := c.core.JSONRequest(http.MethodPost, pathList, req)
	if err != nil {
		return nil, err
	}
	return core.Call(ctx, c.core, r, decodeList)
}

// decodeList decodes a page of cases.
func decodeList(body []byte) (*ListCasesResponse, error) {
	var fast listEnvelope[caseFields]
	var slow listEnvelope[Case]
	lenient, err := decodeEnvelope(body, &fast, &slow)
	if err != nil {
		return nil, err
	}
	cases := slow.Cases
	if lenient {
		fast.Pagination, fast.PBACTruncated = slow.Pagination, slow.PBACTruncated
	} else if cases, err = withExtra(body, "cases", fast.Cases); err != nil {
		return nil, err
	}
	// Both are required by the spec: without them the answer says nothing
	// about whether the list goes on.
	if cases == nil || fast.Pagination == nil {
		return nil, errors.New(`the answer lacks "cases" or "pagination"`)
	}
	return &ListCasesResponse{Cases: cases, Pagination: *fast.Pagination, PBACTruncated: fast.PBACTruncated}, nil
}

// AllCases iterates over every case of every page, following nextPageToken
// until a page announces none: a page with no case that still carries a
// token (the permissions hid its cases, PBACTruncated) does not end the
// list. It copies opts, so the caller's value is never changed, and stops
// requesting as soon as the loop stops. An error ends the iteration after
// being yielded once. A server that announces a page token it sent before,
// or more than MaxPages pages, ends the iteration with an error matching
// ErrUnexpectedResponse.
func (c *Client) AllCases(ctx context.Context, opts *ListCasesRequest) iter.Seq2[*Case, error] {
	return func(yield func(*Case, error) bool) {
		if err := c.ready(ctx); err != nil {
			yield(nil, err)
			return
		}
		var r ListCasesRequest
		if opts != nil {
			r = *opts
		}
		page := PaginationRequest{}
		if r.Pagination != nil {
			page = *r.Pagination
		}
		r.Pagination = &page
		guard := core.NewPager(pkg, MaxPages)
		_ = guard.Next(page.PageToken)
		for {
			resp, err := c.ListCases(ctx, &r)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range resp.Cases {
				if !yield(&resp.Cases[i], nil) {
					return
				}
			}
			// Only an empty token ends the list: a page may hold no
			// case and still announce the next one (cases the key may
			// not see are left out, pbacTruncated).
			next := resp.Pagination.NextPageToken
			if next == "" {
				return
			}
			if err := guard.Next(next); err != nil {
				yield(nil, err)
				return
			}
			page.PageToken = next
			page.Skip = 0
		}
	}
}

// MaxPages is the most pages an iterator reads before it stops with an error.
const MaxPages = core.MaxPages

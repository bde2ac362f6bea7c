package coralogix

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/caseassign/caseassign/internal/jsonx"
)

// UserDetails identifies a Coralogix user: UserID is a lower-case UUID.
type UserDetails struct {
	UserID string `json:"userId,omitzero"` // required in requests: validated before sending
}

// AssignCasesRequest assigns up to 1000 cases (by UUID or readable id such as
// "CASE-123") to one user.
type AssignCasesRequest struct {
	Assignee UserDetails `json:"assignee"`
	IDs      []string    `json:"ids"`
}

// CaseStatus is the lifecycle state of a case. A RESOLVED case can only go
// to CLOSED, and CLOSED is final. Values the SDK does not know decode as is.
type CaseStatus string

// The case statuses of the spec.
const (
	CaseStatusUnspecified       CaseStatus = "CASE_STATUS_UNSPECIFIED"
	CaseStatusPendingActivation CaseStatus = "CASE_STATUS_PENDING_ACTIVATION"
	CaseStatusActive            CaseStatus = "CASE_STATUS_ACTIVE"
	CaseStatusAcknowledged      CaseStatus = "CASE_STATUS_ACKNOWLEDGED"
	CaseStatusResolved          CaseStatus = "CASE_STATUS_RESOLVED"
	CaseStatusClosed            CaseStatus = "CASE_STATUS_CLOSED"
)

// CasePriority is a case's priority, P1 (highest) to P5.
type CasePriority string

// The case priorities of the spec.
const (
	CasePriorityUnspecified CasePriority = "CASE_PRIORITY_UNSPECIFIED"
	CasePriorityP1          CasePriority = "CASE_PRIORITY_P1"
	CasePriorityP2          CasePriority = "CASE_PRIORITY_P2"
	CasePriorityP3          CasePriority = "CASE_PRIORITY_P3"
	CasePriorityP4          CasePriority = "CASE_PRIORITY_P4"
	CasePriorityP5          CasePriority = "CASE_PRIORITY_P5"
)

// CaseCategory is a case's category.
type CaseCategory string

// The case categories of the spec.
const (
	CaseCategoryUnspecified  CaseCategory = "CASE_CATEGORY_UNSPECIFIED"
	CaseCategorySecurity     CaseCategory = "CASE_CATEGORY_SECURITY"
	CaseCategoryAvailability CaseCategory = "CASE_CATEGORY_AVAILABILITY"
)

// IndicatorPriority is the priority of an alert or generic indicator.
type IndicatorPriority string

// The indicator priorities of the spec.
const (
	IndicatorPriorityUnspecified IndicatorPriority = "INDICATOR_PRIORITY_UNSPECIFIED"
	IndicatorPriorityP1          IndicatorPriority = "INDICATOR_PRIORITY_P1"
	IndicatorPriorityP2          IndicatorPriority = "INDICATOR_PRIORITY_P2"
	IndicatorPriorityP3          IndicatorPriority = "INDICATOR_PRIORITY_P3"
	IndicatorPriorityP4          IndicatorPriority = "INDICATOR_PRIORITY_P4"
	IndicatorPriorityP5          IndicatorPriority = "INDICATOR_PRIORITY_P5"
)

// IndicatorState is the state of an alert indicator.
type IndicatorState string

// The indicator states of the spec.
const (
	IndicatorStateUnspecified IndicatorState = "INDICATOR_STATE_UNSPECIFIED"
	IndicatorStateTriggered   IndicatorState = "INDICATOR_STATE_TRIGGERED"
	IndicatorStateResolved    IndicatorState = "INDICATOR_STATE_RESOLVED"
	IndicatorStateNoData      IndicatorState = "INDICATOR_STATE_NO_DATA"
)

// AlertGroupingType says how an alert indicator groups alerts.
type AlertGroupingType string

// The alert grouping types of the spec.
const (
	GroupingTypeUnspecified      AlertGroupingType = "GROUPING_TYPE_UNSPECIFIED"
	GroupingTypeCompositeAlert   AlertGroupingType = "GROUPING_TYPE_COMPOSITE_ALERT"
	GroupingTypeCombinationAlert AlertGroupingType = "GROUPING_TYPE_COMBINATION_ALERT"
	GroupingTypeNone             AlertGroupingType = "GROUPING_TYPE_NONE"
)

// GenericIndicatorStatus is the status of a generic indicator.
type GenericIndicatorStatus string

// The generic indicator statuses of the spec.
const (
	GenericIndicatorStatusUnspecified GenericIndicatorStatus = "GENERIC_INDICATOR_STATUS_UNSPECIFIED"
	GenericIndicatorStatusTriggered   GenericIndicatorStatus = "GENERIC_INDICATOR_STATUS_TRIGGERED"
	GenericIndicatorStatusResolved    GenericIndicatorStatus = "GENERIC_INDICATOR_STATUS_RESOLVED"
)

// GenericIndicatorType is the kind of a generic indicator.
type GenericIndicatorType string

// The generic indicator types of the spec.
const (
	GenericIndicatorTypeUnspecified   GenericIndicatorType = "GENERIC_INDICATOR_TYPE_UNSPECIFIED"
	GenericIndicatorTypeErrorTracking GenericIndicatorType = "GENERIC_INDICATOR_TYPE_ERROR_TRACKING"
)

// BreachStatus is the state of a KPI breach.
type BreachStatus string

// The breach statuses of the spec.
const (
	BreachStatusUnspecified BreachStatus = "BREACH_STATUS_UNSPECIFIED"
	BreachStatusBreached    BreachStatus = "BREACH_STATUS_BREACHED"
	BreachStatusMitigated   BreachStatus = "BREACH_STATUS_MITIGATED"
)

// KPIPriority is the case priority a KPI breach applies to.
type KPIPriority string

// The KPI priorities of the spec.
const (
	KPIPriorityUnspecified KPIPriority = "KPI_PRIORITY_UNSPECIFIED"
	KPIPriorityP1          KPIPriority = "KPI_PRIORITY_P1"
	KPIPriorityP2          KPIPriority = "KPI_PRIORITY_P2"
	KPIPriorityP3          KPIPriority = "KPI_PRIORITY_P3"
	KPIPriorityP4          KPIPriority = "KPI_PRIORITY_P4"
	KPIPriorityP5          KPIPriority = "KPI_PRIORITY_P5"
)

// KPIType is the KPI that was breached.
type KPIType string

// The KPI types of the spec.
const (
	KPITypeUnspecified       KPIType = "KPI_TYPE_UNSPECIFIED"
	KPITypeTimeToAcknowledge KPIType = "KPI_TYPE_TIME_TO_ACKNOWLEDGE"
	KPITypeTimeToResolve     KPIType = "KPI_TYPE_TIME_TO_RESOLVE"
	KPITypeTimeToUpdate      KPIType = "KPI_TYPE_TIME_TO_UPDATE"
)

// OllyAnalysisStatus is the state of Olly's AI analysis of a case.
type OllyAnalysisStatus string

// The Olly analysis statuses of the spec.
const (
	OllyStatusUnspecified     OllyAnalysisStatus = "STATUS_UNSPECIFIED"
	OllyStatusOK              OllyAnalysisStatus = "STATUS_OK"
	OllyStatusCapacityReached OllyAnalysisStatus = "STATUS_CAPACITY_REACHED"
	OllyStatusFailed          OllyAnalysisStatus = "STATUS_FAILED"
)

// RootCauseConfidence is Olly's confidence in its root cause.
type RootCauseConfidence string

// The root-cause confidences of the spec.
const (
	RootCauseConfidenceUnspecified RootCauseConfidence = "OLLY_ANALYSIS_ROOT_CAUSE_CONFIDENCE_UNSPECIFIED"
	RootCauseConfidenceLow         RootCauseConfidence = "OLLY_ANALYSIS_ROOT_CAUSE_CONFIDENCE_LOW"
	RootCauseConfidenceMedium      RootCauseConfidence = "OLLY_ANALYSIS_ROOT_CAUSE_CONFIDENCE_MEDIUM"
	RootCauseConfidenceHigh        RootCauseConfidence = "OLLY_ANALYSIS_ROOT_CAUSE_CONFIDENCE_HIGH"
)

// Case is a Coralogix case with every field of the spec's Case schema.
//
// Optional fields the server did not send stay at their zero value and are
// not written back; members the SDK does not model are kept in Extra and
// written back by json.Marshal, so decoding then encoding a case loses
// nothing. Responses are not validated: unknown enum values, odd ids and an
// empty duration decode as they are.
type Case struct {
	ID                string             `json:"id,omitzero"`
	ReadableID        string             `json:"readableId,omitzero"`
	Title             string             `json:"title,omitzero"`
	Status            CaseStatus         `json:"status,omitzero"`
	Priority          CasePriority       `json:"priority,omitzero"`
	Category          CaseCategory       `json:"category,omitzero"`
	Assignee          *UserDetails       `json:"assignee,omitzero"`
	CreateTime        time.Time          `json:"createTime,omitzero"`
	UpdateTime        time.Time          `json:"updateTime,omitzero"`
	AcknowledgeTime   time.Time          `json:"acknowledgeTime,omitzero"`
	AISummary         string             `json:"aiSummary,omitzero"` // a summary written by Coralogix AI, where enabled
	Duration          *string            `json:"duration,omitzero"`  // as sent; "" happens
	Labels            []KeyValue         `json:"labels,omitzero"`
	Groupings         []KeyValue         `json:"groupings,omitzero"` // the alert group-by keys and values that made this case
	ImpactedEntities  []ImpactedEntity   `json:"impactedEntities,omitzero"`
	CaseIndicators    *CaseIndicators    `json:"caseIndicators,omitzero"`    // the alerts and signals behind the case
	KPIBreaches       *KPIBreaches       `json:"kpiBreaches,omitzero"`       // service-level breaches (time to acknowledge, to resolve) of the case
	OllyAnalysis      *OllyAnalysis      `json:"ollyAnalysis,omitzero"`      // Coralogix's AI investigation (root cause, recommendations), where run
	PriorityDetails   *PriorityDetails   `json:"priorityDetails,omitzero"`   // the priority the system set, and any override
	ResolutionDetails *ResolutionDetails `json:"resolutionDetails,omitzero"` // why and by whom a resolved case was resolved

	// Extra holds the members of the case object the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`

	// raw is the case object as the server sent it: MarshalJSON takes the
	// members below the top level that the typed fields cannot hold from it.
	raw []byte
}

type caseFields Case

var caseType = reflect.TypeFor[caseFields]()

// UnmarshalJSON decodes a case and keeps the members the SDK does not model,
// at every depth. A known member whose value does not fit its field (a
// timestamp that does not parse, a string where an object belongs) leaves
// that field empty and is kept verbatim in Extra, so one odd member never
// fails a case, or the page it is on. A document that is not whole JSON
// (truncated, or nested deeper than encoding/json allows) is an error.
func (c *Case) UnmarshalJSON(data []byte) (err error) {
	c.Extra, c.raw, err = decodeKeeping(data, (*caseFields)(c))
	return err
}

// decodeKeeping decodes a model whose fields type is F leniently (see
// decodeLenient) and returns what it keeps besides: the members it does
// not model, or could not hold, and a copy of data.
func decodeKeeping[F any](data []byte, fields *F) (extra map[string]json.RawMessage, raw []byte, err error) {
	bad, err := decodeLenient(data, fields)
	if err != nil {
		return nil, nil, err
	}
	unknown, err := jsonx.Unknown(data, jsonx.Known[F]())
	return mergeBad(unknown, bad), append([]byte(nil), data...), err
}

// decodeLenient decodes data into v (a pointer to a struct without
// UnmarshalJSON), and when a member's value does not fit its field, decodes
// member by member instead, returning the members that do not fit.
func decodeLenient(data []byte, v any) (map[string]json.RawMessage, error) {
	err := jsonx.Unmarshal(data, v)
	if !jsonx.Refusal(err) {
		return nil, err
	}
	return jsonx.Lenient(data, v)
}

// mergeBad adds the known members that did not fit their fields to extra.
func mergeBad(extra, bad map[string]json.RawMessage) map[string]json.RawMessage {
	if len(bad) == 0 {
		return extra
	}
	if extra == nil {
		return bad
	}
	for k, v := range bad {
		extra[k] = v
	}
	return extra
}

// MarshalJSON encodes the case with the members kept in Extra and, in every
// nested object (assignee, indicators, KPI breaches, impacted entities,
// resolution details, ...), the members the server sent that the SDK does
// not model, one-of variants it does not know included, verbatim.
func (c Case) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(caseFields(c))
	if err != nil {
		return nil, err
	}
	if b, err = jsonx.Merge(b, c.Extra); err != nil {
		return nil, err
	}
	return jsonx.Overlay(b, c.raw, caseType), nil
}

// KeyValue is a label or grouping.
type KeyValue struct {
	Key   string `json:"key,omitzero"`
	Value string `json:"value,omitzero"`
}

// ImpactedEntity is one of: an APM service or an APM database. Exactly one
// pointer is set for a known variant; none for a variant the SDK does not know.
type ImpactedEntity struct {
	APMService  *APMServiceEntity  `json:"apmService,omitzero"`
	APMDatabase *APMDatabaseEntity `json:"apmDatabase,omitzero"`
}

// APMServiceEntity is an impacted APM service.
type APMServiceEntity struct {
	Name     string `json:"name,omitzero"`
	Language string `json:"language,omitzero"`
}

// APMDatabaseEntity is an impacted APM database.
type APMDatabaseEntity struct {
	Name   string `json:"name,omitzero"`
	System string `json:"system,omitzero"`
}

// CaseIndicators are the signals behind a case.
type CaseIndicators struct {
	AlertIndicators           []AlertIndicator           `json:"alertIndicators,omitzero"`
	GenericIndicators         []GenericIndicator         `json:"genericIndicators,omitzero"`
	PrometheusAlertIndicators []PrometheusAlertIndicator `json:"prometheusAlertIndicators,omitzero"`
}

// AlertIndicator is a Coralogix alert behind a case.
type AlertIndicator struct {
	AlertID                string             `json:"alertId,omitzero"`
	AlertVersions          []string           `json:"alertVersions,omitzero"`
	LatestAlertVersion     string             `json:"latestAlertVersion,omitzero"`
	CustomDataprimeQueries []string           `json:"customDataprimeQueries,omitzero"`
	GroupingType           AlertGroupingType  `json:"groupingType,omitzero"`
	Permutations           []AlertPermutation `json:"permutations,omitzero"`
	Priority               IndicatorPriority  `json:"priority,omitzero"`
	State                  IndicatorState     `json:"state,omitzero"`
	TriggerTime            time.Time          `json:"triggerTime,omitzero"`
	ResolveTime            time.Time          `json:"resolveTime,omitzero"`
	ResolveWithSignal      *bool              `json:"resolveWithSignal,omitzero"`
	Suppression            *AlertSuppression  `json:"suppression,omitzero"`
}

// AlertPermutation is one permutation of an alert's group-by values.
type AlertPermutation struct {
	Permutation map[string]string `json:"permutation,omitzero"`
}

// AlertSuppression says why an alert indicator is suppressed: one of
// ActiveSuppressionRules and AlertDefinitionMuted, plus the time.
type AlertSuppression struct {
	ActiveSuppressionRules *ActiveSuppressionRules `json:"activeSuppressionRules,omitzero"`
	AlertDefinitionMuted   *AlertDefinitionMuted   `json:"alertDefinitionMuted,omitzero"`
	SuppressedTime         time.Time               `json:"suppressedTime,omitzero"`
}

// ActiveSuppressionRules lists the suppression rules in force.
type ActiveSuppressionRules struct {
	SuppressionRuleIDs []string `json:"suppressionRuleIds,omitzero"`
}

// AlertDefinitionMuted marks a suppression by a muted alert definition.
type AlertDefinitionMuted struct{}

// GenericIndicator is a non-alert signal, such as error tracking.
type GenericIndicator struct {
	ID              string                 `json:"id,omitzero"`
	ExternalID      string                 `json:"externalId,omitzero"`
	IndicatorType   GenericIndicatorType   `json:"indicatorType,omitzero"`
	Status          GenericIndicatorStatus `json:"status,omitzero"`
	Priority        IndicatorPriority      `json:"priority,omitzero"`
	LastTriggeredAt time.Time              `json:"lastTriggeredAt,omitzero"`
	LastResolvedAt  time.Time              `json:"lastResolvedAt,omitzero"`
	Labels          []KeyValue             `json:"labels,omitzero"`
	EntityLinks     []EntityLink           `json:"entityLinks,omitzero"`
}

// EntityLink is a link to the entity behind an indicator.
type EntityLink struct {
	URL string `json:"url,omitzero"`
}

// PrometheusAlertIndicator is an Alertmanager alert group behind a case.
type PrometheusAlertIndicator struct {
	AlertGroupID string                `json:"alertGroupId,omitzero"`
	Alerts       []PrometheusAlert     `json:"alerts,omitzero"`
	ExternalURL  string                `json:"externalUrl,omitzero"`
	GroupLabels  map[string]string     `json:"groupLabels,omitzero"`
	Priority     IndicatorPriority     `json:"priority,omitzero"`
	ReceivedAt   time.Time             `json:"receivedAt,omitzero"`
	Receiver     string                `json:"receiver,omitzero"`
	Status       PrometheusAlertStatus `json:"status,omitzero"`
	UpdatedAt    time.Time             `json:"updatedAt,omitzero"`
}

// PrometheusAlert is one Prometheus alert.
type PrometheusAlert struct {
	AlertGroupID string                `json:"alertGroupId,omitzero"`
	AlertName    string                `json:"alertName,omitzero"`
	Annotations  map[string]string     `json:"annotations,omitzero"`
	CreatedAt    time.Time             `json:"createdAt,omitzero"`
	Fingerprint  string                `json:"fingerprint,omitzero"`
	GeneratorURL string                `json:"generatorUrl,omitzero"`
	Labels       map[string]string     `json:"labels,omitzero"`
	Priority     IndicatorPriority     `json:"priority,omitzero"`
	Query        *PrometheusAlertQuery `json:"query,omitzero"`
	Status       PrometheusAlertStatus `json:"status,omitzero"`
	UpdatedAt    time.Time             `json:"updatedAt,omitzero"`
}

// PrometheusAlertQuery is the PromQL behind an alert.
type PrometheusAlertQuery struct {
	PromQL string `json:"promql,omitzero"`
}

// PrometheusAlertStatus is one of Triggered and Resolved.
type PrometheusAlertStatus struct {
	Triggered *Triggered `json:"triggered,omitzero"`
	Resolved  *Resolved  `json:"resolved,omitzero"`
}

// Triggered is the status of a firing alert.
type Triggered struct {
	TriggeredAt time.Time `json:"triggeredAt,omitzero"`
}

// Resolved is the status of a resolved alert.
type Resolved struct {
	TriggeredAt time.Time `json:"triggeredAt,omitzero"`
	ResolvedAt  time.Time `json:"resolvedAt,omitzero"`
}

// KPIBreaches lists the KPIs a case breached.
type KPIBreaches struct {
	BreachedKPIs []BreachedKPI `json:"breachedKpis,omitzero"`
}

// BreachedKPI is one breached KPI.
type BreachedKPI struct {
	ID           string       `json:"id,omitzero"`
	KPIType      KPIType      `json:"kpiType,omitzero"`
	CasePriority KPIPriority  `json:"casePriority,omitzero"`
	BreachStatus BreachStatus `json:"breachStatus,omitzero"`
	CreatedAt    time.Time    `json:"createdAt,omitzero"`
	BreachedAt   time.Time    `json:"breachedAt,omitzero"`
}

// OllyAnalysis is Olly's AI analysis of a case.
type OllyAnalysis struct {
	Status      OllyAnalysisStatus   `json:"status,omitzero"`
	CompletedAt time.Time            `json:"completedAt,omitzero"`
	Payload     *OllyAnalysisPayload `json:"payload,omitzero"`
}

// OllyAnalysisPayload is the content of an analysis.
type OllyAnalysisPayload struct {
	GeneratedAt                time.Time           `json:"generatedAt,omitzero"`
	InvestigationSummary       string              `json:"investigationSummary,omitzero"`
	RemediationRecommendations []string            `json:"remediationRecommendations,omitzero"`
	RootCause                  string              `json:"rootCause,omitzero"`
	RootCauseConfidence        RootCauseConfidence `json:"rootCauseConfidence,omitzero"`
}

// PriorityDetails holds the system priority and any manual override.
type PriorityDetails struct {
	System   CasePriority `json:"system,omitzero"`
	Override CasePriority `json:"override,omitzero"`
}

// ResolutionDetails says how and by whom a case was resolved.
type ResolutionDetails struct {
	Reason      string        `json:"reason,omitzero"`
	ResolveTime time.Time     `json:"resolveTime,omitzero"`
	ResolvedBy  *CaseResolver `json:"resolvedBy,omitzero"`
}

// CaseResolver is one of the actors that can resolve a case; exactly one
// pointer is set for a known variant.
type CaseResolver struct {
	System                 *Marker `json:"system,omitzero"`
	CoralogixUser          *Marker `json:"cxUser,omitzero"`
	ServiceNow             *Marker `json:"serviceNow,omitzero"`
	APIKey                 *Marker `json:"apiKey,omitzero"`
	Slack                  *Marker `json:"slack,omitzero"`
	PrometheusAlertManager *Marker `json:"prometheusAlertManager,omitzero"`
	PagerDuty              *Marker `json:"pagerDuty,omitzero"`
	MicrosoftTeams         *Marker `json:"microsoftTeams,omitzero"`
}

// Marker is an empty object whose presence is the information.
type Marker struct{}

// ListCasesResponse is one page of cases.
type ListCasesResponse struct {
	Cases         []Case             `json:"cases"`
	Pagination    PaginationResponse `json:"pagination"`
	PBACTruncated bool               `json:"pbacTruncated,omitzero"` // true when permissions hid some cases from this page
}

// PaginationResponse carries the token of the next page; empty on the last.
type PaginationResponse struct {
	NextPageToken string `json:"nextPageToken,omitzero"` // the next page's PageToken; empty on the last page
}

// The response envelopes decode into caseFields, which has no UnmarshalJSON
// of its own: one decoding pass, then one allocation-free scan for the
// members the SDK does not model (see withExtra).
// The answers' envelopes, over the type C a case is read into: caseFields
// reads every case in one pass; Case reads each case leniently (a member
// that does not fit its field goes to Extra), for an answer the first
// refuses (see decodeEnvelope).
type casesEnvelope[C any] struct {
	Cases []C `json:"cases"`
}

type caseEnvelope[C any] struct {
	Case *C `json:"case"`
}

type listEnvelope[C any] struct {
	Cases         []C                 `json:"cases"`
	Pagination    *PaginationResponse `json:"pagination"`
	PBACTruncated bool                `json:"pbacTruncated"`
}

// decodeEnvelope decodes body into fast, whose cases are caseFields, read
// in one pass; when a member of one case does not fit its field, it
// decodes body into slow instead, whose cases are Case, each read on its
// own and leniently. lenient reports that slow holds the answer.
func decodeEnvelope[F, S any](body []byte, fast *F, slow *S) (lenient bool, err error) {
	if err = jsonx.Unmarshal(body, fast); !jsonx.Refusal(err) {
		return false, err
	}
	return true, json.Unmarshal(body, slow)
}

// withExtra turns decoded cases into Cases, keeping the unknown members of
// each case found in the member named field of body.
func withExtra(body []byte, field string, decoded []caseFields) ([]Case, error) {
	if decoded == nil {
		return nil, nil
	}
	out := make([]Case, len(decoded))
	for i := range decoded {
		out[i] = Case(decoded[i])
	}
	known := jsonx.Known[caseFields]()
	if field == "case" {
		raw, ok, err := jsonx.Member(body, field)
		if err != nil || !ok {
			return out, err
		}
		out[0].Extra, err = jsonx.Unknown(raw, known)
		out[0].raw = raw // body is the client's own copy: no need to copy again
		return out, err
	}
	// The decoder read the whole body: the array is found and walked in
	// one pass that stops at its end.
	elems, ok := jsonx.UnknownEachOf(body, field, known)
	if !ok {
		return out, jsonx.ErrSyntax
	}
	for i := range min(len(elems), len(out)) {
		out[i].Extra, out[i].raw = elems[i].Extra, elems[i].Raw
	}
	return out, nil
}

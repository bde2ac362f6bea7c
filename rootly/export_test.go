package rootly

// NextPage exposes the page-number logic of the iterators.
var NextPage = nextPage

// DecodeIncident exposes the SDK's document decoding to tests and benchmarks.
var DecodeIncident = decodeIncident

// EncodeAssign exposes the request encoding.
var EncodeAssign = encodeAssign

// DecodeIncidentList exposes the incident list decoding.
var DecodeIncidentList = decodeIncidentList

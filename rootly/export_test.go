package rootly

import "strconv"

// NextPage exposes the page-number logic of the iterators.
var NextPage = nextPage

// DecodeIncident exposes the SDK's document decoding to tests and benchmarks.
var DecodeIncident = decodeIncident

// EncodeAssign exposes the request encoding.
var EncodeAssign = encodeAssign

// DecodeIncidentList exposes the incident list decoding.
var DecodeIncidentList = decodeIncidentList

// IncludedLookups resolves ids against n included assignments and reports
// whether the set was indexed (constant-time lookups) to find them.
func IncludedLookups(n int) (found int, indexed bool) {
	s := &includedSet{res: make([]included, n)}
	for i := range s.res {
		s.res[i] = included{ID: "a" + itoa(i), Type: "incident_role_assignments"}
	}
	for i := range n {
		if s.find("a"+itoa(i)) == i {
			found++
		}
	}
	return found, s.byID != nil
}

func itoa(i int) string { return strconv.Itoa(i) }

package coralogix

// DecodeCases exposes the SDK's response decoding to the benchmarks.
var DecodeCases = decodeCases

// DecodeList exposes the page decoding to the benchmarks.
var DecodeList = decodeList

// DedupeIDs exposes the bulk calls' duplicate removal to its tests.
var DedupeIDs = dedupeIDs

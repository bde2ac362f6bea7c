package coralogix

// DecodeCases exposes the SDK's response decoding to the benchmarks.
var DecodeCases = decodeCases

package thalamus

// DecodeResult exposes the SDK's answer decoding to the benchmarks.
var DecodeResult = decodeResult

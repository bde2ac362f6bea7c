// Package core is the transport every caseassign package is built on, written
// once: base URL checks and path escaping, per-try authentication, the retry
// policy on top of go-retryablehttp, the client-side rate limiter, the body
// size cap, the error model and structured logging.
//
// The data flow of every call is
//
//	caller → package client (validate, build) → core.Client.Do (auth, limit,
//	retry, decode errors) → package models
//
// Vendor packages describe their API with a Spec (name, default base URL,
// auth hook, credential names to keep on their origin, error body decoder)
// and expose the shared Options through thin wrappers, which internal/gen
// writes into each package's public.go from one template.
package core

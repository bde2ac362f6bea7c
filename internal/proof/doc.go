// Package proof holds the SDK's cross-package evidence, all in its tests:
// the fault matrix over the four packages (written to RELIABILITY.md), the
// security checks, the soak test, and the measurements behind
// BENCHMARKS.md (bulk throughput, Coralogix at 100,000 ids, a rate-limited
// server). The measurements and the soak test only run when asked for; see
// .ci/bench and the README.
package proof

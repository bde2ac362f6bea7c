package actionmgmt

// LockedCases reports how many cases hold a lock entry.
func (c *Client) LockedCases() int { return c.locks.lockedCases() }

// DecodeCase exposes the SDK's case decoding to the benchmarks.
var DecodeCase = decodeCaseBody

// CasePath and HubPath expose the path builders to the tests.
var (
	CasePath = casePath
	HubPath  = hubPath
)

// RenewAt exposes when a cached token is replaced.
var RenewAt = renewAt

package actionmgmt

// This file holds the checks of ids that several calls share; a request
// type's own valid sits next to the type.

// positive checks an id the API numbers from 1 (hubs, cases, users, lists).
func positive(field string, v int64) error {
	if v <= 0 {
		return invalid(field, "must be a positive id")
	}
	return nil
}

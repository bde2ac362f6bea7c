package thalamus

// This file holds the checks of ids that several calls share; a request
// type's own validate sits next to the type.

// validateCaseID checks a case instance id: a positive integer, as every
// case path of the API takes.
func validateCaseID(field string, id int64) error {
	if id <= 0 {
		return invalid(field, "must be a positive case instance id")
	}
	return nil
}

package catalog

import "github.com/agnivade/levenshtein"

// distance is the edit distance used for "did you mean" suggestions.
func distance(a, b string) int { return levenshtein.ComputeDistance(a, b) }

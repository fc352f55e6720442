package policy

import (
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/condition"
)

// Qualifier is the set prefix of a condition operator for multi-valued keys.
type Qualifier string

const (
	NoQualifier  Qualifier = ""
	ForAnyValue  Qualifier = "ForAnyValue"  // some request value matches some policy value
	ForAllValues Qualifier = "ForAllValues" // every request value matches some policy value
)

// Set returns the qualifier as the condition package evaluates it.
func (q Qualifier) Set() condition.SetQualifier {
	switch q {
	case ForAnyValue:
		return condition.ForAnyValue
	case ForAllValues:
		return condition.ForAllValues
	}
	return condition.NoSet
}

// ifExists is the operator suffix meaning "true when the key is absent".
const ifExists = "IfExists"

// Operator is a condition operator name split into its parts:
// "ForAllValues:StringEqualsIfExists" is {ForAllValues, "StringEquals", true}.
type Operator struct {
	Qualifier Qualifier
	Base      string
	IfExists  bool
}

// ParseOperator splits a condition operator name. The prefix and suffix are recognised in
// their exact spelling only; anything else stays in Base, where a checker will not find
// it among the operators it knows. ParseOperator(name).String() == name for every name.
func ParseOperator(name string) Operator {
	var o Operator
	for _, q := range []Qualifier{ForAnyValue, ForAllValues} {
		if rest, ok := strings.CutPrefix(name, string(q)+":"); ok {
			o.Qualifier, name = q, rest
			break
		}
	}
	o.Base, o.IfExists = strings.CutSuffix(name, ifExists)
	return o
}

// String reassembles the operator's name.
func (o Operator) String() string {
	var b strings.Builder
	if o.Qualifier != NoQualifier {
		b.WriteString(string(o.Qualifier))
		b.WriteByte(':')
	}
	b.WriteString(o.Base)
	if o.IfExists {
		b.WriteString(ifExists)
	}
	return b.String()
}

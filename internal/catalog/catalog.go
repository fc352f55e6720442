// Package catalog is the table of everything Huawei Cloud's Image Management Service (IMS)
// says about its identity policy elements: actions, the APIs that need them, resource types
// and condition keys. It is transcribed from the vendor's reference page (a copy lives in
// the steering repo as shared/seed/ims-identity-policy-elements.txt) and from the IAM v5
// reference notes for the global keys.
//
// The seed's tables were flattened to text and some cells were lost. Every fact here says
// whether the seed states it (Stated) or we inferred it (Inferred), so that checks can treat
// inferred facts more gently. The package holds data and lookups only; it does not import
// Terraform.
package catalog

// AccessLevel classifies what an action lets a principal do.
type AccessLevel string

// The access levels of Table 1.
const (
	List                 AccessLevel = "list"
	Read                 AccessLevel = "read"
	Write                AccessLevel = "write"
	PermissionManagement AccessLevel = "permission_management"
	Tagging              AccessLevel = "tagging"
)

// AccessLevels lists every access level in the order the vendor documents them.
var AccessLevels = []AccessLevel{List, Read, Write, PermissionManagement, Tagging}

// Source says where a fact comes from.
type Source string

const (
	// Stated facts are read from a cell of the seed.
	Stated Source = "stated"
	// Inferred facts fill a cell the seed lost; Reason says what they rest on.
	Inferred Source = "inferred"
)

// Action is a row of Table 1.
type Action struct {
	Name        string
	Description string
	AccessLevel AccessLevel
	// ResourceTypes is empty when the action does not support resource-level permissions:
	// statements that use it must name the resource "*".
	ResourceTypes []ResourceTypeRef
	// ConditionKeys lists the keys associated with the action, each with its source.
	ConditionKeys []KeyRef
	// ConditionKeysLost is true for rows whose Condition Key cell the flattened seed lost:
	// the absence of a key there is not stated, and every key listed is inferred.
	ConditionKeysLost bool
	// Aliases are the names of older policy actions that grant this action too.
	Aliases []string
	// AliasDoubt says why the seed's Alias cell of this row is in doubt; empty when
	// nothing contradicts it.
	AliasDoubt  string
	Deprecation *Deprecation
}

// ResourceTypeRef names a resource type an action supports.
type ResourceTypeRef struct {
	Name     string
	Required bool
}

// KeyRef associates a condition key with an action.
type KeyRef struct {
	Name   string
	Source Source
	Reason string // why an inferred association was made; empty when stated
}

// Deprecation is the vendor's note against using an action.
type Deprecation struct {
	Note        string
	Recommended []string
}

// Deprecated reports whether the vendor recommends other actions instead.
func (a Action) Deprecated() bool { return a.Deprecation != nil }

// SupportsResources reports whether the action accepts a specific resource URN.
func (a Action) SupportsResources() bool { return len(a.ResourceTypes) > 0 }

// APIRow is a row of Table 2: the APIs that need an action, and what else they depend on.
type APIRow struct {
	APIs   []APIRef
	Action string
	// Dependencies are names of actions (of IMS or other services) the APIs also need.
	Dependencies []string
}

// APIRef is one API in a Table 2 row, with the scenario note the seed gives it, such as
// "required only for enterprise project migration".
type APIRef struct {
	Method string
	Path   string
	Note   string
}

// ResourceType is a row of Table 3.
type ResourceType struct {
	Name      string
	Service   string
	URNFormat string
}

// ValueType is the type of a condition key's values, named as the vendor's authorization
// schema API names them.
type ValueType string

// The value types of condition keys.
const (
	String    ValueType = "string"
	Numeric   ValueType = "numeric"
	Date      ValueType = "date"
	Boolean   ValueType = "boolean"
	IPAddress ValueType = "ip_address"
)

// ConditionKey is a row of Table 4 or a global key of the reference notes. Names that
// contain a `<placeholder>` (g:RequestTag/<tag-key>) are templates.
type ConditionKey struct {
	Name        string
	Type        ValueType
	MultiValued bool
	Global      bool
	Description string
	// TypeSource says whether Type is stated by a vendor source or inferred.
	TypeSource Source
}

// KeysScopedToResources reports whether the action's condition keys take effect only for its
// resource types. The seed's rule for the Condition Key column: "If the Resource Type column
// has values for an action, the condition key takes effect only for the listed resource
// types"; when it is empty, the keys take effect for all resources the action supports.
func (a Action) KeysScopedToResources() bool { return a.SupportsResources() }

// Operation is one API of Table 2 as the vendor's authorization schema lists it
// (operations[]): the action that authorises it and the other actions it may need.
type Operation struct {
	// ID is the operation identifier. Table 2 names none, so every ID is derived from the
	// API's method and path (see operationID) and IDSource is Inferred.
	ID           string
	IDSource     Source
	Method       string
	PathTemplate string
	// Action is the action of the Table 2 row that lists the API without a scenario note.
	Action string
	// DependentActions are the other actions the API may need: the dependencies of every
	// row that lists it, then the actions of the rows that list it only for a scenario
	// ("required only for ..."), each once, in the seed's order.
	DependentActions []string
}

package emulator

import (
	"net/http"
	"sync"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

type descriptionJSON struct {
	EnUS string `json:"en_US"`
	ZhCN string `json:"zh_CN"`
}

type schemaActionResourceJSON struct {
	URNTemplate   string   `json:"urn_template"`
	Required      bool     `json:"required"`
	ConditionKeys []string `json:"condition_keys"`
}

type schemaActionJSON struct {
	Name           string                     `json:"name"`
	AccessLevel    string                     `json:"access_level"`
	PermissionOnly bool                       `json:"permission_only"`
	Description    descriptionJSON            `json:"description"`
	Aliases        []string                   `json:"aliases"`
	Resources      []schemaActionResourceJSON `json:"resources"`
	ConditionKeys  []string                   `json:"condition_keys"`
}

type schemaResourceJSON struct {
	TypeName    string `json:"type_name"`
	URNTemplate string `json:"urn_template"`
}

type schemaConditionJSON struct {
	Key         string          `json:"key"`
	ValueType   string          `json:"value_type"`
	MultiValued bool            `json:"multi_valued"`
	Description descriptionJSON `json:"description"`
}

type schemaOperationJSON struct {
	OperationID      string   `json:"operation_id"`
	OperationAction  string   `json:"operation_action"`
	DependentActions []string `json:"dependent_actions"`
}

// authorizationSchemaJSON is the answer of GET /v5/authorization-schemas/services/{service},
// shaped as the SDK's GetAuthorizationSchemaV5Response (services/iam/v5/model).
type authorizationSchemaJSON struct {
	Version    string                `json:"version"`
	Actions    []schemaActionJSON    `json:"actions"`
	Resources  []schemaResourceJSON  `json:"resources"`
	Conditions []schemaConditionJSON `json:"conditions"`
	Operations []schemaOperationJSON `json:"operations"`
}

var imsSchema = sync.OnceValue(buildIMSSchema)

// buildIMSSchema renders the catalog as the vendor's authorization schema. An action's
// condition keys are listed under each of its resources when it has resource types (the
// seed's rule: they take effect only for those types; catalog.Action.KeysScopedToResources),
// and under the action otherwise (the SDK: keys that do not depend on the resource).
// Operations are Table 2's APIs, with the ids the catalog derives for them (inferred: Table 2
// names none).
func buildIMSSchema() authorizationSchemaJSON {
	out := authorizationSchemaJSON{Version: "1.0", Operations: []schemaOperationJSON{}}
	for _, a := range catalog.Actions() {
		keys := []string{}
		for _, k := range a.ConditionKeys {
			keys = append(keys, k.Name)
		}
		j := schemaActionJSON{
			Name: a.Name, AccessLevel: string(a.AccessLevel), PermissionOnly: a.PermissionOnly(),
			Description:   descriptionJSON{EnUS: a.Description},
			Aliases:       append([]string{}, a.Aliases...),
			Resources:     []schemaActionResourceJSON{},
			ConditionKeys: []string{},
		}
		if !a.KeysScopedToResources() {
			j.ConditionKeys = keys
		}
		for _, rt := range a.ResourceTypes {
			tmpl := rt.Name
			if t, ok := catalog.LookupResourceType(rt.Name); ok {
				tmpl = t.URNFormat
			}
			j.Resources = append(j.Resources, schemaActionResourceJSON{URNTemplate: tmpl, Required: rt.Required, ConditionKeys: append([]string{}, keys...)})
		}
		out.Actions = append(out.Actions, j)
	}
	for _, rt := range catalog.ResourceTypes() {
		out.Resources = append(out.Resources, schemaResourceJSON{TypeName: rt.Name, URNTemplate: rt.URNFormat})
	}
	for _, k := range catalog.ConditionKeys() {
		out.Conditions = append(out.Conditions, schemaConditionJSON{
			Key: k.Name, ValueType: string(k.Type), MultiValued: k.MultiValued,
			Description: descriptionJSON{EnUS: k.Description},
		})
	}
	for _, op := range catalog.Operations() {
		out.Operations = append(out.Operations, schemaOperationJSON{
			OperationID: op.ID, OperationAction: op.Action, DependentActions: append([]string{}, op.DependentActions...),
		})
	}
	return out
}

func (s *Server) authorizationSchema(r *http.Request, _ []byte) (int, any, *apiError) {
	if svc := r.PathValue("service_code"); svc != "ims" {
		return 0, nil, fail(errIAMUnknownService, "%s", svc)
	}
	return http.StatusOK, imsSchema(), nil
}

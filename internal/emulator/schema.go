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
	URNTemplate string `json:"urn_template"`
	Required    bool   `json:"required"`
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

// authorizationSchemaJSON is the answer of GET /v5/authorization-schemas/services/{service}.
type authorizationSchemaJSON struct {
	Version    string                `json:"version"`
	Actions    []schemaActionJSON    `json:"actions"`
	Resources  []schemaResourceJSON  `json:"resources"`
	Conditions []schemaConditionJSON `json:"conditions"`
}

var imsSchema = sync.OnceValue(buildIMSSchema)

// buildIMSSchema renders the catalog as the vendor's authorization schema. Every condition key
// the catalog associates with an action is listed under the action (the vendor also lists
// resource-scoped keys under resources[]; the catalog does not tell them apart).
func buildIMSSchema() authorizationSchemaJSON {
	out := authorizationSchemaJSON{Version: "1.0"}
	for _, a := range catalog.Actions() {
		j := schemaActionJSON{
			Name: a.Name, AccessLevel: string(a.AccessLevel),
			Description:   descriptionJSON{EnUS: a.Description},
			Aliases:       append([]string{}, a.Aliases...),
			Resources:     []schemaActionResourceJSON{},
			ConditionKeys: []string{},
		}
		for _, rt := range a.ResourceTypes {
			tmpl := rt.Name
			if t, ok := catalog.LookupResourceType(rt.Name); ok {
				tmpl = t.URNFormat
			}
			j.Resources = append(j.Resources, schemaActionResourceJSON{URNTemplate: tmpl, Required: rt.Required})
		}
		for _, k := range a.ConditionKeys {
			j.ConditionKeys = append(j.ConditionKeys, k.Name)
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
	return out
}

func (s *Server) authorizationSchema(r *http.Request, _ []byte) (int, any, *apiError) {
	if svc := r.PathValue("service_code"); svc != "ims" {
		return 0, nil, fail(ErrIAMUnknownService, "%s", svc)
	}
	return http.StatusOK, imsSchema(), nil
}

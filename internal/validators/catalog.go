// Package validators turns catalog and policy checks into terraform-plugin-framework
// validators, so mistakes show at `terraform plan` on the attribute or the function
// argument that holds them. Each string check is both an attribute validator
// (validator.String) and a function parameter validator
// (function.StringParameterValidator).
package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/apicall"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// StringCheck is an attribute validator and a function parameter validator.
type StringCheck interface {
	validator.String
	function.StringParameterValidator
}

// stringCheck adapts a check of one known string value to validator.String and
// function.StringParameterValidator. Null and unknown values pass: unknown ones are
// checked once they are known.
type stringCheck struct {
	description string
	check       func(string) (summary, detail string, ok bool)
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if summary, detail, ok := v.check(req.ConfigValue.ValueString()); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, summary, detail)
	}
}

// ValidateParameterString reports the check's problem as an error on the argument.
func (v stringCheck) ValidateParameterString(_ context.Context, req function.StringParameterValidatorRequest, resp *function.StringParameterValidatorResponse) {
	if req.Value.IsNull() || req.Value.IsUnknown() {
		return
	}
	if _, detail, ok := v.check(req.Value.ValueString()); !ok {
		resp.Error = function.NewArgumentFuncError(req.ArgumentPosition, detail)
	}
}

// ActionName accepts any name the IMS catalog knows (a table action, an alias or a name
// Table 2 references), ignoring case, and suggests the closest names otherwise.
func ActionName() StringCheck {
	return stringCheck{
		description: "must be an IMS action name the catalog knows",
		check: func(s string) (string, string, bool) {
			// Only IMS names make sense here (stricter than catalog.UnknownIMSAction).
			if catalog.Kind(s) != catalog.Unknown {
				return "", "", true
			}
			return "Unknown IMS action", catalog.UnknownActionDetail(s), false
		},
	}
}

// RequestAction accepts the action of a request: any name but an IMS name the catalog
// does not know (catalog.UnknownIMSAction) and that is not an IAM v3 IMS action either
// (decided by v3 policies, apicall.Simulator), and suggests the closest names.
func RequestAction() StringCheck {
	return stringCheck{
		description: "must be an action; an IMS action must be one the catalog knows or an IAM v3 IMS action",
		check: func(s string) (string, string, bool) {
			if _, v3 := apicall.V3ActionName(s); v3 || !catalog.UnknownIMSAction(s) {
				return "", "", true
			}
			return "Unknown IMS action", catalog.UnknownActionDetail(s), false
		},
	}
}

// ImageURNPart accepts a well-formed part of an image URN.
func ImageURNPart(part catalog.ImageURNPart) StringCheck {
	return stringCheck{
		description: "must be a well-formed part of an image URN, or '*'",
		check: func(s string) (string, string, bool) {
			if err := part.Check(s); err != nil {
				return "Malformed image URN part", err.Error(), false
			}
			return "", "", true
		},
	}
}

// ConditionKey accepts the ims: keys of Table 4 and the global g: keys (templates such as
// g:ResourceTag/<tag-key> with a concrete tag key).
func ConditionKey() StringCheck {
	return stringCheck{
		description: "must be an IMS or global condition key",
		check: func(s string) (string, string, bool) {
			if _, ok := catalog.LookupConditionKey(s); ok {
				return "", "", true
			}
			return "Unknown condition key", fmt.Sprintf("%q is not an IMS or global condition key.%s", s, catalog.DidYouMean(catalog.SuggestConditionKeys(s))), false
		},
	}
}

// ResourceType accepts the resource types of Table 3.
func ResourceType() StringCheck {
	return stringCheck{
		description: "must be an IMS resource type",
		check: func(s string) (string, string, bool) {
			if _, ok := catalog.LookupResourceType(s); ok {
				return "", "", true
			}
			var names []string
			for _, r := range catalog.ResourceTypes() {
				names = append(names, r.Name)
			}
			return "Unknown resource type", fmt.Sprintf("%q is not an IMS resource type. Use one of: %s.", s, strings.Join(names, ", ")), false
		},
	}
}

// ResourceURN accepts "*" and well-formed resource URNs,
// <service>:<region>:<account-id>:<type>:<resource-path>; an ims: URN must name an IMS
// resource type (image).
func ResourceURN() StringCheck {
	return stringCheck{
		description: "must be \"*\" or a resource URN such as ims:<region>:<account-id>:image:<image-id>",
		check: func(s string) (string, string, bool) {
			if s == "*" {
				return "", "", true
			}
			if h, ok := policy.AWSHabit(policy.HabitARN, s); ok {
				return "AWS ARN", fmt.Sprintf("%q: %s, such as \"ims:cn-north-4:<account-id>:image:<image-id>\".", s, h.Message()), false
			}
			u, err := catalog.ParseURN(s)
			if err != nil {
				return "Malformed resource URN", err.Error() + ".", false
			}
			if strings.EqualFold(u.Service, "ims") {
				if _, ok := catalog.LookupResourceType(u.Type); !ok {
					return "Unknown IMS resource type", fmt.Sprintf("%q names the resource type %q, which IMS does not have; an image is ims:<region>:<account-id>:image:<image-id>.", s, u.Type), false
				}
			}
			return "", "", true
		},
	}
}

package validators

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/client"
)

// Duration checks a duration attribute: more than zero and at most limit.
func Duration(limit time.Duration) validator.String { return durationValidator{max: limit} }

// Endpoint checks an API endpoint attribute: an http(s) URL, never empty.
func Endpoint() validator.String { return endpointValidator{} }

// Text checks a name (name true) or a description, counting characters as the service does.
func Text(minLen, maxLen int, name bool) validator.String {
	return textValidator{min: minLen, max: maxLen, name: name}
}

// ShortDuration prints 10m0s as 10m.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// parseDuration reads a positive duration of at most limit; the error says what is wrong
// with it, for a sentence that names the attribute.
func ParseDuration(raw string, limit time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	switch {
	case err != nil:
		return 0, fmt.Errorf("is not a duration such as \"30s\" or \"2m\": %q", raw)
	case d <= 0:
		return 0, fmt.Errorf("must be more than zero, got %q", raw)
	case d > limit:
		return 0, fmt.Errorf("must be at most %s, got %q", ShortDuration(limit), raw)
	}
	return d, nil
}

// durationValidator checks a duration attribute with parseDuration.
type durationValidator struct{ max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration such as \"30s\", more than zero and at most %s", ShortDuration(v.max))
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := ParseDuration(req.ConfigValue.ValueString(), v.max); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// endpointValidator refuses an endpoint that is empty or not an http(s) URL: an empty
// value (say, from an unset variable) must never mean the production endpoint.
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string {
	return "an http or https URL with a host, never empty"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := client.CheckEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint",
			fmt.Sprintf("%s: %s. Leave the argument out to use the default endpoint.", req.Path, err))
	}
}

// textValidator checks a name or description with client.CheckText, counting characters
// as the service does.
type textValidator struct {
	min, max int
	name     bool
}

func (v textValidator) Description(context.Context) string {
	return fmt.Sprintf("%d to %d characters without control characters", v.min, v.max)
}

func (v textValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v textValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := client.CheckText(req.ConfigValue.ValueString(), v.min, v.max, v.name); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// Tags checks a map of tags against the limits of client.CheckTag and MaxUserTags.
func Tags() validator.Map { return tagsValidator{} }

type tagsValidator struct{}

func (tagsValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d tags, keys of 1 to %d characters, values of up to %d", client.MaxUserTags, client.MaxTagKeyLength, client.MaxTagValueLength)
}

func (v tagsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagsValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	if len(elems) > client.MaxUserTags {
		resp.Diagnostics.AddAttributeError(req.Path, "Too many tags",
			fmt.Sprintf("%s has %d tags; at most %d are allowed (the resource holds %d, one of which is the provider's create token).", req.Path, len(elems), client.MaxUserTags, client.MaxTagsPerResource))
	}
	for k, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			continue
		}
		if err := client.CheckTag(k, s.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid tag", fmt.Sprintf("%s: %s.", req.Path, err))
		}
	}
}

package provider

// The data sources that read their configuration as Terraform values directly (the
// simulation and the access analysis: decoding through the framework's reflection costs
// several times more) and build their state the same way share these helpers.

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// configObject reads a data source's configuration as its attributes and its object type,
// for building state as Terraform values directly.
func configObject(config tftypes.Value) (map[string]tftypes.Value, tftypes.Object, error) {
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		return nil, tftypes.Object{}, err
	}
	objectType, ok := config.Type().(tftypes.Object)
	if !ok {
		return nil, tftypes.Object{}, fmt.Errorf("the configuration is a %s, not an object", config.Type())
	}
	return attrs, objectType, nil
}

// nestedListType returns the type of an object's attribute that is a list of objects, and
// that of its elements.
func nestedListType(t tftypes.Object, name string) (tftypes.List, tftypes.Object, error) {
	list, ok := t.AttributeTypes[name].(tftypes.List)
	if !ok {
		return tftypes.List{}, tftypes.Object{}, fmt.Errorf("%s is not a list", name)
	}
	element, ok := list.ElementType.(tftypes.Object)
	if !ok {
		return tftypes.List{}, tftypes.Object{}, fmt.Errorf("%s is not a list of objects", name)
	}
	return list, element, nil
}

// tfDecoder reads known Terraform values, remembering the first error: null reads as
// the zero value.
type tfDecoder struct{ err error }

func (d *tfDecoder) as(v tftypes.Value, dst any) bool {
	if d.err != nil || v.Type() == nil || v.IsNull() {
		return false
	}
	if err := v.As(dst); err != nil {
		d.err = err
		return false
	}
	return true
}

func (d *tfDecoder) object(v tftypes.Value) map[string]tftypes.Value {
	var out map[string]tftypes.Value
	d.as(v, &out)
	return out
}

func (d *tfDecoder) list(v tftypes.Value) []tftypes.Value {
	var out []tftypes.Value
	d.as(v, &out)
	return out
}

func (d *tfDecoder) string(v tftypes.Value) types.String {
	var s string
	if !d.as(v, &s) {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func (d *tfDecoder) strings(v tftypes.Value) []string {
	list := d.list(v)
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = d.string(e).ValueString()
	}
	return out
}

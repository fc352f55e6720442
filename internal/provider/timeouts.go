package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/validators"
)

// operation is what a resource is doing, for its timeouts block.
type operation int

const (
	opCreate operation = iota
	opRead
	opUpdate
	opDelete
)

func (o operation) String() string { return [...]string{"create", "read", "update", "delete"}[o] }

// defaultTimeouts bound each operation of every resource (and the reads of the API data
// sources), retries and their waits included. A create gets the longest: it may retry,
// look its object up after a lost answer and wait for it to become readable.
var defaultTimeouts = [...]time.Duration{
	opCreate: 10 * time.Minute,
	opRead:   5 * time.Minute,
	opUpdate: 10 * time.Minute,
	opDelete: 10 * time.Minute,
}

// timeoutsBlock is the `timeouts` block of a resource, with create, read and delete, and
// update when the resource updates anything in place.
func timeoutsBlock(ctx context.Context, withUpdate bool) schema.Block {
	describe := func(o operation) string {
		return fmt.Sprintf("How long %s may take, as a duration such as `30s` or `15m`, retries included. Default `%s`.",
			o, validators.ShortDuration(defaultTimeouts[o]))
	}
	opts := timeouts.Opts{
		Create: true, CreateDescription: describe(opCreate),
		Read: true, ReadDescription: describe(opRead),
		Delete: true, DeleteDescription: describe(opDelete),
	}
	if withUpdate {
		opts.Update, opts.UpdateDescription = true, describe(opUpdate)
	}
	b := timeouts.Block(ctx, opts)
	if nb, ok := b.(schema.SingleNestedBlock); ok {
		nb.MarkdownDescription = "Time limits of this resource's operations. When one passes, the operation fails " +
			"with an error that says so; what it had done is kept in state."
		return nb
	}
	return b
}

// withTimeout bounds ctx by the configured (or default) timeout of o.
func withTimeout(ctx context.Context, t timeouts.Value, o operation, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d := defaultTimeouts[o]
	if !t.IsNull() && !t.IsUnknown() {
		var got time.Duration
		var ds diag.Diagnostics
		switch o {
		case opCreate:
			got, ds = t.Create(ctx, d)
		case opRead:
			got, ds = t.Read(ctx, d)
		case opUpdate:
			got, ds = t.Update(ctx, d)
		case opDelete:
			got, ds = t.Delete(ctx, d)
		}
		diags.Append(ds...)
		d = got
	}
	return context.WithTimeout(ctx, d)
}

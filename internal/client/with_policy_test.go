package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/emulator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/signer"
)

// TestWithPolicy tells a policy that is not visible to reads yet from one that is gone,
// against the emulator's read-after-write delay.
func TestWithPolicy(t *testing.T) {
	srv, err := emulator.New(emulator.Config{
		AccessKey: "AK", SecretKey: "SK", AccountID: "0123456789abcdef0123456789abcdef",
		Faults: emulator.Faults{ReadAfterWriteDelay: 300 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c, err := New(Config{
		IAMEndpoint: url, OrganizationsEndpoint: url, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		ReadAfterWriteTimeout: 5 * time.Second,
		Credentials:           signer.Credentials{AccessKey: "AK", SecretKey: "SK", DomainID: "0123456789abcdef0123456789abcdef"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := c.CreatePolicy(ctx, CreatePolicyInput{Name: "fresh", Document: `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}`})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	err = c.WithPolicy(ctx, p.PolicyID, func(ctx context.Context) error {
		calls++
		_, err := c.GetPolicy(ctx, p.PolicyID)
		return err
	})
	if err != nil || calls < 2 {
		t.Fatalf("a new policy not yet visible: err %v after %d calls, want success after a retry", err, calls)
	}
	err = c.WithPolicy(ctx, "00000000-0000-0000-0000-000000000000", func(ctx context.Context) error {
		_, err := c.GetPolicy(ctx, "00000000-0000-0000-0000-000000000000")
		return err
	})
	if !errors.Is(err, ErrPolicyGone) {
		t.Fatalf("a missing policy: %v, want ErrPolicyGone", err)
	}
}

package client

import (
	"context"
	"errors"
	"strings"
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

// emulatorClient is a client of a fresh emulator, stopped when the test ends.
func emulatorClient(t *testing.T) *Client {
	t.Helper()
	srv, err := emulator.New(emulator.Config{AccessKey: "AK", SecretKey: "SK", AccountID: "0123456789abcdef0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	c, err := New(Config{
		IAMEndpoint: url, OrganizationsEndpoint: url,
		Credentials: signer.Credentials{AccessKey: "AK", SecretKey: "SK", DomainID: "0123456789abcdef0123456789abcdef"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFindPolicyOfAnyTypeByName finds the emulator's stand-in system policies by name, and a
// custom policy first when one has the same name.
func TestFindPolicyOfAnyTypeByName(t *testing.T) {
	c := emulatorClient(t)
	ctx := context.Background()
	full, ro := emulator.SystemPolicies[0], emulator.SystemPolicies[1]
	p, err := c.FindPolicyOfAnyTypeByName(ctx, ro.Name)
	if err != nil || p.PolicyID != ro.ID || !p.IsSystem() {
		t.Fatalf("%s: %+v, %v", ro.Name, p, err)
	}
	if _, err := c.FindPolicyByName(ctx, ro.Name); !IsNotFound(err) {
		t.Errorf("FindPolicyByName (custom only) found the system policy %s: %v", ro.Name, err)
	}
	mine, err := c.CreatePolicy(ctx, CreatePolicyInput{Name: full.Name, Document: `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.FindPolicyOfAnyTypeByName(ctx, full.Name); err != nil || p.PolicyID != mine.PolicyID || p.IsSystem() {
		t.Errorf("%s with a custom namesake: %+v, %v; want the custom one", full.Name, p, err)
	}
	if _, err := c.FindPolicyOfAnyTypeByName(ctx, "nobody"); !IsNotFound(err) {
		t.Errorf("an unknown name: %v, want not found", err)
	}
}

// TestUpdateSCPRenameToTakenName: renaming an SCP to a name another SCP holds under other
// case is refused with a NameTakenError that names the holder, as a create is, not with the
// bare 409; a rename that only changes its own name's case goes through.
func TestUpdateSCPRenameToTakenName(t *testing.T) {
	c := emulatorClient(t)
	ctx := context.Background()
	const content = `{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"],"Resource":["*"]}]}`
	holder, err := c.CreateSCP(ctx, CreateSCPInput{Name: "Team-Guard", Content: content})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := c.CreateSCP(ctx, CreateSCPInput{Name: "mine", Content: content})
	if err != nil {
		t.Fatal(err)
	}
	name := "team-guard"
	_, err = c.UpdateSCP(ctx, mine.ID, UpdateSCPInput{Name: &name})
	var taken *NameTakenError
	want := `the service control policy name "team-guard" is already taken by ` + holder.ID +
		` (named "Team-Guard": names are unique ignoring case), so ` + mine.ID + ` cannot be renamed to it (UpdatePolicy:`
	if !errors.As(err, &taken) || taken.ID != holder.ID || taken.Renaming != mine.ID || !IsConflict(err) || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v\nwant a NameTakenError starting %q and wrapping the 409", err, want)
	}
	name = "MINE"
	if s, err := c.UpdateSCP(ctx, mine.ID, UpdateSCPInput{Name: &name}); err != nil || s.Name != "MINE" {
		t.Fatalf("renaming to its own name under other case: %+v, %v", s, err)
	}
}

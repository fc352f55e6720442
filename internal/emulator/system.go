package emulator

import (
	"strings"
	"time"
)

// System identity policies: the vendor's IAM has system-defined identity policies
// (policy_type "system") that every account can read and attach and nobody can change. The
// vendor's list was not available to this project; the emulator serves a small set of
// STAND-INS shaped like them (an IMS full-access and an IMS read-only document). Their
// names, ids, URNs, descriptions and documents are the emulator's own, not the vendor's.
// What the vendor does publish is in the catalog (catalog.SystemPolicies): no IMS policy's
// document or id is among it, so the stand-ins stay.
//
// They live in the state beside the custom policies (so that their attachments are kept
// and journaled like any other), with System set, fixed ids and negative creation numbers
// (they list first and take nothing from the state's counter). A state saved before they
// existed gets them when it is loaded.

// SystemPolicy is one stand-in system identity policy.
type SystemPolicy struct {
	ID, Name, Description, Document string
}

// SystemPolicies are the stand-ins, in the order they list.
var SystemPolicies = []SystemPolicy{
	{
		ID: "5e000000-0000-4000-8000-000000000001", Name: "IMSFullAccessPolicy",
		Description: "Stand-in for a system policy: all IMS actions on all resources (emulator, not the vendor's list)",
		Document:    `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:*:*"],"Resource":["*"]}]}`,
	},
	{
		ID: "5e000000-0000-4000-8000-000000000002", Name: "IMSReadOnlyPolicy",
		Description: "Stand-in for a system policy: read and list IMS images (emulator, not the vendor's list)",
		Document:    `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:*:get*","ims:*:list*"],"Resource":["*"]}]}`,
	},
}

// systemPolicyCreated is the stand-ins' creation time (the emulator's own).
var systemPolicyCreated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// systemURN is a system policy's URN: the account part is "system" (inferred).
func systemURN(name string) string { return "iam::system:policy:" + name }

// addSystemPolicies puts the stand-ins missing from the state into it.
func addSystemPolicies(st *state) {
	for i, sp := range SystemPolicies {
		if st.Policies[sp.ID] != nil {
			continue
		}
		st.Policies[sp.ID] = &Policy{
			ID: sp.ID, Name: sp.Name, Description: sp.Description, URN: systemURN(sp.Name), System: true,
			DefaultVersionID: "v1", NextVersion: 2,
			Versions:  []PolicyVersion{{ID: "v1", Document: sp.Document, CreatedAt: systemPolicyCreated}},
			CreatedAt: systemPolicyCreated, UpdatedAt: systemPolicyCreated,
			Seq: int64(i - len(SystemPolicies)),
		}
	}
}

// policyType is the policy_type the vendor reports for a policy.
func (p *Policy) policyType() string {
	if p.System {
		return policyTypeSystem
	}
	return policyTypeCustom
}

// Policy types of IAM v5.
const (
	policyTypeCustom = "custom"
	policyTypeSystem = "system"
)

// refuseSystemLocked answers a change to a system policy.
func refuseSystemLocked(p *Policy, change string) *apiError {
	if !p.System {
		return nil
	}
	return fail(errIAMSystemPolicy, "%s (%s) is a system policy: it cannot be %s", p.ID, p.Name, change)
}

// customPolicies counts the custom policies (the quota's).
func (st *state) customPolicies() int {
	n := 0
	for _, p := range st.Policies {
		if !p.System {
			n++
		}
	}
	return n
}

// customPolicyByName finds a custom policy by name, ignoring case: custom names are unique
// among custom policies (a system policy's name does not take it; inferred, as AWS's
// managed and customer policies are distinct).
func (st *state) customPolicyByName(name string) *Policy {
	for _, p := range st.Policies {
		if !p.System && strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

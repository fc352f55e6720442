// Package emulator is a local stand-in for the Huawei Cloud APIs the imspolicy provider
// calls: the IAM v5 identity policy APIs and the Organizations service control policy (SCP)
// APIs, with the vendor's paths, bodies, field names, limits and error body
// ({"error_code", "error_msg", "request_id"}). One http.Handler serves both services, so the
// provider's IAM and Organizations endpoints can both point at it. It does not import
// Terraform.
//
// Every request must be signed with SDK-HMAC-SHA256 using Config.AccessKey and
// Config.SecretKey (package signer verifies it); a wrong signature is answered 401 APIGW.0301.
// X-Domain-Id, when sent, must be Config.AccountID. What the headers show (Authorization,
// the access key, X-Sdk-Date, X-Security-Token, X-Domain-Id) is checked before the body is
// read; bodies over MaxBody are answered 413 APIGW.0201 without being read whole.
//
// # As a server
//
// Server.Start serves within Config.Limits (DefaultLimits: header, read, write and idle
// timeouts, a header size and a number of connections), so that slow clients are cut off.
// With Config.StatePath, each write appends one fsynced record to a journal beside the
// state file, folded into it at start and every 1,000 writes (see store.go): a write costs
// the same whatever the size of the state, and a kill at any point keeps every answered
// write.
//
// # Endpoints
//
// IAM v5:
//
//	POST   /v5/policies                                   {policy_name, policy_document, path?, description?} -> 200 {policy}
//	GET    /v5/policies?limit&marker&policy_type&path_prefix&only_attached -> {policies, page_info}
//	GET    /v5/policies/{policy_id}                       -> {policy}
//	PUT    /v5/policies/{policy_id}                       {description} -> 204 (the API reference's UpdatePolicyV5; not in the SDK)
//	DELETE /v5/policies/{policy_id}                       -> 204
//	POST   /v5/policies/{policy_id}/versions              {policy_document, set_as_default?} -> {policy_version}
//	GET    /v5/policies/{policy_id}/versions?limit&marker -> {versions, page_info} (newest first)
//	GET    /v5/policies/{policy_id}/versions/{version_id} -> {policy_version}
//	DELETE /v5/policies/{policy_id}/versions/{version_id} -> 204
//	POST   /v5/policies/{policy_id}/versions/{version_id}/set-default -> 200
//	POST   /v5/policies/{policy_id}/attach-user|attach-group|attach-agency {user_id|group_id|agency_id} -> 200
//	POST   /v5/policies/{policy_id}/detach-user|detach-group|detach-agency {…} -> 200
//	GET    /v5/policies/{policy_id}/attached-entities?entity_type&limit&marker -> {policy_users, policy_groups, policy_agencies, page_info}
//	GET    /v5/users|groups|agencies/{id}/attached-policies?limit&marker -> {attached_policies, page_info}
//	GET    /v5/authorization-schemas/services/ims         -> {version, actions, resources, conditions, operations} (from package catalog)
//
// Organizations:
//
//	POST   /v1/organizations/policies                     {name, content, type, description, tags} -> 201 {policy}
//	GET    /v1/organizations/policies?limit&marker&attached_entity_id -> {policies, page_info}
//	GET    /v1/organizations/policies/{policy_id}         -> {policy: {content, policy_summary}}
//	PATCH  /v1/organizations/policies/{policy_id}         {name?, content?, description?} -> {policy}
//	DELETE /v1/organizations/policies/{policy_id}         -> 204
//	POST   /v1/organizations/policies/{policy_id}/attach|detach {entity_id} -> 200
//	GET    /v1/organizations/policies/{policy_id}/attached-entities -> {attached_entities, page_info}
//	POST   /v1/organizations/policies/enable|disable      {policy_type, root_id} -> 202 {root}
//	GET    /v1/organizations/roots                        -> {roots, page_info}
//
// IAM's page_info omits next_marker on the last page; Organizations' sends it as null.
//
// # Limits (stated by the vendor)
//
// Identity policies: name 1–128 of [A-Za-z0-9_+=.@-], unique per account; document at most
// 6,144 characters of the text sent, escapes counted as written and white space not counted
// (policy.Chars, which cites the vendor); 5 versions (a sixth: 409 PAP5.0028); 1,500
// policies; 10 policies attached to one user, group or agency (Config.MaxPoliciesPerPrincipal).
// SCPs: name 1–64, description up to 512, content 5,120 characters (counted the same way),
// 1,000 SCPs, 20 tags, 5 SCPs attached to one root, OU or account, FullAccess included (Config.MaxSCPsPerTarget);
// the last SCP of an entity cannot be detached; enabling SCPs attaches the system FullAccess
// SCP everywhere; disabling detaches every SCP.
//
// # Inferred behaviour
//
// The vendor's sources do not say everything; these behaviours are the most likely ones and
// are kept here and in errors.go (every ErrorCode says whether it is Stated or Inferred):
//
//   - Deleting an identity policy that is attached: 409 PAP5.0018 (the vendor says it must
//     not be attached); deleting an attached SCP: 409 (as AWS's PolicyInUse).
//   - Deleting the default version: 409 PAP5.0019.
//   - Names are unique ignoring case (identity policies and SCPs): the vendor's pages
//     (CreatePolicyV5; the Organizations guide's "Creating an SCP") ask for unique names
//     without saying whether case counts. The provider's create-time name check follows.
//   - Attaching an identity policy twice succeeds without change; detaching one that is not
//     attached is 404. Attaching an SCP twice is 409; detaching one that is not attached 404.
//   - Attaching an SCP while SCPs are not enabled (or still pending) on the root: 400
//     Organizations.1207. Enabling twice: 409.
//   - The root lists only policy types that are enabled or pending_enable.
//   - Versions are listed newest first; version numbers are never reused.
//   - PUT /v5/policies/{id} changes the description and not updated_at
//     (which the vendor defines as the time of the default version's last change).
//   - Policy paths follow the vendor's grammar ("" or "foo/bar/"); the segments "." and
//     ".." (as in "../"), which its character set admits, are refused with 400 PAP5.0030.
//   - SCP content is measured, like identity policies, without white space.
//   - Documents are rejected (400 PAP5.0011 / Organizations.1201) when the provider's checker
//     (package policy) reports an error finding.
//   - System identity policies are STAND-INS (system.go: IMSFullAccessPolicy and
//     IMSReadOnlyPolicy, with the emulator's own ids, URNs iam::system:policy:<name> and
//     documents), not the vendor's list. They list with policy_type=system (and with no
//     policy_type, before the custom ones), can be read and attached, and every change
//     (description, versions, default version, delete) is 403 PAP5.0021. A custom policy
//     may take a system policy's name.
//   - The emulator does not model users, groups, agencies, OUs or accounts: any well-formed
//     id is accepted; OUs and accounts it has not seen carry the implicit FullAccess SCP while
//     SCPs are enabled; attached-entities reports their ids as names.
//   - URNs: iam::<account>:policy:<name>, organizations::<account>:policy:<org>/service_control_policy/<id>,
//     organizations::<account>:root:<org>/<root>; FullAccess's id is p-FullAccess.
//   - The authorization schema's operation ids are derived from Table 2's methods and paths
//     (catalog.Operations); an action's condition keys are listed under its resources when
//     it has resource types, under the action otherwise.
//   - Create answers 200 for identity policies (201 is stated for SCPs); attach, detach and
//     set-default answer 200 with no body.
//
// # Faults
//
// Config.Faults (and Server.SetFaults) inject, from a generator seeded with Config.Seed:
// 429/500/503 answers before acting (FailRate), connections closed without an answer after
// acting (DropRate, sparing the requests NoDrop lists), and 404 for GETs of a policy or SCP
// (and of its versions and attachments) created less than ReadAfterWriteDelay ago. Lists and
// writes are not delayed. Faults.OnCreate injects deterministic faults into chosen creates
// (the Nth create of a name): a 429/500/503 before acting, a drop after acting, or a 2xx
// answer with another body.
package emulator

package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// JSON field names follow the vendor's IAM v5 API (the SDK's
// services/iam/v5/model and the API reference pages).

// Policy is an IAM v5 identity policy (without its document: documents live
// in versions).
type Policy struct {
	PolicyID         string `json:"policy_id"`
	PolicyName       string `json:"policy_name"`
	PolicyType       string `json:"policy_type"` // "custom" or "system"
	URN              string `json:"urn"`
	Path             string `json:"path"`
	DefaultVersionID string `json:"default_version_id"`
	AttachmentCount  int    `json:"attachment_count"`
	Description      string `json:"description"`
	CreatedAt        string `json:"created_at"`
	UpdatedAt        string `json:"updated_at"`
}

// PolicyVersion is one version of an identity policy.
type PolicyVersion struct {
	Document  string `json:"document"`
	VersionID string `json:"version_id"` // "v1", "v2", ...
	IsDefault bool   `json:"is_default"`
	CreatedAt string `json:"created_at"`
}

// Policy types for ListPoliciesOptions.PolicyType.
const (
	PolicyTypeCustom = "custom"
	PolicyTypeSystem = "system"
)

// PrincipalType is what an identity policy attaches to.
type PrincipalType string

// Principal types.
const (
	PrincipalUser   PrincipalType = "user"
	PrincipalGroup  PrincipalType = "group"
	PrincipalAgency PrincipalType = "agency"
)

func (p PrincipalType) valid() bool {
	return p == PrincipalUser || p == PrincipalGroup || p == PrincipalAgency
}

// plural is the path collection of a principal type.
func (p PrincipalType) plural() string {
	if p == PrincipalAgency {
		return "agencies"
	}
	return string(p) + "s"
}

// updatePolicyDescriptionField is the body field of UpdatePolicyV5
// (PUT /v5/policies/{policy_id}). The vendor's API reference page
// "UpdatePolicyV5" names it "description" (0-1000 characters, answer 204);
// the project's reference had inferred "new_description".
const updatePolicyDescriptionField = "description"

const iamPageLimit = 100

type iamPageInfo struct {
	NextMarker   string `json:"next_marker"`
	CurrentCount int    `json:"current_count"`
}

// CreatePolicyInput is the body of CreatePolicyV5.
type CreatePolicyInput struct {
	Name        string // policy_name
	Path        string // path; "" or RootPath leaves the server's default
	Document    string // policy_document (JSON as a string)
	Description string // description; "" omits it
}

// CreatePolicy creates a custom identity policy (version v1). The POST is
// never blindly retried (see safeCreate). Nothing in an IAM v5 create marks an
// attempt as this call's (its body has only policy_name, path,
// policy_document and description), so a policy found under the name after
// an attempt whose answer was lost is never adopted: it may be another
// apply's, made at the same moment with the same document. The create fails
// with a *NameTakenError naming it, for the user to import it.
func (c *Client) CreatePolicy(ctx context.Context, in CreatePolicyInput) (*Policy, error) {
	if in.Name == "" {
		return nil, fmt.Errorf("CreatePolicyV5: policy name is required")
	}
	body := map[string]any{"policy_name": in.Name, "policy_document": in.Document}
	if in.Path != "" && in.Path != RootPath {
		body["path"] = in.Path
	}
	if in.Description != "" {
		body["description"] = in.Description
	}
	create := func(ctx context.Context) (*Policy, error) {
		var out struct {
			Policy *Policy `json:"policy"`
		}
		if _, err := c.do(ctx, call{op: "CreatePolicyV5", method: http.MethodPost, base: c.iam, path: "/v5/policies", body: body, noRetry: true}, &out); err != nil {
			return nil, err
		}
		if out.Policy == nil || out.Policy.PolicyID == "" {
			return nil, &UnusableAnswerError{Operation: "CreatePolicyV5", Detail: "its answer has no policy id"}
		}
		return out.Policy, nil
	}
	find := func(ctx context.Context) (*Policy, error) {
		p, err := c.policyHoldingName(ctx, in.Name)
		if IsNotFound(err) {
			return nil, nil
		}
		return p, err
	}
	cr := creation[*Policy]{
		kind: KindIdentityPolicy, name: in.Name, create: create,
		before: func(ctx context.Context) error {
			p, err := find(ctx)
			switch {
			case err != nil:
				return fmt.Errorf("CreatePolicyV5: checking that no identity policy is named %q before creating one: %w", in.Name, err)
			case p != nil:
				return &NameTakenError{Kind: KindIdentityPolicy, Name: in.Name, ID: p.PolicyID, Held: p.PolicyName}
			}
			return nil
		},
		made: func(ctx context.Context) (*Policy, bool, error) {
			p, err := find(ctx)
			if p == nil || err != nil {
				return nil, false, err
			}
			return nil, false, &NameTakenError{Kind: KindIdentityPolicy, Name: in.Name, ID: p.PolicyID, Held: p.PolicyName, AfterLostAnswer: lostIdentityPolicyAnswer}
		},
	}
	return safeCreate(ctx, c, cr)
}

// lostIdentityPolicyAnswer says why an identity policy found after a lost
// answer is not adopted.
const lostIdentityPolicyAnswer = "appeared while the answer to an attempt of this create was lost. It may be the policy that " +
	"attempt made, or one another apply made at the same moment: an IAM v5 create carries only the name, path, document and " +
	"description, so nothing tells two identical creations apart, and the provider never takes over an object it cannot prove " +
	"its own (the AWS provider does the same for IAM policies)"

// ObjectKind is the kind of object a create makes, as errors name it.
type ObjectKind string

// The kinds of objects the client creates.
const (
	KindIdentityPolicy        ObjectKind = "identity policy"
	KindIdentityPolicyVersion ObjectKind = "identity policy version"
	KindServiceControlPolicy  ObjectKind = "service control policy"
)

// GetPolicy reads a policy by id (GetPolicyV5).
func (c *Client) GetPolicy(ctx context.Context, policyID string) (*Policy, error) {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return nil, err
	}
	var out struct {
		Policy *Policy `json:"policy"`
	}
	if _, err := c.do(ctx, call{op: "GetPolicyV5", method: http.MethodGet, base: c.iam, path: "/v5/policies/" + id}, &out); err != nil {
		return nil, err
	}
	if out.Policy == nil {
		return nil, fmt.Errorf("GetPolicyV5: the answer has no policy")
	}
	return out.Policy, nil
}

// WaitForPolicy reads a policy, retrying while it answers 404 for up to
// Config.ReadAfterWriteTimeout (reads right after a create may not see it).
func (c *Client) WaitForPolicy(ctx context.Context, policyID string) (*Policy, error) {
	return waitFound(ctx, c, func(ctx context.Context) (*Policy, error) { return c.GetPolicy(ctx, policyID) })
}

// ListPoliciesOptions filter ListPolicies.
type ListPoliciesOptions struct {
	PolicyType   string // "custom", "system" or "" for both
	PathPrefix   string
	OnlyAttached bool
}

// ListPolicies returns every policy matching opts, following
// page_info.next_marker through all pages (ListPoliciesV5).
func (c *Client) ListPolicies(ctx context.Context, opts ListPoliciesOptions) ([]Policy, error) {
	var all []Policy
	err := paginate(ctx, "ListPoliciesV5", func(marker string) (string, error) {
		q := url.Values{"limit": {strconv.Itoa(iamPageLimit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		if opts.PolicyType != "" {
			q.Set("policy_type", opts.PolicyType)
		}
		if opts.PathPrefix != "" {
			q.Set("path_prefix", opts.PathPrefix)
		}
		if opts.OnlyAttached {
			q.Set("only_attached", "true")
		}
		var out struct {
			Policies []Policy    `json:"policies"`
			PageInfo iamPageInfo `json:"page_info"`
		}
		if _, err := c.do(ctx, call{op: "ListPoliciesV5", method: http.MethodGet, base: c.iam, path: "/v5/policies", query: q}, &out); err != nil {
			return "", err
		}
		all = append(all, out.Policies...)
		return out.PageInfo.NextMarker, nil
	})
	return all, err
}

// FindPolicyByName returns the custom policy with exactly this name, or a
// 404 *APIError when there is none.
func (c *Client) FindPolicyByName(ctx context.Context, name string) (*Policy, error) {
	return c.findCustomPolicy(ctx, name, func(held string) bool { return held == name })
}

// policyHoldingName returns the custom policy whose name is name ignoring
// case, which a create of name is refused for. The vendor's CreatePolicyV5
// page ("Creating a Custom Identity Policy", support.huaweicloud.com
// api-iam5/CreatePolicyV5.html) states the characters of policy_name but not
// whether uniqueness ignores case; ignoring case is inferred (IAM, which
// Huawei's v5 API follows, says "names are not distinguished by case"), and
// the emulator does the same.
func (c *Client) policyHoldingName(ctx context.Context, name string) (*Policy, error) {
	return c.findCustomPolicy(ctx, name, func(held string) bool { return strings.EqualFold(held, name) })
}

func (c *Client) findCustomPolicy(ctx context.Context, name string, same func(string) bool) (*Policy, error) {
	ps, err := c.ListPolicies(ctx, ListPoliciesOptions{PolicyType: PolicyTypeCustom})
	if err != nil {
		return nil, err
	}
	for i := range ps {
		// The list is asked for custom policies; skip system ones in case a
		// server ignores the filter.
		if same(ps[i].PolicyName) && ps[i].PolicyType != PolicyTypeSystem {
			return &ps[i], nil
		}
	}
	return nil, notFound("FindPolicyByName", fmt.Sprintf("no custom identity policy is named %q", name))
}

// FindPolicyOfAnyTypeByName returns the policy with exactly this name: the custom one when
// there is one, otherwise the system policy (system policies are read and attached, never
// managed), or a 404 *APIError when there is neither.
func (c *Client) FindPolicyOfAnyTypeByName(ctx context.Context, name string) (*Policy, error) {
	p, err := c.FindPolicyByName(ctx, name)
	if err == nil || !IsNotFound(err) {
		return p, err
	}
	ps, err := c.ListPolicies(ctx, ListPoliciesOptions{PolicyType: PolicyTypeSystem})
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].PolicyName == name && ps[i].IsSystem() {
			return &ps[i], nil
		}
	}
	return nil, notFound("FindPolicyOfAnyTypeByName", fmt.Sprintf("no custom or system identity policy is named %q", name))
}

// IsSystem reports whether the policy is a system policy: the cloud's own, which can be
// read and attached but never changed or deleted.
func (p Policy) IsSystem() bool { return p.PolicyType == PolicyTypeSystem }

// DeletePolicy deletes a custom policy (DeletePolicyV5). A 404 after an
// attempt whose answer was lost counts as deleted.
func (c *Client) DeletePolicy(ctx context.Context, policyID string) error {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{op: "DeletePolicyV5", method: http.MethodDelete, base: c.iam, path: "/v5/policies/" + id}, nil)
	if err != nil && IsNotFound(err) && mayHaveActed(err) {
		return nil
	}
	return err
}

// UpdatePolicyDescription changes the description of a custom policy
// (UpdatePolicyV5, PUT /v5/policies/{policy_id}).
func (c *Client) UpdatePolicyDescription(ctx context.Context, policyID, description string) error {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return err
	}
	body := map[string]any{updatePolicyDescriptionField: description}
	_, err = c.do(ctx, call{op: "UpdatePolicyV5", method: http.MethodPut, base: c.iam, path: "/v5/policies/" + id, body: body}, nil)
	return err
}

// CreatePolicyVersion adds a version (CreatePolicyVersionV5). A policy keeps
// at most 5 versions: a sixth answers 409 PAP5.0028. Like CreatePolicy, the
// POST is not blindly retried: after a failure the server may have acted on,
// a version with the same document (compared as JSON) is adopted (and made
// default when setAsDefault), otherwise the create is retried.
func (c *Client) CreatePolicyVersion(ctx context.Context, policyID, document string, setAsDefault bool) (*PolicyVersion, error) {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"policy_document": document, "set_as_default": setAsDefault}
	create := func(ctx context.Context) (*PolicyVersion, error) {
		var out struct {
			PolicyVersion *PolicyVersion `json:"policy_version"`
		}
		if _, err := c.do(ctx, call{op: "CreatePolicyVersionV5", method: http.MethodPost, base: c.iam, path: "/v5/policies/" + id + "/versions", body: body, noRetry: true}, &out); err != nil {
			return nil, err
		}
		if out.PolicyVersion == nil {
			return nil, fmt.Errorf("CreatePolicyVersionV5: the answer has no policy_version")
		}
		return out.PolicyVersion, nil
	}
	listVersions := func(ctx context.Context) ([]PolicyVersion, error) {
		var vs []PolicyVersion
		err := c.RetryWhileNotFound(ctx, func(ctx context.Context) error {
			var e error
			vs, e = c.ListPolicyVersions(ctx, id)
			return e
		})
		return vs, err
	}
	// Versions numbered up to newest existed before this call: never adopted.
	newest := 0
	cr := creation[*PolicyVersion]{
		kind: KindIdentityPolicyVersion, name: "of " + id, create: create,
		before: func(ctx context.Context) error {
			vs, err := listVersions(ctx)
			if err != nil {
				return fmt.Errorf("CreatePolicyVersionV5: listing the versions of %s before adding one: %w", id, err)
			}
			for _, v := range vs {
				newest = max(newest, versionNumber(v.VersionID))
			}
			return nil
		},
		made: func(ctx context.Context) (*PolicyVersion, bool, error) {
			vs, err := listVersions(ctx)
			if err != nil {
				return nil, false, err
			}
			var match *PolicyVersion
			for i := range vs {
				n := versionNumber(vs[i].VersionID)
				if n > newest && JSONEqual(vs[i].Document, document) && (match == nil || n > versionNumber(match.VersionID)) {
					match = &vs[i]
				}
			}
			if match == nil {
				return nil, false, nil
			}
			if setAsDefault && !match.IsDefault {
				if err := c.SetDefaultPolicyVersion(ctx, id, match.VersionID); err != nil {
					return nil, false, err
				}
				match.IsDefault = true
			}
			return match, true, nil
		},
	}
	return safeCreate(ctx, c, cr)
}

// ListPolicyVersions returns every version of a policy, all pages
// (ListPolicyVersionsV5).
func (c *Client) ListPolicyVersions(ctx context.Context, policyID string) ([]PolicyVersion, error) {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return nil, err
	}
	var all []PolicyVersion
	err = paginate(ctx, "ListPolicyVersionsV5", func(marker string) (string, error) {
		q := url.Values{"limit": {strconv.Itoa(iamPageLimit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		var out struct {
			Versions []PolicyVersion `json:"versions"`
			PageInfo iamPageInfo     `json:"page_info"`
		}
		if _, err := c.do(ctx, call{op: "ListPolicyVersionsV5", method: http.MethodGet, base: c.iam, path: "/v5/policies/" + id + "/versions", query: q}, &out); err != nil {
			return "", err
		}
		all = append(all, out.Versions...)
		return out.PageInfo.NextMarker, nil
	})
	return all, err
}

// GetPolicyVersion reads one version (GetPolicyVersionV5).
func (c *Client) GetPolicyVersion(ctx context.Context, policyID, versionID string) (*PolicyVersion, error) {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return nil, err
	}
	vid, err := pathID("version id", versionID)
	if err != nil {
		return nil, err
	}
	var out struct {
		PolicyVersion *PolicyVersion `json:"policy_version"`
	}
	if _, err := c.do(ctx, call{op: "GetPolicyVersionV5", method: http.MethodGet, base: c.iam, path: "/v5/policies/" + id + "/versions/" + vid}, &out); err != nil {
		return nil, err
	}
	if out.PolicyVersion == nil {
		return nil, fmt.Errorf("GetPolicyVersionV5: the answer has no policy_version")
	}
	return out.PolicyVersion, nil
}

// GetPolicyDocument returns the default version of a policy (GetPolicyV5 then
// GetPolicyVersionV5).
func (c *Client) GetPolicyDocument(ctx context.Context, policyID string) (*Policy, *PolicyVersion, error) {
	p, err := c.GetPolicy(ctx, policyID)
	if err != nil {
		return nil, nil, err
	}
	v, err := c.GetPolicyVersion(ctx, p.PolicyID, p.DefaultVersionID)
	if err != nil {
		return p, nil, err
	}
	return p, v, nil
}

// DeletePolicyVersion deletes a non-default version (DeletePolicyVersionV5).
// A 404 after an attempt whose answer was lost counts as deleted.
func (c *Client) DeletePolicyVersion(ctx context.Context, policyID, versionID string) error {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return err
	}
	vid, err := pathID("version id", versionID)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{op: "DeletePolicyVersionV5", method: http.MethodDelete, base: c.iam, path: "/v5/policies/" + id + "/versions/" + vid}, nil)
	if err != nil && IsNotFound(err) && mayHaveActed(err) {
		return nil
	}
	return err
}

// SetDefaultPolicyVersion makes a version the default
// (SetDefaultPolicyVersionV5); idempotent.
func (c *Client) SetDefaultPolicyVersion(ctx context.Context, policyID, versionID string) error {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return err
	}
	vid, err := pathID("version id", versionID)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{op: "SetDefaultPolicyVersionV5", method: http.MethodPost, base: c.iam, path: "/v5/policies/" + id + "/versions/" + vid + "/set-default"}, nil)
	return err
}

// AttachPolicy attaches a policy to a user, group or agency
// (AttachUserPolicyV5 etc.: POST /v5/policies/{id}/attach-user with
// {"user_id"}). When an attempt's answer was lost and the retry fails (e.g.
// 409: already attached), the attachment is checked and success reported if
// it is there.
func (c *Client) AttachPolicy(ctx context.Context, policyID string, pt PrincipalType, principalID string) error {
	return c.tachPolicy(ctx, "attach", policyID, pt, principalID)
}

// DetachPolicy detaches a policy (DetachUserPolicyV5 etc.). When an attempt's
// answer was lost and the retry fails (e.g. 404: not attached), success is
// reported if the attachment is gone.
func (c *Client) DetachPolicy(ctx context.Context, policyID string, pt PrincipalType, principalID string) error {
	return c.tachPolicy(ctx, "detach", policyID, pt, principalID)
}

func (c *Client) tachPolicy(ctx context.Context, verb, policyID string, pt PrincipalType, principalID string) error {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return err
	}
	if !pt.valid() {
		return fmt.Errorf("invalid principal type %q: want user, group or agency", pt)
	}
	if principalID == "" {
		return fmt.Errorf("%s policy: empty %s id", verb, pt)
	}
	op := map[string]string{"attach": "Attach", "detach": "Detach"}[verb] + map[PrincipalType]string{PrincipalUser: "User", PrincipalGroup: "Group", PrincipalAgency: "Agency"}[pt] + "PolicyV5"
	body := map[string]any{string(pt) + "_id": principalID}
	_, err = c.do(ctx, call{op: op, method: http.MethodPost, base: c.iam, path: "/v5/policies/" + id + "/" + verb + "-" + string(pt), body: body}, nil)
	if err == nil || !mayHaveActed(err) || statusOf(err) < 400 || statusOf(err) >= 500 {
		return err
	}
	// Check what the server holds (reads right after writes may answer
	// 404 for a while).
	var attached bool
	cerr := c.RetryWhileNotFound(ctx, func(ctx context.Context) error {
		var e error
		attached, e = c.IsPolicyAttached(ctx, id, pt, principalID)
		return e
	})
	if cerr == nil && attached == (verb == "attach") {
		tflog.Info(ctx, "an earlier attempt whose answer was lost had done it", map[string]any{"operation": op, "policy_id": id, "principal_id": principalID})
		return nil
	}
	return err
}

// AttachedEntity is a principal a policy is attached to.
type AttachedEntity struct {
	ID         string
	AttachedAt string
}

// PolicyEntities lists the principals of a policy by type.
type PolicyEntities struct {
	Users    []AttachedEntity
	Groups   []AttachedEntity
	Agencies []AttachedEntity
}

// Of returns the entities of one principal type.
func (e *PolicyEntities) Of(pt PrincipalType) []AttachedEntity {
	switch pt {
	case PrincipalUser:
		return e.Users
	case PrincipalGroup:
		return e.Groups
	case PrincipalAgency:
		return e.Agencies
	}
	return nil
}

// ListPolicyEntities lists the principals a policy is attached to, all pages
// (ListEntitiesForPolicyV5, GET /v5/policies/{id}/attached-entities).
// entityType "" lists all three types.
func (c *Client) ListPolicyEntities(ctx context.Context, policyID string, entityType PrincipalType) (*PolicyEntities, error) {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return nil, err
	}
	if entityType != "" && !entityType.valid() {
		return nil, fmt.Errorf("invalid entity type %q: want user, group or agency", entityType)
	}
	res := &PolicyEntities{}
	err = paginate(ctx, "ListEntitiesForPolicyV5", func(marker string) (string, error) {
		q := url.Values{"limit": {strconv.Itoa(iamPageLimit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		if entityType != "" {
			q.Set("entity_type", string(entityType))
		}
		var out struct {
			PolicyUsers []struct {
				UserID     string `json:"user_id"`
				AttachedAt string `json:"attached_at"`
			} `json:"policy_users"`
			PolicyGroups []struct {
				GroupID    string `json:"group_id"`
				AttachedAt string `json:"attached_at"`
			} `json:"policy_groups"`
			PolicyAgencies []struct {
				AgencyID   string `json:"agency_id"`
				AttachedAt string `json:"attached_at"`
			} `json:"policy_agencies"`
			PageInfo iamPageInfo `json:"page_info"`
		}
		if _, err := c.do(ctx, call{op: "ListEntitiesForPolicyV5", method: http.MethodGet, base: c.iam, path: "/v5/policies/" + id + "/attached-entities", query: q}, &out); err != nil {
			return "", err
		}
		for _, u := range out.PolicyUsers {
			res.Users = append(res.Users, AttachedEntity{ID: u.UserID, AttachedAt: u.AttachedAt})
		}
		for _, g := range out.PolicyGroups {
			res.Groups = append(res.Groups, AttachedEntity{ID: g.GroupID, AttachedAt: g.AttachedAt})
		}
		for _, a := range out.PolicyAgencies {
			res.Agencies = append(res.Agencies, AttachedEntity{ID: a.AgencyID, AttachedAt: a.AttachedAt})
		}
		return out.PageInfo.NextMarker, nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// IsPolicyAttached reports whether a policy is attached to a principal.
func (c *Client) IsPolicyAttached(ctx context.Context, policyID string, pt PrincipalType, principalID string) (bool, error) {
	es, err := c.ListPolicyEntities(ctx, policyID, pt)
	if err != nil {
		return false, err
	}
	for _, e := range es.Of(pt) {
		if e.ID == principalID {
			return true, nil
		}
	}
	return false, nil
}

// AttachedPolicy is a policy attached to a principal.
type AttachedPolicy struct {
	PolicyID   string `json:"policy_id"`
	PolicyName string `json:"policy_name"`
	URN        string `json:"urn"`
	AttachedAt string `json:"attached_at"`
}

// ListAttachedPolicies lists the policies attached to a principal, all pages
// (GET /v5/users/{id}/attached-policies, groups and agencies likewise).
func (c *Client) ListAttachedPolicies(ctx context.Context, pt PrincipalType, principalID string) ([]AttachedPolicy, error) {
	if !pt.valid() {
		return nil, fmt.Errorf("invalid principal type %q: want user, group or agency", pt)
	}
	pid, err := pathID(string(pt)+" id", principalID)
	if err != nil {
		return nil, err
	}
	op := "ListAttached" + map[PrincipalType]string{PrincipalUser: "User", PrincipalGroup: "Group", PrincipalAgency: "Agency"}[pt] + "PoliciesV5"
	var all []AttachedPolicy
	err = paginate(ctx, op, func(marker string) (string, error) {
		q := url.Values{"limit": {strconv.Itoa(iamPageLimit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		var out struct {
			AttachedPolicies []AttachedPolicy `json:"attached_policies"`
			PageInfo         iamPageInfo      `json:"page_info"`
		}
		if _, err := c.do(ctx, call{op: op, method: http.MethodGet, base: c.iam, path: "/v5/" + pt.plural() + "/" + pid + "/attached-policies", query: q}, &out); err != nil {
			return "", err
		}
		all = append(all, out.AttachedPolicies...)
		return out.PageInfo.NextMarker, nil
	})
	return all, err
}

func versionNumber(v string) int {
	if len(v) > 1 && (v[0] == 'v' || v[0] == 'V') {
		if n, err := strconv.Atoi(v[1:]); err == nil {
			return n
		}
	}
	return -1
}

// MaxPolicyVersions is how many versions an identity policy keeps: the vendor answers a
// sixth with 409 PAP5.0028.
const MaxPolicyVersions = 5

// ErrCodeVersionLimit is the vendor's error code for a version over MaxPolicyVersions.
const ErrCodeVersionLimit = "PAP5.0028"

// CreateDefaultPolicyVersion adds a version with the document and makes it the default.
// At the limit of versions it first deletes the oldest version that is not the default
// (and again, at most twice, if another writer filled the free place meanwhile).
func (c *Client) CreateDefaultPolicyVersion(ctx context.Context, policyID, document string) (*PolicyVersion, error) {
	for attempt := 0; ; attempt++ {
		versions, err := c.ListPolicyVersions(ctx, policyID)
		if err != nil {
			return nil, err
		}
		if len(versions) >= MaxPolicyVersions {
			oldest := OldestNonDefaultVersion(versions)
			if oldest == "" {
				return nil, fmt.Errorf("identity policy %s has %d versions and none of them can be deleted", policyID, len(versions))
			}
			tflog.Info(c.logContext(ctx), "deleting the oldest non-default version to make room for a new one",
				map[string]any{"policy_id": policyID, "version_id": oldest, "versions": len(versions)})
			if err := c.DeletePolicyVersion(ctx, policyID, oldest); err != nil && !IsNotFound(err) {
				return nil, err
			}
		}
		v, err := c.CreatePolicyVersion(ctx, policyID, document, true)
		if err != nil && ErrorCode(err) == ErrCodeVersionLimit && attempt < 2 {
			continue
		}
		return v, err
	}
}

// OldestNonDefaultVersion returns the id of the lowest-numbered version that is not the
// default, or "".
func OldestNonDefaultVersion(versions []PolicyVersion) string {
	oldest := ""
	for _, v := range versions {
		if v.IsDefault {
			continue
		}
		if oldest == "" || VersionNumber(v.VersionID) < VersionNumber(oldest) {
			oldest = v.VersionID
		}
	}
	return oldest
}

// VersionNumber reads N from a version id "vN"; -1 when it is not of that form.
func VersionNumber(id string) int {
	if len(id) > 1 && (id[0] == 'v' || id[0] == 'V') {
		if n, err := strconv.Atoi(id[1:]); err == nil {
			return n
		}
	}
	return -1
}

// RootPath is how the provider names the root of the policy path tree. The vendor's path
// grammar ("" or segments each ending in "/") has no "/": the API reports the root as "",
// and a create with RootPath sends no path.
const RootPath = "/"

// PathOrRoot returns the policy's path, RootPath for the root.
func (p Policy) PathOrRoot() string {
	if p.Path == "" {
		return RootPath
	}
	return p.Path
}

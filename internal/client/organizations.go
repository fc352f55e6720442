package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// JSON field names follow the vendor's Organizations v1 API (the SDK's
// services/organizations/v1/model and the API reference pages).

// Organizations policy types and root policy-type statuses.
const (
	PolicyTypeServiceControl = "service_control_policy"
	PolicyTypeTag            = "tag_policy"

	PolicyTypeStatusEnabled        = "enabled"
	PolicyTypeStatusPendingEnable  = "pending_enable"
	PolicyTypeStatusDisabled       = "disabled"
	PolicyTypeStatusPendingDisable = "pending_disable"
)

// orgsPageLimit: the API's default page is 1,000; ask for less per page.
const orgsPageLimit = 200

// SCP is an Organizations policy (here: a service control policy). Content
// is empty in list results.
type SCP struct {
	ID          string
	URN         string
	Name        string
	Type        string
	Description string
	IsBuiltin   bool
	Content     string
}

type policySummaryDTO struct {
	IsBuiltin   bool   `json:"is_builtin"`
	Description string `json:"description"`
	ID          string `json:"id"`
	URN         string `json:"urn"`
	Name        string `json:"name"`
	Type        string `json:"type"`
}

type policyDTO struct {
	Content       string            `json:"content"`
	PolicySummary *policySummaryDTO `json:"policy_summary"`
}

func (s policySummaryDTO) scp() SCP {
	return SCP{ID: s.ID, URN: s.URN, Name: s.Name, Type: s.Type, Description: s.Description, IsBuiltin: s.IsBuiltin}
}

func (d *policyDTO) scp() (*SCP, bool) {
	if d == nil || d.PolicySummary == nil || d.PolicySummary.ID == "" {
		return nil, false
	}
	s := d.PolicySummary.scp()
	s.Content = d.Content
	return &s, true
}

type orgsPageInfo struct {
	NextMarker   string `json:"next_marker"`
	CurrentCount int    `json:"current_count"`
}

// CreateSCPInput is the body of CreatePolicy (Organizations).
type CreateSCPInput struct {
	Name        string
	Description string
	Content     string // JSON as a string
	Tags        map[string]string
}

// CreateSCP creates a service control policy. The POST is never blindly
// retried (see safeCreate). Each call tags what it creates with a fresh random
// token under CreateTokenTagKey (Organizations' CreatePolicy takes tags), so
// that after an attempt whose answer was lost, the SCP holding the name is
// adopted only when it carries this call's token; one without it (another
// apply's, made at the same moment) fails the create with a *NameTakenError.
func (c *Client) CreateSCP(ctx context.Context, in CreateSCPInput) (*SCP, error) {
	if in.Name == "" {
		return nil, fmt.Errorf("CreatePolicy: SCP name is required")
	}
	token, err := newCreateToken()
	if err != nil {
		return nil, fmt.Errorf("CreatePolicy: %w", err)
	}
	tags := map[string]string{}
	for k, v := range in.Tags {
		tags[k] = v
	}
	tags[CreateTokenTagKey] = token
	body := map[string]any{
		"name":        in.Name,
		"content":     in.Content,
		"type":        PolicyTypeServiceControl,
		"description": in.Description,
		"tags":        tagList(tags),
	}
	create := func(ctx context.Context) (*SCP, error) {
		var out struct {
			Policy *policyDTO `json:"policy"`
		}
		if _, err := c.do(ctx, call{op: "CreatePolicy", method: http.MethodPost, base: c.orgs, path: "/v1/organizations/policies", body: body, noRetry: true}, &out); err != nil {
			return nil, err
		}
		s, ok := out.Policy.scp()
		if !ok {
			return nil, &UnusableAnswerError{Operation: "CreatePolicy", Detail: "its answer has no policy id"}
		}
		if s.Content == "" {
			s.Content = in.Content
		}
		return s, nil
	}
	find := func(ctx context.Context) (*SCP, error) {
		s, err := c.scpHoldingName(ctx, in.Name)
		if IsNotFound(err) {
			return nil, nil
		}
		return s, err
	}
	cr := creation[*SCP]{
		kind: KindServiceControlPolicy, name: in.Name, create: create,
		before: func(ctx context.Context) error {
			s, err := find(ctx)
			switch {
			case err != nil:
				return fmt.Errorf("CreatePolicy: checking that no service control policy is named %q before creating one: %w", in.Name, err)
			case s != nil:
				return &NameTakenError{Kind: KindServiceControlPolicy, Name: in.Name, ID: s.ID, Held: s.Name}
			}
			return nil
		},
		made: func(ctx context.Context) (*SCP, bool, error) {
			s, err := find(ctx)
			if s == nil || err != nil {
				return nil, false, err
			}
			var held map[string]string
			if err := c.RetryWhileNotFound(ctx, func(ctx context.Context) error {
				var e error
				held, e = c.listTags(ctx, s.ID)
				return e
			}); err != nil {
				return nil, false, err
			}
			if !s.IsBuiltin && held[CreateTokenTagKey] == token {
				got, err := c.WaitForSCP(ctx, s.ID)
				if err != nil {
					return nil, false, err
				}
				return got, true, nil
			}
			return nil, false, &NameTakenError{Kind: KindServiceControlPolicy, Name: in.Name, ID: s.ID, Held: s.Name,
				AfterLostAnswer: "appeared while the answer to an attempt of this create was lost, but does not carry that create's marker tag (" +
					CreateTokenTagKey + "), so another apply or someone else made it"}
		},
	}
	return safeCreate(ctx, c, cr)
}

// GetSCP reads an Organizations policy with its content (ShowPolicy).
func (c *Client) GetSCP(ctx context.Context, policyID string) (*SCP, error) {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return nil, err
	}
	var out struct {
		Policy *policyDTO `json:"policy"`
	}
	if _, err := c.do(ctx, call{op: "ShowPolicy", method: http.MethodGet, base: c.orgs, path: "/v1/organizations/policies/" + id}, &out); err != nil {
		return nil, err
	}
	s, ok := out.Policy.scp()
	if !ok {
		return nil, fmt.Errorf("ShowPolicy: the answer has no policy")
	}
	return s, nil
}

// WaitForSCP reads an SCP, retrying while it answers 404 for up to
// Config.ReadAfterWriteTimeout.
func (c *Client) WaitForSCP(ctx context.Context, policyID string) (*SCP, error) {
	return waitFound(ctx, c, func(ctx context.Context) (*SCP, error) { return c.GetSCP(ctx, policyID) })
}

// UpdateSCPInput holds the fields to change; nil leaves a field as it is.
type UpdateSCPInput struct {
	Name        *string
	Description *string
	Content     *string
}

// UpdateSCP changes name, description and/or content (UpdatePolicy, PATCH).
func (c *Client) UpdateSCP(ctx context.Context, policyID string, in UpdateSCPInput) (*SCP, error) {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return nil, err
	}
	body := map[string]any{}
	if in.Name != nil {
		body["name"] = *in.Name
	}
	if in.Description != nil {
		body["description"] = *in.Description
	}
	if in.Content != nil {
		body["content"] = *in.Content
	}
	var out struct {
		Policy *policyDTO `json:"policy"`
	}
	if _, err := c.do(ctx, call{op: "UpdatePolicy", method: http.MethodPatch, base: c.orgs, path: "/v1/organizations/policies/" + id, body: body}, &out); err != nil {
		if in.Name != nil && IsConflict(err) {
			return nil, c.renameRefused(ctx, id, *in.Name, err)
		}
		return nil, err
	}
	if s, ok := out.Policy.scp(); ok {
		return s, nil
	}
	return c.GetSCP(ctx, id)
}

// renameRefused explains a 409 to a rename: when another SCP holds the name (names are
// unique ignoring case), a *NameTakenError that names it, as a create's does. Otherwise, or
// when the lookup fails, the API's answer as it is.
func (c *Client) renameRefused(ctx context.Context, id, name string, err error) error {
	holder, lerr := c.scpHoldingName(ctx, name)
	if lerr != nil || holder.ID == id {
		return err
	}
	return &NameTakenError{Kind: KindServiceControlPolicy, Name: name, ID: holder.ID, Held: holder.Name, Renaming: id, Err: err}
}

// DeleteSCP deletes an Organizations policy (DeletePolicy). A 404 after an
// attempt whose answer was lost counts as deleted.
func (c *Client) DeleteSCP(ctx context.Context, policyID string) error {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{op: "DeletePolicy", method: http.MethodDelete, base: c.orgs, path: "/v1/organizations/policies/" + id}, nil)
	if err != nil && IsNotFound(err) && mayHaveActed(err) {
		return nil
	}
	return err
}

// ListOrganizationPolicies lists Organizations policies of every type, all
// pages (ListPolicies: GET /v1/organizations/policies?limit&marker, plus
// attached_entity_id when not empty).
func (c *Client) ListOrganizationPolicies(ctx context.Context, attachedEntityID string) ([]SCP, error) {
	var all []SCP
	err := paginate(ctx, "ListPolicies", func(marker string) (string, error) {
		q := url.Values{"limit": {strconv.Itoa(orgsPageLimit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		if attachedEntityID != "" {
			q.Set("attached_entity_id", attachedEntityID)
		}
		var out struct {
			Policies []policySummaryDTO `json:"policies"`
			PageInfo orgsPageInfo       `json:"page_info"`
		}
		if _, err := c.do(ctx, call{op: "ListPolicies", method: http.MethodGet, base: c.orgs, path: "/v1/organizations/policies", query: q}, &out); err != nil {
			return "", err
		}
		for _, p := range out.Policies {
			all = append(all, p.scp())
		}
		return out.PageInfo.NextMarker, nil
	})
	return all, err
}

// ListSCPs lists the service control policies (type service_control_policy),
// all pages, without content.
func (c *Client) ListSCPs(ctx context.Context) ([]SCP, error) {
	all, err := c.ListOrganizationPolicies(ctx, "")
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, p := range all {
		if p.Type == PolicyTypeServiceControl {
			out = append(out, p)
		}
	}
	return out, nil
}

// FindSCPByName returns the SCP with exactly this name (without content), or
// a 404 *APIError when there is none.
func (c *Client) FindSCPByName(ctx context.Context, name string) (*SCP, error) {
	return c.findSCP(ctx, name, func(held string) bool { return held == name })
}

// scpHoldingName returns the SCP whose name is name ignoring case, which a
// create of name is refused for. The vendor's guide ("Creating an SCP",
// support.huaweicloud.com usermanual-organizations/org_03_0035.html) asks for
// "a unique policy name" without saying whether case counts; ignoring case is
// inferred, as for identity policies, and the emulator does the same.
func (c *Client) scpHoldingName(ctx context.Context, name string) (*SCP, error) {
	return c.findSCP(ctx, name, func(held string) bool { return strings.EqualFold(held, name) })
}

func (c *Client) findSCP(ctx context.Context, name string, same func(string) bool) (*SCP, error) {
	ps, err := c.ListSCPs(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if same(ps[i].Name) {
			return &ps[i], nil
		}
	}
	return nil, notFound("FindSCPByName", fmt.Sprintf("no service control policy is named %q", name))
}

// AttachSCP attaches a policy to a root, OU or account (AttachPolicy,
// {"entity_id"}). After a lost answer, a failing retry (e.g. 409: already
// attached) counts as success when the attachment is there.
func (c *Client) AttachSCP(ctx context.Context, policyID, entityID string) error {
	return c.tachSCP(ctx, "attach", policyID, entityID)
}

// DetachSCP detaches a policy (DetachPolicy). After a lost answer, a failing
// retry counts as success when the attachment is gone.
func (c *Client) DetachSCP(ctx context.Context, policyID, entityID string) error {
	return c.tachSCP(ctx, "detach", policyID, entityID)
}

func (c *Client) tachSCP(ctx context.Context, verb, policyID, entityID string) error {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return err
	}
	if entityID == "" {
		return fmt.Errorf("%s SCP: empty entity id", verb)
	}
	op := map[string]string{"attach": "AttachPolicy", "detach": "DetachPolicy"}[verb]
	_, err = c.do(ctx, call{op: op, method: http.MethodPost, base: c.orgs, path: "/v1/organizations/policies/" + id + "/" + verb, body: map[string]any{"entity_id": entityID}}, nil)
	if err == nil || !mayHaveActed(err) || statusOf(err) < 400 || statusOf(err) >= 500 {
		return err
	}
	// Check what the server holds (reads right after writes may answer
	// 404 for a while).
	var attached bool
	cerr := c.RetryWhileNotFound(ctx, func(ctx context.Context) error {
		var e error
		attached, e = c.IsSCPAttached(ctx, id, entityID)
		return e
	})
	if cerr == nil && attached == (verb == "attach") {
		tflog.Info(ctx, "an earlier attempt whose answer was lost had done it", map[string]any{"operation": op, "policy_id": id, "entity_id": entityID})
		return nil
	}
	return err
}

// Entity is a root, OU or account a policy is attached to.
type Entity struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// ListSCPEntities lists the entities a policy is attached to, all pages
// (ListEntitiesForPolicy).
func (c *Client) ListSCPEntities(ctx context.Context, policyID string) ([]Entity, error) {
	id, err := pathID("policy id", policyID)
	if err != nil {
		return nil, err
	}
	var all []Entity
	err = paginate(ctx, "ListEntitiesForPolicy", func(marker string) (string, error) {
		q := url.Values{"limit": {strconv.Itoa(orgsPageLimit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		var out struct {
			AttachedEntities []Entity     `json:"attached_entities"`
			PageInfo         orgsPageInfo `json:"page_info"`
		}
		if _, err := c.do(ctx, call{op: "ListEntitiesForPolicy", method: http.MethodGet, base: c.orgs, path: "/v1/organizations/policies/" + id + "/attached-entities", query: q}, &out); err != nil {
			return "", err
		}
		all = append(all, out.AttachedEntities...)
		return out.PageInfo.NextMarker, nil
	})
	return all, err
}

// IsSCPAttached reports whether a policy is attached to an entity.
func (c *Client) IsSCPAttached(ctx context.Context, policyID, entityID string) (bool, error) {
	es, err := c.ListSCPEntities(ctx, policyID)
	if err != nil {
		return false, err
	}
	for _, e := range es {
		if e.ID == entityID {
			return true, nil
		}
	}
	return false, nil
}

// Root is an organisation root.
type Root struct {
	ID          string              `json:"id"`
	URN         string              `json:"urn"`
	Name        string              `json:"name"`
	PolicyTypes []PolicyTypeSummary `json:"policy_types"`
	CreatedAt   string              `json:"created_at"`
}

// PolicyTypeSummary is the status of a policy type on a root.
type PolicyTypeSummary struct {
	Type   string `json:"type"`
	Status string `json:"status"` // enabled, pending_enable, disabled, pending_disable
}

// PolicyTypeStatus returns the status of a policy type on the root ("" when
// the root does not list it).
func (r *Root) PolicyTypeStatus(policyType string) string {
	for _, pt := range r.PolicyTypes {
		if pt.Type == policyType {
			return pt.Status
		}
	}
	return ""
}

// ListRoots lists the organisation's roots, all pages (ListRoots).
func (c *Client) ListRoots(ctx context.Context) ([]Root, error) {
	var all []Root
	err := paginate(ctx, "ListRoots", func(marker string) (string, error) {
		q := url.Values{"limit": {strconv.Itoa(orgsPageLimit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		var out struct {
			Roots    []Root       `json:"roots"`
			PageInfo orgsPageInfo `json:"page_info"`
		}
		if _, err := c.do(ctx, call{op: "ListRoots", method: http.MethodGet, base: c.orgs, path: "/v1/organizations/roots", query: q}, &out); err != nil {
			return "", err
		}
		all = append(all, out.Roots...)
		return out.PageInfo.NextMarker, nil
	})
	return all, err
}

// GetRoot returns the root with this id from ListRoots, or a 404 *APIError.
func (c *Client) GetRoot(ctx context.Context, rootID string) (*Root, error) {
	roots, err := c.ListRoots(ctx)
	if err != nil {
		return nil, err
	}
	for i := range roots {
		if roots[i].ID == rootID {
			return &roots[i], nil
		}
	}
	return nil, notFound("GetRoot", fmt.Sprintf("no organisation root has the id %q", rootID))
}

// EnablePolicyType enables a policy type on a root (EnablePolicyType,
// POST /v1/organizations/policies/enable {policy_type, root_id}; 202). A 4xx
// answer (other than 401/403) while the root already reports the type
// enabled or being enabled counts as success. Use WaitForPolicyTypeStatus to
// wait for "enabled".
func (c *Client) EnablePolicyType(ctx context.Context, rootID, policyType string) error {
	return c.switchPolicyType(ctx, "enable", rootID, policyType, PolicyTypeStatusEnabled, PolicyTypeStatusPendingEnable)
}

// DisablePolicyType disables a policy type on a root (DisablePolicyType).
func (c *Client) DisablePolicyType(ctx context.Context, rootID, policyType string) error {
	return c.switchPolicyType(ctx, "disable", rootID, policyType, PolicyTypeStatusDisabled, PolicyTypeStatusPendingDisable)
}

func (c *Client) switchPolicyType(ctx context.Context, verb, rootID, policyType string, done ...string) error {
	if rootID == "" || policyType == "" {
		return fmt.Errorf("%s policy type: root id and policy type are required", verb)
	}
	op := map[string]string{"enable": "EnablePolicyType", "disable": "DisablePolicyType"}[verb]
	_, err := c.do(ctx, call{op: op, method: http.MethodPost, base: c.orgs, path: "/v1/organizations/policies/" + verb, body: map[string]any{"policy_type": policyType, "root_id": rootID}}, nil)
	s := statusOf(err)
	if err == nil || s < 400 || s >= 500 || s == http.StatusUnauthorized || s == http.StatusForbidden {
		return err
	}
	root, rerr := c.GetRoot(ctx, rootID)
	if rerr == nil {
		st := root.PolicyTypeStatus(policyType)
		for _, d := range done {
			if st == d || (verb == "disable" && st == "") {
				return nil
			}
		}
	}
	return err
}

// WaitForPolicyTypeStatus polls ListRoots until the root reports the policy
// type with the wanted status (e.g. "enabled"), for up to timeout (0: the
// client's ReadAfterWriteTimeout). A type missing from the root's list counts
// as "disabled".
func (c *Client) WaitForPolicyTypeStatus(ctx context.Context, rootID, policyType, want string, timeout time.Duration) (*Root, error) {
	if timeout <= 0 {
		timeout = c.cfg.ReadAfterWriteTimeout
	}
	deadline := time.Now().Add(timeout)
	for attempt := 0; ; attempt++ {
		root, err := c.GetRoot(ctx, rootID)
		if err != nil {
			return nil, err
		}
		st := root.PolicyTypeStatus(policyType)
		if st == "" {
			st = PolicyTypeStatusDisabled
		}
		if strings.EqualFold(st, want) {
			return root, nil
		}
		wait := c.backoff(attempt, 0)
		if time.Now().Add(wait).After(deadline) {
			return root, fmt.Errorf("root %s: policy type %s is %q, not %q, after %s", rootID, policyType, st, want, timeout)
		}
		if err := sleep(ctx, wait); err != nil {
			return root, err
		}
	}
}

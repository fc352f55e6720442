package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// policyJSON is the vendor's Policy object.
type policyJSON struct {
	PolicyType       string `json:"policy_type"`
	PolicyName       string `json:"policy_name"`
	PolicyID         string `json:"policy_id"`
	URN              string `json:"urn"`
	Path             string `json:"path"`
	DefaultVersionID string `json:"default_version_id"`
	AttachmentCount  int    `json:"attachment_count"`
	Description      string `json:"description"`
	CreatedAt        string `json:"created_at"`
	UpdatedAt        string `json:"updated_at"`
}

func toPolicyJSON(p *Policy) policyJSON {
	return policyJSON{
		PolicyType: p.policyType(), PolicyName: p.Name, PolicyID: p.ID, URN: p.URN, Path: p.Path,
		DefaultVersionID: p.DefaultVersionID, AttachmentCount: len(p.Attachments),
		Description: p.Description, CreatedAt: formatTime(p.CreatedAt), UpdatedAt: formatTime(p.UpdatedAt),
	}
}

// versionJSON is the vendor's PolicyVersion object.
type versionJSON struct {
	Document  string `json:"document"`
	VersionID string `json:"version_id"`
	IsDefault bool   `json:"is_default"`
	CreatedAt string `json:"created_at"`
}

func toVersionJSON(p *Policy, v *PolicyVersion) versionJSON {
	return versionJSON{Document: v.Document, VersionID: v.ID, IsDefault: v.ID == p.DefaultVersionID, CreatedAt: formatTime(v.CreatedAt)}
}

func (s *Server) policyURN(name string) string { return "iam::" + s.cfg.AccountID + ":policy:" + name }

// checkIdentityDocument applies the size quota and the document checker.
func (s *Server) checkIdentityDocument(doc *string) *apiError {
	if doc == nil || strings.TrimSpace(*doc) == "" {
		return fail(errIAMMalformedPolicy, "policy_document is required")
	}
	if n := docChars(*doc); n > MaxPolicyDocument {
		return fail(errIAMMalformedPolicy, "the document has %d characters without white space, more than %d", n, MaxPolicyDocument)
	}
	if err := s.cfg.CheckDocument([]byte(*doc), false); err != nil {
		return fail(errIAMMalformedPolicy, "%v", err)
	}
	return nil
}

// lookupPolicyLocked finds the policy of the path; reads of a fresh policy answer 404.
func (s *Server) lookupPolicyLocked(r *http.Request, read bool) (*Policy, *apiError) {
	id := r.PathValue("policy_id")
	if !reID.MatchString(id) {
		return nil, fail(errIAMInvalidParam, "policy_id %q is not 1 to 64 letters, digits or hyphens", id)
	}
	p := s.st.Policies[id]
	if p == nil || (read && !p.System && s.freshLocked(p.CreatedAt)) {
		return nil, fail(errIAMNotFound, "%s", id)
	}
	return p, nil
}

func (s *Server) createPolicy(r *http.Request, body []byte) (int, any, *apiError) {
	var req struct {
		Name        *string `json:"policy_name"`
		Document    *string `json:"policy_document"`
		Path        *string `json:"path"`
		Description *string `json:"description"`
	}
	if err := decodeBody(body, &req); err != nil {
		return 0, nil, fail(errIAMInvalidParam, "%v", err)
	}
	if req.Name == nil || !rePolicyName.MatchString(*req.Name) {
		return 0, nil, fail(errIAMInvalidParam, "policy_name must be 1 to %d letters, digits or _+=.@-", MaxPolicyNameLen)
	}
	path := ""
	if req.Path != nil {
		path = *req.Path
	}
	if !validPath(path) {
		return 0, nil, fail(errIAMInvalidPath, "%q", path)
	}
	desc := ""
	if req.Description != nil {
		desc = *req.Description
	}
	if runeLen(desc) > MaxPolicyDescription {
		return 0, nil, fail(errIAMInvalidParam, "description is longer than %d characters", MaxPolicyDescription)
	}
	if e := s.checkIdentityDocument(req.Document); e != nil {
		return 0, nil, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.customPolicyByName(*req.Name) != nil {
		return 0, nil, fail(errIAMDuplicateName, "%s", *req.Name)
	}
	if s.st.customPolicies() >= MaxPolicies {
		return 0, nil, fail(errIAMPolicyLimit, "at most %d custom policies", MaxPolicies)
	}
	now := s.cfg.Now().UTC()
	p := &Policy{
		ID: s.newPolicyIDLocked(), Name: *req.Name, Path: path, Description: desc, URN: s.policyURN(*req.Name),
		DefaultVersionID: "v1", NextVersion: 2,
		Versions:  []PolicyVersion{{ID: "v1", Document: *req.Document, CreatedAt: now}},
		CreatedAt: now, UpdatedAt: now, Seq: s.st.nextSeq(),
	}
	s.st.Policies[p.ID] = p
	if e := s.persistLocked(policyRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusOK, map[string]any{"policy": toPolicyJSON(p)}, nil
}

func (s *Server) listPolicies(r *http.Request, _ []byte) (int, any, *apiError) {
	q := r.URL.Query()
	typ := q.Get("policy_type")
	if typ != "" && typ != policyTypeCustom && typ != policyTypeSystem {
		return 0, nil, fail(errIAMInvalidParam, "policy_type must be custom or system")
	}
	prefix := q.Get("path_prefix")
	if prefix != "" && !validPath(prefix) {
		return 0, nil, fail(errIAMInvalidPath, "path_prefix %q", prefix)
	}
	onlyAttached := false
	if v := q.Get("only_attached"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return 0, nil, fail(errIAMInvalidParam, "only_attached must be true or false")
		}
		onlyAttached = b
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*Policy
	for _, p := range s.st.sortedPolicies() {
		if typ != "" && p.policyType() != typ {
			continue
		}
		if prefix != "" && prefix != "/" && !strings.HasPrefix(p.Path, prefix) {
			continue
		}
		if onlyAttached && len(p.Attachments) == 0 {
			continue
		}
		match = append(match, p)
	}
	keys := make([]int64, len(match))
	for i, p := range match {
		keys[i] = p.Seq
	}
	pg, e := paginate(r, keys, 100, 200, errIAMInvalidParam, errIAMInvalidMarker)
	if e != nil {
		return 0, nil, e
	}
	out := make([]policyJSON, 0, pg.end-pg.start)
	for _, p := range match[pg.start:pg.end] {
		out = append(out, toPolicyJSON(p))
	}
	return http.StatusOK, map[string]any{"policies": out, "page_info": newIAMPageInfo(pg)}, nil
}

func (s *Server) getPolicy(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupPolicyLocked(r, true)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, map[string]any{"policy": toPolicyJSON(p)}, nil
}

// updatePolicy changes the description, as the vendor's API reference documents
// UpdatePolicyV5 (the Go SDK v0.1.207 has no request definition for it): the body is
// {"description"} (0 to 1,000 characters) and the answer 204 with no body. The field the
// project's reference notes once inferred, "new_description", is not a field of the API: a
// body with only it has no description and is refused.
func (s *Server) updatePolicy(r *http.Request, body []byte) (int, any, *apiError) {
	var req struct {
		Description *string `json:"description"`
	}
	if err := decodeBody(body, &req); err != nil {
		return 0, nil, fail(errIAMInvalidParam, "%v", err)
	}
	if req.Description == nil {
		return 0, nil, fail(errIAMInvalidParam, "description is required")
	}
	if runeLen(*req.Description) > MaxPolicyDescription {
		return 0, nil, fail(errIAMInvalidParam, "description is longer than %d characters", MaxPolicyDescription)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupPolicyLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if e := refuseSystemLocked(p, "changed"); e != nil {
		return 0, nil, e
	}
	p.Description = *req.Description
	if e := s.persistLocked(policyRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) deletePolicy(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupPolicyLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if e := refuseSystemLocked(p, "deleted"); e != nil {
		return 0, nil, e
	}
	if n := len(p.Attachments); n > 0 {
		return 0, nil, fail(errIAMPolicyAttached, "%s is attached to %d entities", p.ID, n)
	}
	delete(s.st.Policies, p.ID)
	if e := s.persistLocked(policyRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) createVersion(r *http.Request, body []byte) (int, any, *apiError) {
	var req struct {
		Document     *string `json:"policy_document"`
		SetAsDefault *bool   `json:"set_as_default"`
	}
	if err := decodeBody(body, &req); err != nil {
		return 0, nil, fail(errIAMInvalidParam, "%v", err)
	}
	if e := s.checkIdentityDocument(req.Document); e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupPolicyLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if e := refuseSystemLocked(p, "given versions"); e != nil {
		return 0, nil, e
	}
	if len(p.Versions) >= MaxVersions {
		return 0, nil, fail(errIAMVersionLimit, "%s has %d versions", p.ID, len(p.Versions))
	}
	v := s.addVersionLocked(p, *req.Document, req.SetAsDefault != nil && *req.SetAsDefault)
	if e := s.persistLocked(policyRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusOK, map[string]any{"policy_version": toVersionJSON(p, v)}, nil
}

func (s *Server) addVersionLocked(p *Policy, doc string, setDefault bool) *PolicyVersion {
	now := s.cfg.Now().UTC()
	if p.NextVersion < 2 {
		p.NextVersion = len(p.Versions) + 1
	}
	id := "v" + strconv.Itoa(p.NextVersion)
	p.NextVersion++
	p.Versions = append(p.Versions, PolicyVersion{ID: id, Document: doc, CreatedAt: now})
	if setDefault {
		p.DefaultVersionID, p.UpdatedAt = id, now
	}
	return &p.Versions[len(p.Versions)-1]
}

// listVersions lists versions newest first (inferred from the vendor's Terraform provider,
// which takes the last one listed as the earliest).
func (s *Server) listVersions(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupPolicyLocked(r, true)
	if e != nil {
		return 0, nil, e
	}
	vs := slices.Clone(p.Versions)
	slices.Reverse(vs)
	keys := make([]int64, len(vs))
	for i, v := range vs {
		n, _ := strconv.ParseInt(v.ID[1:], 10, 64)
		keys[i] = -n
	}
	pg, e := paginate(r, keys, 100, 200, errIAMInvalidParam, errIAMInvalidMarker)
	if e != nil {
		return 0, nil, e
	}
	out := make([]versionJSON, 0, pg.end-pg.start)
	for i := pg.start; i < pg.end; i++ {
		out = append(out, toVersionJSON(p, &vs[i]))
	}
	return http.StatusOK, map[string]any{"versions": out, "page_info": newIAMPageInfo(pg)}, nil
}

func (s *Server) lookupVersionLocked(r *http.Request, read bool) (*Policy, *PolicyVersion, *apiError) {
	p, e := s.lookupPolicyLocked(r, read)
	if e != nil {
		return nil, nil, e
	}
	vid := r.PathValue("version_id")
	if !reVersionID.MatchString(vid) {
		return nil, nil, fail(errIAMInvalidParam, "version_id %q is not v followed by a number", vid)
	}
	v := p.version(vid)
	if v == nil {
		return nil, nil, fail(errIAMVersionNotFound, "%s of %s", vid, p.ID)
	}
	return p, v, nil
}

func (s *Server) getVersion(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, v, e := s.lookupVersionLocked(r, true)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, map[string]any{"policy_version": toVersionJSON(p, v)}, nil
}

func (s *Server) deleteVersion(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, v, e := s.lookupVersionLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if e := refuseSystemLocked(p, "changed"); e != nil {
		return 0, nil, e
	}
	if v.ID == p.DefaultVersionID {
		return 0, nil, fail(errIAMDeleteDefault, "%s is the default version of %s", v.ID, p.ID)
	}
	id := v.ID
	p.Versions = slices.DeleteFunc(p.Versions, func(x PolicyVersion) bool { return x.ID == id })
	if e := s.persistLocked(policyRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) setDefaultVersion(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, v, e := s.lookupVersionLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if e := refuseSystemLocked(p, "changed"); e != nil {
		return 0, nil, e
	}
	if p.DefaultVersionID != v.ID {
		p.DefaultVersionID, p.UpdatedAt = v.ID, s.cfg.Now().UTC()
		if e := s.persistLocked(policyRef(p.ID)); e != nil {
			return 0, nil, e
		}
	}
	return http.StatusOK, nil, nil
}

// principalLimitError is the quota answer for a principal type.
func principalLimitError(typ string) ErrorCode {
	switch typ {
	case PrincipalUser:
		return errIAMUserLimit
	case PrincipalGroup:
		return errIAMGroupLimit
	}
	return errIAMAgencyLimit
}

func principalField(typ string) string { return typ + "_id" }

func decodePrincipal(typ string, body []byte) (string, *apiError) {
	var req map[string]any
	if err := decodeBody(body, &req); err != nil {
		return "", fail(errIAMInvalidParam, "%v", err)
	}
	field := principalField(typ)
	id, _ := req[field].(string)
	if !reID.MatchString(id) {
		return "", fail(errIAMInvalidParam, "%s must be 1 to 64 letters, digits or hyphens", field)
	}
	return id, nil
}

// attachPolicy attaches a policy to a principal. Attaching an attached policy again
// succeeds without change (inferred, as AWS IAM does).
func (s *Server) attachPolicy(typ string) handlerFunc {
	return func(r *http.Request, body []byte) (int, any, *apiError) {
		id, e := decodePrincipal(typ, body)
		if e != nil {
			return 0, nil, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p, e := s.lookupPolicyLocked(r, false)
		if e != nil {
			return 0, nil, e
		}
		if p.attachment(typ, id) >= 0 {
			return http.StatusOK, nil, nil
		}
		if n := s.st.attachedTo(typ, id); n >= s.cfg.MaxPoliciesPerPrincipal {
			return 0, nil, fail(principalLimitError(typ), "%s %s has %d policies attached", typ, id, n)
		}
		p.Attachments = append(p.Attachments, Attachment{PrincipalType: typ, PrincipalID: id, AttachedAt: s.cfg.Now().UTC(), Seq: s.st.nextSeq()})
		if e := s.persistLocked(policyRef(p.ID)); e != nil {
			return 0, nil, e
		}
		return http.StatusOK, nil, nil
	}
}

func (s *Server) detachPolicy(typ string) handlerFunc {
	return func(r *http.Request, body []byte) (int, any, *apiError) {
		id, e := decodePrincipal(typ, body)
		if e != nil {
			return 0, nil, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p, e := s.lookupPolicyLocked(r, false)
		if e != nil {
			return 0, nil, e
		}
		i := p.attachment(typ, id)
		if i < 0 {
			return 0, nil, fail(errIAMNotAttached, "%s is not attached to %s %s", p.ID, typ, id)
		}
		p.Attachments = slices.Delete(p.Attachments, i, i+1)
		if e := s.persistLocked(policyRef(p.ID)); e != nil {
			return 0, nil, e
		}
		return http.StatusOK, nil, nil
	}
}

type entityJSON struct {
	UserID     string `json:"user_id,omitempty"`
	GroupID    string `json:"group_id,omitempty"`
	AgencyID   string `json:"agency_id,omitempty"`
	AttachedAt string `json:"attached_at"`
}

// listEntities lists the principals a policy is attached to, in attachment order.
func (s *Server) listEntities(r *http.Request, _ []byte) (int, any, *apiError) {
	typ := r.URL.Query().Get("entity_type")
	if typ != "" && typ != PrincipalUser && typ != PrincipalGroup && typ != PrincipalAgency {
		return 0, nil, fail(errIAMInvalidParam, "entity_type must be user, group or agency")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupPolicyLocked(r, true)
	if e != nil {
		return 0, nil, e
	}
	var atts []Attachment
	var keys []int64
	for _, a := range p.Attachments {
		if typ == "" || a.PrincipalType == typ {
			atts = append(atts, a)
			keys = append(keys, a.Seq)
		}
	}
	pg, e := paginate(r, keys, 100, 200, errIAMInvalidParam, errIAMInvalidMarker)
	if e != nil {
		return 0, nil, e
	}
	users, groups, agencies := []entityJSON{}, []entityJSON{}, []entityJSON{}
	for _, a := range atts[pg.start:pg.end] {
		at := formatTime(a.AttachedAt)
		switch a.PrincipalType {
		case PrincipalUser:
			users = append(users, entityJSON{UserID: a.PrincipalID, AttachedAt: at})
		case PrincipalGroup:
			groups = append(groups, entityJSON{GroupID: a.PrincipalID, AttachedAt: at})
		default:
			agencies = append(agencies, entityJSON{AgencyID: a.PrincipalID, AttachedAt: at})
		}
	}
	return http.StatusOK, map[string]any{
		"policy_users": users, "policy_groups": groups, "policy_agencies": agencies,
		"page_info": newIAMPageInfo(pg),
	}, nil
}

type attachedPolicyJSON struct {
	PolicyName string `json:"policy_name"`
	PolicyID   string `json:"policy_id"`
	URN        string `json:"urn"`
	AttachedAt string `json:"attached_at"`
}

// listAttachedPolicies lists the policies attached to a user, group or agency, in the
// order they were created.
func (s *Server) listAttachedPolicies(typ string) handlerFunc {
	return func(r *http.Request, _ []byte) (int, any, *apiError) {
		id := r.PathValue("id")
		if !reID.MatchString(id) {
			return 0, nil, fail(errIAMInvalidParam, "%s_id %q is not 1 to 64 letters, digits or hyphens", typ, id)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		var out []attachedPolicyJSON
		var keys []int64
		for _, p := range s.st.sortedPolicies() {
			if i := p.attachment(typ, id); i >= 0 {
				out = append(out, attachedPolicyJSON{PolicyName: p.Name, PolicyID: p.ID, URN: p.URN,
					AttachedAt: formatTime(p.Attachments[i].AttachedAt)})
				keys = append(keys, p.Seq)
			}
		}
		pg, e := paginate(r, keys, 100, 200, errIAMInvalidParam, errIAMInvalidMarker)
		if e != nil {
			return 0, nil, e
		}
		page := append([]attachedPolicyJSON{}, out[pg.start:pg.end]...)
		return http.StatusOK, map[string]any{"attached_policies": page, "page_info": newIAMPageInfo(pg)}, nil
	}
}

package emulator

import (
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/catalog"
)

// The system SCP attached everywhere when SCPs are enabled: the catalog's row (its id and
// document are inferred there).
const (
	FullAccessID   = catalog.FullAccessSCPID
	FullAccessName = catalog.FullAccessSCPName
	// FullAccessContent allows every action on every resource.
	FullAccessContent     = catalog.FullAccessSCPDocument
	fullAccessDescription = "System-defined SCP that allows all operations."
	scpType               = "service_control_policy"
)

type scpSummaryJSON struct {
	IsBuiltin   bool   `json:"is_builtin"`
	Description string `json:"description"`
	ID          string `json:"id"`
	URN         string `json:"urn"`
	Name        string `json:"name"`
	Type        string `json:"type"`
}

type scpJSON struct {
	Content       string         `json:"content"`
	PolicySummary scpSummaryJSON `json:"policy_summary"`
}

func toSCPSummary(p *SCP) scpSummaryJSON {
	return scpSummaryJSON{IsBuiltin: p.Builtin, Description: p.Description, ID: p.ID, URN: p.URN, Name: p.Name, Type: scpType}
}

func toSCPJSON(p *SCP) scpJSON { return scpJSON{Content: p.Content, PolicySummary: toSCPSummary(p)} }

type policyTypeJSON struct {
	Status string `json:"status"`
	Type   string `json:"type"`
}

type rootJSON struct {
	ID          string           `json:"id"`
	URN         string           `json:"urn"`
	Name        string           `json:"name"`
	PolicyTypes []policyTypeJSON `json:"policy_types"`
	CreatedAt   string           `json:"created_at"`
}

// toRootJSON lists only policy types that are enabled or being enabled (inferred: the
// vendor's root lists the types enabled in it).
func (s *Server) toRootJSONLocked() rootJSON {
	rt := s.st.Root
	j := rootJSON{ID: rt.ID, URN: rt.URN, Name: rt.Name, PolicyTypes: []policyTypeJSON{}, CreatedAt: formatTime(rt.CreatedAt)}
	if st := rt.SCPStatus(s.cfg.Now()); st != StatusDisabled {
		j.PolicyTypes = append(j.PolicyTypes, policyTypeJSON{Status: st, Type: scpType})
	}
	return j
}

func (s *Server) scpURN(id string) string {
	return "organizations::" + s.cfg.AccountID + ":policy:" + s.cfg.OrgID + "/" + scpType + "/" + id
}

func (s *Server) rootURN() string {
	return "organizations::" + s.cfg.AccountID + ":root:" + s.cfg.OrgID + "/" + s.cfg.RootID
}

func validSCPName(name string) bool {
	n := runeLen(name)
	if n < 1 || n > MaxSCPNameLen || strings.TrimSpace(name) == "" {
		return false
	}
	return !strings.ContainsFunc(name, unicode.IsControl)
}

// checkSCPContent applies the size quota and the document checker.
func (s *Server) checkSCPContent(content string) *apiError {
	if strings.TrimSpace(content) == "" {
		return fail(errOrgMalformedPolicy, "content is required")
	}
	if n := docChars(content); n > MaxSCPContent {
		return fail(errOrgMalformedPolicy, "the content has %d characters without white space, more than %d", n, MaxSCPContent)
	}
	if err := s.cfg.CheckDocument([]byte(content), true); err != nil {
		return fail(errOrgMalformedPolicy, "%v", err)
	}
	return nil
}

func (s *Server) lookupSCPLocked(r *http.Request, read bool) (*SCP, *apiError) {
	id := r.PathValue("policy_id")
	if !reSCPID.MatchString(id) {
		return nil, fail(errOrgInvalidParam, "policy_id %q is not p- followed by letters, digits or underscores", id)
	}
	p := s.st.SCPs[id]
	if p == nil || (read && !p.Builtin && s.freshLocked(p.CreatedAt)) {
		return nil, fail(errOrgPolicyNotFound, "%s", id)
	}
	return p, nil
}

func (s *Server) createSCP(r *http.Request, body []byte) (int, any, *apiError) {
	var req struct {
		Name        *string `json:"name"`
		Content     *string `json:"content"`
		Type        *string `json:"type"`
		Description *string `json:"description"`
		Tags        []Tag   `json:"tags"`
	}
	if err := decodeBody(body, &req); err != nil {
		return 0, nil, fail(errOrgInvalidParam, "%v", err)
	}
	if req.Name == nil || !validSCPName(*req.Name) {
		return 0, nil, fail(errOrgInvalidParam, "name must be 1 to %d characters", MaxSCPNameLen)
	}
	if req.Type == nil || *req.Type != scpType {
		return 0, nil, fail(errOrgInvalidParam, "type must be %s", scpType)
	}
	desc := ""
	if req.Description != nil {
		desc = *req.Description
	}
	if runeLen(desc) > MaxSCPDescription {
		return 0, nil, fail(errOrgInvalidParam, "description is longer than %d characters", MaxSCPDescription)
	}
	if e := checkTags(req.Tags); e != nil {
		return 0, nil, e
	}
	content := ""
	if req.Content != nil {
		content = *req.Content
	}
	if e := s.checkSCPContent(content); e != nil {
		return 0, nil, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.scpByName(*req.Name) != nil {
		return 0, nil, fail(errOrgDuplicateName, "%s", *req.Name)
	}
	custom := 0
	for _, p := range s.st.SCPs {
		if !p.Builtin {
			custom++
		}
	}
	if custom >= MaxSCPs {
		return 0, nil, fail(errOrgPolicyLimit, "at most %d SCPs", MaxSCPs)
	}
	now := s.cfg.Now().UTC()
	id := s.newSCPIDLocked()
	p := &SCP{
		ID: id, Name: *req.Name, Description: desc, Content: content, URN: s.scpURN(id),
		Tags: slices.Clone(req.Tags), CreatedAt: now, UpdatedAt: now, Seq: s.st.nextSeq(),
	}
	s.st.SCPs[id] = p
	if e := s.persistLocked(scpRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusCreated, map[string]any{"policy": toSCPJSON(p)}, nil
}

func checkTags(tags []Tag) *apiError {
	if len(tags) > MaxSCPTags {
		return fail(errOrgInvalidParam, "at most %d tags", MaxSCPTags)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if n := runeLen(t.Key); n < 1 || n > 128 {
			return fail(errOrgInvalidParam, "tag keys must be 1 to 128 characters")
		}
		if runeLen(t.Value) > 255 {
			return fail(errOrgInvalidParam, "tag values must be at most 255 characters")
		}
		k := strings.ToLower(t.Key)
		if seen[k] {
			return fail(errOrgInvalidParam, "duplicate tag key %q", t.Key)
		}
		seen[k] = true
	}
	return nil
}

func (s *Server) listSCPs(r *http.Request, _ []byte) (int, any, *apiError) {
	entity := r.URL.Query().Get("attached_entity_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*SCP
	for _, p := range s.st.sortedSCPs() {
		if entity != "" && !s.attachedLocked(p, entity) {
			continue
		}
		match = append(match, p)
	}
	keys := make([]int64, len(match))
	for i, p := range match {
		keys[i] = p.Seq
	}
	pg, e := paginate(r, keys, 200, 2000, errOrgInvalidParam, errOrgInvalidMarker)
	if e != nil {
		return 0, nil, e
	}
	out := make([]scpSummaryJSON, 0, pg.end-pg.start)
	for _, p := range match[pg.start:pg.end] {
		out = append(out, toSCPSummary(p))
	}
	return http.StatusOK, map[string]any{"policies": out, "page_info": newOrgPageInfo(pg)}, nil
}

func (s *Server) getSCP(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupSCPLocked(r, true)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, map[string]any{"policy": toSCPJSON(p)}, nil
}

func (s *Server) updateSCP(r *http.Request, body []byte) (int, any, *apiError) {
	var req struct {
		Name        *string `json:"name"`
		Content     *string `json:"content"`
		Description *string `json:"description"`
	}
	if err := decodeBody(body, &req); err != nil {
		return 0, nil, fail(errOrgInvalidParam, "%v", err)
	}
	if req.Name != nil && !validSCPName(*req.Name) {
		return 0, nil, fail(errOrgInvalidParam, "name must be 1 to %d characters", MaxSCPNameLen)
	}
	if req.Description != nil && runeLen(*req.Description) > MaxSCPDescription {
		return 0, nil, fail(errOrgInvalidParam, "description is longer than %d characters", MaxSCPDescription)
	}
	if req.Content != nil {
		if e := s.checkSCPContent(*req.Content); e != nil {
			return 0, nil, e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupSCPLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if p.Builtin {
		return 0, nil, fail(errOrgBuiltin, "%s", p.ID)
	}
	if req.Name != nil {
		if other := s.st.scpByName(*req.Name); other != nil && other != p {
			return 0, nil, fail(errOrgDuplicateName, "%s", *req.Name)
		}
		p.Name = *req.Name
	}
	if req.Content != nil {
		p.Content = *req.Content
	}
	if req.Description != nil {
		p.Description = *req.Description
	}
	p.UpdatedAt = s.cfg.Now().UTC()
	if e := s.persistLocked(scpRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusOK, map[string]any{"policy": toSCPJSON(p)}, nil
}

func (s *Server) deleteSCP(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupSCPLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if p.Builtin {
		return 0, nil, fail(errOrgBuiltin, "%s", p.ID)
	}
	if n := len(p.Targets); n > 0 {
		return 0, nil, fail(errOrgPolicyInUse, "%s is attached to %d entities", p.ID, n)
	}
	delete(s.st.SCPs, p.ID)
	if e := s.persistLocked(scpRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusNoContent, nil, nil
}

// entityType names the kind of a target id: the root, an OU (ou-…) or an account.
func (s *Server) entityType(id string) string {
	switch {
	case id == s.st.Root.ID:
		return "root"
	case strings.HasPrefix(id, "ou-"):
		return "organizational_unit"
	}
	return "account"
}

// checkTargetLocked validates an entity id: any well-formed id is accepted, except root ids
// other than the organisation's.
func (s *Server) checkTargetLocked(id string) *apiError {
	if !reTargetID.MatchString(id) {
		return fail(errOrgInvalidParam, "entity_id %q is not a root, OU or account id", id)
	}
	if strings.HasPrefix(id, "r-") && id != s.st.Root.ID {
		return fail(errOrgEntityNotFound, "root %s", id)
	}
	return nil
}

// attachedLocked reports whether an SCP is attached to a target. While SCPs are enabled,
// FullAccess is attached to every OU and account the emulator has not seen yet (enabling SCPs
// attaches it everywhere; the emulator does not model OUs and accounts).
func (s *Server) attachedLocked(p *SCP, target string) bool {
	if p.target(target) >= 0 {
		return true
	}
	return p.ID == FullAccessID && s.implicitFullAccessLocked(target)
}

func (s *Server) implicitFullAccessLocked(target string) bool {
	return s.st.Root.SCPEnabled && target != s.st.Root.ID && reTargetID.MatchString(target) &&
		!strings.HasPrefix(target, "r-") && !s.st.knownTarget(target)
}

// materializeLocked records the implicit FullAccess attachment of a target not seen yet.
func (s *Server) materializeLocked(target string, now time.Time) {
	if s.implicitFullAccessLocked(target) {
		fa := s.st.SCPs[FullAccessID]
		fa.Targets = append(fa.Targets, SCPAttachment{TargetID: target, AttachedAt: now, Seq: s.st.nextSeq()})
	}
}

func decodeEntity(body []byte) (string, *apiError) {
	var req struct {
		EntityID string `json:"entity_id"`
	}
	if err := decodeBody(body, &req); err != nil {
		return "", fail(errOrgInvalidParam, "%v", err)
	}
	if req.EntityID == "" {
		return "", fail(errOrgInvalidParam, "entity_id is required")
	}
	return req.EntityID, nil
}

func (s *Server) attachSCP(r *http.Request, body []byte) (int, any, *apiError) {
	target, e := decodeEntity(body)
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupSCPLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if e := s.checkTargetLocked(target); e != nil {
		return 0, nil, e
	}
	now := s.cfg.Now()
	if st := s.st.Root.SCPStatus(now); st != StatusEnabled {
		return 0, nil, fail(errOrgTypeNotEnabled, "root %s reports %s", s.st.Root.ID, st)
	}
	if s.attachedLocked(p, target) {
		return 0, nil, fail(errOrgDuplicateAttachment, "%s is attached to %s", p.ID, target)
	}
	n := len(s.st.scpsOn(target))
	if s.implicitFullAccessLocked(target) {
		n = 1 // FullAccess, recorded below; a refused attach changes nothing
	}
	if n >= s.cfg.MaxSCPsPerTarget {
		return 0, nil, fail(errOrgAttachLimit, "%s has %d SCPs attached", target, n)
	}
	s.materializeLocked(target, now.UTC())
	p.Targets = append(p.Targets, SCPAttachment{TargetID: target, AttachedAt: now.UTC(), Seq: s.st.nextSeq()})
	if e := s.persistLocked(scpRef(p.ID), scpRef(FullAccessID)); e != nil {
		return 0, nil, e
	}
	return http.StatusOK, nil, nil
}

func (s *Server) detachSCP(r *http.Request, body []byte) (int, any, *apiError) {
	target, e := decodeEntity(body)
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupSCPLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	if e := s.checkTargetLocked(target); e != nil {
		return 0, nil, e
	}
	if !s.attachedLocked(p, target) {
		return 0, nil, fail(errOrgNotAttached, "%s is not attached to %s", p.ID, target)
	}
	// A target not seen yet holds only the implicit FullAccess; every target keeps one SCP.
	if s.implicitFullAccessLocked(target) || len(s.st.scpsOn(target)) <= 1 {
		return 0, nil, fail(errOrgLastPolicy, "%s is the only SCP attached to %s", p.ID, target)
	}
	i := p.target(target)
	p.Targets = slices.Delete(p.Targets, i, i+1)
	if e := s.persistLocked(scpRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusOK, nil, nil
}

type entityDTO struct {
	Name string `json:"name"`
	ID   string `json:"id"`
	Type string `json:"type"`
}

// listSCPEntities lists the targets of an SCP in attachment order. The emulator does not
// know the names of OUs and accounts: it reports their ids as names.
func (s *Server) listSCPEntities(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.lookupSCPLocked(r, true)
	if e != nil {
		return 0, nil, e
	}
	keys := make([]int64, len(p.Targets))
	for i, t := range p.Targets {
		keys[i] = t.Seq
	}
	pg, e := paginate(r, keys, 200, 2000, errOrgInvalidParam, errOrgInvalidMarker)
	if e != nil {
		return 0, nil, e
	}
	out := make([]entityDTO, 0, pg.end-pg.start)
	for _, t := range p.Targets[pg.start:pg.end] {
		typ, name := s.entityType(t.TargetID), t.TargetID
		if typ == "root" {
			name = s.st.Root.Name
		}
		out = append(out, entityDTO{Name: name, ID: t.TargetID, Type: typ})
	}
	return http.StatusOK, map[string]any{"attached_entities": out, "page_info": newOrgPageInfo(pg)}, nil
}

func decodePolicyType(body []byte) (string, string, *apiError) {
	var req struct {
		PolicyType string `json:"policy_type"`
		RootID     string `json:"root_id"`
	}
	if err := decodeBody(body, &req); err != nil {
		return "", "", fail(errOrgInvalidParam, "%v", err)
	}
	if req.PolicyType != scpType {
		return "", "", fail(errOrgInvalidParam, "policy_type must be %s", scpType)
	}
	if req.RootID == "" {
		return "", "", fail(errOrgInvalidParam, "root_id is required")
	}
	return req.PolicyType, req.RootID, nil
}

// enablePolicyType enables SCPs on the root: 202, the root reports pending_enable for
// Config.EnableDelay, and FullAccess is attached to the root (and, implicitly, to every OU
// and account).
func (s *Server) enablePolicyType(r *http.Request, body []byte) (int, any, *apiError) {
	_, root, e := decodePolicyType(body)
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if root != s.st.Root.ID {
		return 0, nil, fail(errOrgEntityNotFound, "root %s", root)
	}
	if s.st.Root.SCPEnabled {
		return 0, nil, fail(errOrgTypeAlreadyEnabled, "%s reports %s", root, s.st.Root.SCPStatus(s.cfg.Now()))
	}
	now := s.cfg.Now().UTC()
	s.st.Root.SCPEnabled, s.st.Root.EnabledAt = true, now.Add(s.cfg.EnableDelay)
	fa := s.st.SCPs[FullAccessID]
	if fa.target(root) < 0 {
		fa.Targets = append(fa.Targets, SCPAttachment{TargetID: root, AttachedAt: now, Seq: s.st.nextSeq()})
	}
	if e := s.persistLocked(scpRef(FullAccessID)); e != nil {
		return 0, nil, e
	}
	return http.StatusAccepted, map[string]any{"root": s.toRootJSONLocked()}, nil
}

// disablePolicyType disables SCPs: every SCP is detached from every entity (stated in the
// vendor's guide); the answer mirrors enable's (inferred).
func (s *Server) disablePolicyType(r *http.Request, body []byte) (int, any, *apiError) {
	_, root, e := decodePolicyType(body)
	if e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if root != s.st.Root.ID {
		return 0, nil, fail(errOrgEntityNotFound, "root %s", root)
	}
	if !s.st.Root.SCPEnabled {
		return 0, nil, fail(errOrgTypeNotEnabledDisable, "%s", root)
	}
	s.st.Root.SCPEnabled, s.st.Root.EnabledAt = false, time.Time{}
	var refs []objectRef
	for _, p := range s.st.SCPs {
		if len(p.Targets) > 0 {
			p.Targets = nil
			refs = append(refs, scpRef(p.ID))
		}
	}
	if e := s.persistLocked(refs...); e != nil {
		return 0, nil, e
	}
	return http.StatusAccepted, map[string]any{"root": s.toRootJSONLocked()}, nil
}

func (s *Server) listRoots(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pg, e := paginate(r, []int64{1}, 200, 2000, errOrgInvalidParam, errOrgInvalidMarker)
	if e != nil {
		return 0, nil, e
	}
	roots := []rootJSON{}
	if pg.end > pg.start {
		roots = append(roots, s.toRootJSONLocked())
	}
	return http.StatusOK, map[string]any{"roots": roots, "page_info": newOrgPageInfo(pg)}, nil
}

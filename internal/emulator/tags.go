package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// Organizations tags, as the vendor's SDK models them (services/organizations/v1):
// ListTagsForResource, TagResource and UntagResource by resource id, and ListTagResources,
// CreateTagResource and DeleteTagResource by resource type and id. Only policies carry
// tags here; the emulator models no tags of roots, OUs or accounts, and answers their ids
// as unknown resources (404 Organizations.1203, inferred).

// tagResourceType is the resource type of policies in the by-type routes (the SDK's
// CreateTagResourceRequestResourceType enum).
const tagResourceType = "organizations:policies"

func (s *Server) tagRoutes() {
	s.handle("GET /v1/organizations/resources/{resource_id}/tags", s.listTags)
	s.handle("POST /v1/organizations/resources/{resource_id}/tag", s.tagResource)
	s.handle("POST /v1/organizations/resources/{resource_id}/untag", s.untagResource)
	s.handle("GET /v1/organizations/{resource_type}/{resource_id}/tags", s.byType(s.listTags))
	s.handle("POST /v1/organizations/{resource_type}/{resource_id}/tags/create", s.byType(s.tagResource))
	s.handle("POST /v1/organizations/{resource_type}/{resource_id}/tags/delete", s.byType(s.deleteTags))
}

// byType checks the resource type of a by-type route, then runs h.
func (s *Server) byType(h handlerFunc) handlerFunc {
	return func(r *http.Request, body []byte) (int, any, *apiError) {
		switch t := r.PathValue("resource_type"); t {
		case tagResourceType:
			return h(r, body)
		case "organizations:ous", "organizations:accounts", "organizations:roots":
			return 0, nil, fail(errOrgEntityNotFound, "%s", r.PathValue("resource_id"))
		default:
			return 0, nil, fail(errOrgInvalidParam, "resource_type %q is not one of organizations:policies, organizations:ous, organizations:accounts, organizations:roots", t)
		}
	}
}

// taggedLocked is the policy a tag route names; system policies take no tags (inferred).
func (s *Server) taggedLocked(r *http.Request, write bool) (*SCP, *apiError) {
	id := r.PathValue("resource_id")
	p := s.st.SCPs[id]
	if !reSCPID.MatchString(id) || p == nil {
		return nil, fail(errOrgEntityNotFound, "%s", id)
	}
	if write && p.Builtin {
		return nil, fail(errOrgInvalidParam, "the system policy %s takes no tags", id)
	}
	return p, nil
}

func (s *Server) listTags(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.taggedLocked(r, false)
	if e != nil {
		return 0, nil, e
	}
	tags := slices.Clone(p.Tags)
	slices.SortFunc(tags, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	keys := make([]int64, len(tags))
	for i := range keys {
		keys[i] = int64(i + 1)
	}
	pg, e := paginate(r, keys, 100, 1000, errOrgInvalidParam, errOrgInvalidMarker)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, map[string]any{"tags": tags[pg.start:pg.end], "page_info": newOrgPageInfo(pg)}, nil
}

// tagResource adds tags; a key the policy has already (compared without case, as
// checkTags does) takes the new key and value (inferred: the reference does not say).
func (s *Server) tagResource(r *http.Request, body []byte) (int, any, *apiError) {
	tags, e := decodeTagList(body)
	if e != nil {
		return 0, nil, e
	}
	if e := checkTags(tags); e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.taggedLocked(r, true)
	if e != nil {
		return 0, nil, e
	}
	merged := slices.Clone(p.Tags)
	for _, t := range tags {
		if i := slices.IndexFunc(merged, func(o Tag) bool { return strings.EqualFold(o.Key, t.Key) }); i >= 0 {
			merged[i] = t
		} else {
			merged = append(merged, t)
		}
	}
	if e := checkTags(merged); e != nil {
		return 0, nil, e
	}
	p.Tags = merged
	if e := s.persistLocked(scpRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) untagResource(r *http.Request, body []byte) (int, any, *apiError) {
	var req struct {
		TagKeys []string `json:"tag_keys"`
	}
	if err := decodeBody(body, &req); err != nil {
		return 0, nil, fail(errOrgInvalidParam, "%v", err)
	}
	if len(req.TagKeys) == 0 {
		return 0, nil, fail(errOrgInvalidParam, "tag_keys is required")
	}
	return s.removeTags(r, req.TagKeys)
}

// deleteTags is DeleteTagResource: the body lists tags ({key, value}); they are removed by key.
func (s *Server) deleteTags(r *http.Request, body []byte) (int, any, *apiError) {
	tags, e := decodeTagList(body)
	if e != nil {
		return 0, nil, e
	}
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = t.Key
	}
	return s.removeTags(r, keys)
}

// removeTags removes the tags with these keys (compared without case); keys the policy
// does not have are ignored (inferred).
func (s *Server) removeTags(r *http.Request, keys []string) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, e := s.taggedLocked(r, true)
	if e != nil {
		return 0, nil, e
	}
	p.Tags = slices.DeleteFunc(slices.Clone(p.Tags), func(t Tag) bool {
		return slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, t.Key) })
	})
	if e := s.persistLocked(scpRef(p.ID)); e != nil {
		return 0, nil, e
	}
	return http.StatusNoContent, nil, nil
}

// decodeTagList reads a body {"tags": [{key, value}, ...]} with at least one tag.
func decodeTagList(body []byte) ([]Tag, *apiError) {
	var req struct {
		Tags []Tag `json:"tags"`
	}
	if err := decodeBody(body, &req); err != nil {
		return nil, fail(errOrgInvalidParam, "%v", err)
	}
	if len(req.Tags) == 0 {
		return nil, fail(errOrgInvalidParam, "tags is required")
	}
	return req.Tags, nil
}

package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Organizations tags, as the vendor's SDK models them (services/organizations/v1:
// ListTagsForResource, TagResource, UntagResource and their TagDto, TagResourceReqBody,
// UntagResourceReqBody models). The provider reads and writes an SCP's tags with these
// three; the resource-type routes (ListTagResources, CreateTagResource,
// DeleteTagResource) do the same by type and id.

// tagsPageLimit asks for fewer tags per page than any resource can hold, so that paging
// is exercised.
const tagsPageLimit = 100

type tagDTO struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// CreateTokenTagKey is the key of the tag CreateSCP puts on every SCP it creates, with a
// fresh random token per call as its value: after a create whose answer was lost, the
// SCP carrying the call's token is the one it made (see CreateSCP). The tag stays on the
// SCP; ListResourceTags leaves it out, CheckTag refuses it in users' tags, and it takes
// one of the resource's MaxTagsPerResource tags. Its characters follow the vendor's rule
// for tag keys: letters, digits, underscores, hyphens ("Overview of a Tag", Organizations
// user guide, support.huaweicloud.com/intl/en-us/usermanual-organizations/org_03_0045.html).
const CreateTokenTagKey = "imspolicy-create-token"

// newCreateToken is a create call's token: 128 random bits in hexadecimal (letters and
// digits, which tag values may hold).
func newCreateToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("drawing a create token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// isCreateTokenKey compares a key with CreateTokenTagKey ignoring case, as the emulator
// compares tag keys (inferred for the vendor).
func isCreateTokenKey(k string) bool { return strings.EqualFold(k, CreateTokenTagKey) }

// ListResourceTags returns the tags of an Organizations resource (ListTagsForResource:
// GET /v1/organizations/resources/{resource_id}/tags, all pages), without the create
// token (CreateTokenTagKey), which is the provider's, not the user's.
func (c *Client) ListResourceTags(ctx context.Context, resourceID string) (map[string]string, error) {
	tags, err := c.listTags(ctx, resourceID)
	for k := range tags {
		if isCreateTokenKey(k) {
			delete(tags, k)
		}
	}
	return tags, err
}

// listTags returns every tag of an Organizations resource, the create token included.
func (c *Client) listTags(ctx context.Context, resourceID string) (map[string]string, error) {
	id, err := pathID("resource id", resourceID)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	err = paginate(ctx, "ListTagsForResource", func(marker string) (string, error) {
		q := url.Values{"limit": {strconv.Itoa(tagsPageLimit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		var out struct {
			Tags     []tagDTO     `json:"tags"`
			PageInfo orgsPageInfo `json:"page_info"`
		}
		if _, err := c.do(ctx, call{op: "ListTagsForResource", method: http.MethodGet, base: c.orgs, path: "/v1/organizations/resources/" + id + "/tags", query: q}, &out); err != nil {
			return "", err
		}
		for _, t := range out.Tags {
			tags[t.Key] = t.Value
		}
		return out.PageInfo.NextMarker, nil
	})
	return tags, err
}

// TagResource adds tags to an Organizations resource, replacing the value of a key it
// already has (TagResource: POST /v1/organizations/resources/{resource_id}/tag). That a
// key already present gets the new value rather than an error is inferred: neither the
// API reference nor the SDK says; the provider's updates rely on it, and the emulator
// does the same. Repeating the call is harmless, so it is retried like a read.
func (c *Client) TagResource(ctx context.Context, resourceID string, tags map[string]string) error {
	id, err := pathID("resource id", resourceID)
	if err != nil {
		return err
	}
	if len(tags) == 0 {
		return nil
	}
	body := map[string]any{"tags": tagList(tags)}
	_, err = c.do(ctx, call{op: "TagResource", method: http.MethodPost, base: c.orgs, path: "/v1/organizations/resources/" + id + "/tag", body: body}, nil)
	return err
}

// UntagResource removes tags by key (UntagResource: POST
// /v1/organizations/resources/{resource_id}/untag). Repeating it is harmless.
func (c *Client) UntagResource(ctx context.Context, resourceID string, keys []string) error {
	id, err := pathID("resource id", resourceID)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	body := map[string]any{"tag_keys": sorted}
	_, err = c.do(ctx, call{op: "UntagResource", method: http.MethodPost, base: c.orgs, path: "/v1/organizations/resources/" + id + "/untag", body: body}, nil)
	return err
}

// TagChanges is what turns the tags have into want: the tags to set with TagResource (new
// keys and changed values) and the keys to remove with UntagResource.
func TagChanges(have, want map[string]string) (set map[string]string, unset []string) {
	set = map[string]string{}
	for k, v := range want {
		if old, ok := have[k]; !ok || old != v {
			set[k] = v
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok {
			unset = append(unset, k)
		}
	}
	return set, unset
}

// tagList is tags as the API's list of {key, value}, sorted by key.
func tagList(tags map[string]string) []tagDTO {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]tagDTO, 0, len(keys))
	for _, k := range keys {
		out = append(out, tagDTO{Key: k, Value: tags[k]})
	}
	return out
}

// Tag limits (inferred: neither the API reference nor the SDK states them; these are the
// limits of Huawei Cloud's tag management service, which Organizations' tags follow).
const (
	MaxTagsPerResource = 20
	MaxTagKeyLength    = 128
	MaxTagValueLength  = 255
	// MaxUserTags is how many tags a user may give an SCP: one of the resource's tags is
	// the create token (CreateTokenTagKey).
	MaxUserTags = MaxTagsPerResource - 1
)

// CheckTag checks one tag against the limits above; the error says what is wrong.
func CheckTag(key, value string) error {
	if isCreateTokenKey(key) {
		return fmt.Errorf("tag key %q is reserved: the provider marks the SCPs it creates with it", key)
	}
	if err := CheckText(key, 1, MaxTagKeyLength, true); err != nil {
		return fmt.Errorf("tag key %q %w", key, err)
	}
	if err := CheckText(value, 0, MaxTagValueLength, false); err != nil {
		return fmt.Errorf("the value of tag %q %w", key, err)
	}
	return nil
}

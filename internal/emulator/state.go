package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Policy is an identity policy as the emulator keeps it: a custom one, or one of the
// stand-in system policies (System; see system.go).
type Policy struct {
	ID               string          `json:"policy_id"`
	System           bool            `json:"system,omitempty"`
	Name             string          `json:"policy_name"`
	Path             string          `json:"path"`
	Description      string          `json:"description"`
	URN              string          `json:"urn"`
	DefaultVersionID string          `json:"default_version_id"`
	Versions         []PolicyVersion `json:"versions"` // oldest first
	NextVersion      int             `json:"next_version"`
	Attachments      []Attachment    `json:"attachments"` // in the order they were made
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
	Seq              int64           `json:"seq"` // creation order, for listing and markers
}

// PolicyVersion is one version of an identity policy's document.
type PolicyVersion struct {
	ID        string    `json:"version_id"`
	Document  string    `json:"document"`
	CreatedAt time.Time `json:"created_at"`
}

// Principal types an identity policy attaches to.
const (
	PrincipalUser   = "user"
	PrincipalGroup  = "group"
	PrincipalAgency = "agency"
)

// Attachment is an identity policy attached to a user, group or agency.
type Attachment struct {
	PrincipalType string    `json:"principal_type"`
	PrincipalID   string    `json:"principal_id"`
	AttachedAt    time.Time `json:"attached_at"`
	Seq           int64     `json:"seq"`
}

// DefaultDocument returns the document of the policy's default version.
func (p *Policy) DefaultDocument() string {
	if v := p.version(p.DefaultVersionID); v != nil {
		return v.Document
	}
	return ""
}

func (p *Policy) version(id string) *PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].ID == id {
			return &p.Versions[i]
		}
	}
	return nil
}

func (p *Policy) attachment(typ, id string) int {
	return slices.IndexFunc(p.Attachments, func(a Attachment) bool { return a.PrincipalType == typ && a.PrincipalID == id })
}

func (p *Policy) clone() Policy {
	c := *p
	c.Versions = slices.Clone(p.Versions)
	c.Attachments = slices.Clone(p.Attachments)
	return c
}

// SCP is a service control policy as the emulator keeps it.
type SCP struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Content     string          `json:"content"`
	URN         string          `json:"urn"`
	Tags        []Tag           `json:"tags"`
	Builtin     bool            `json:"is_builtin"`
	Targets     []SCPAttachment `json:"targets"` // in the order they were made
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	Seq         int64           `json:"seq"`
}

// Tag is a tag of an SCP.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SCPAttachment is an SCP attached to a root, OU or account.
type SCPAttachment struct {
	TargetID   string    `json:"target_id"`
	AttachedAt time.Time `json:"attached_at"`
	Seq        int64     `json:"seq"`
}

func (p *SCP) target(id string) int {
	return slices.IndexFunc(p.Targets, func(a SCPAttachment) bool { return a.TargetID == id })
}

func (p *SCP) clone() SCP {
	c := *p
	c.Tags = slices.Clone(p.Tags)
	c.Targets = slices.Clone(p.Targets)
	return c
}

// SCP policy type statuses, as the vendor's roots report them.
const (
	StatusEnabled       = "enabled"
	StatusPendingEnable = "pending_enable"
	StatusDisabled      = "disabled"
)

// Root is the organisation's root.
type Root struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URN       string    `json:"urn"`
	CreatedAt time.Time `json:"created_at"`
	// SCPEnabled is true once SCPs were enabled; they report pending_enable until EnabledAt.
	SCPEnabled bool      `json:"scp_enabled"`
	EnabledAt  time.Time `json:"scp_enabled_at"`
}

// SCPStatus is the status the root reports for the SCP policy type at time now.
func (r Root) SCPStatus(now time.Time) string {
	switch {
	case !r.SCPEnabled:
		return StatusDisabled
	case now.Before(r.EnabledAt):
		return StatusPendingEnable
	default:
		return StatusEnabled
	}
}

// state is everything the emulator keeps; it is what the state file holds.
type state struct {
	Version  int                `json:"format"`
	Account  string             `json:"account_id"`
	Seq      int64              `json:"seq"`
	Policies map[string]*Policy `json:"policies"`
	SCPs     map[string]*SCP    `json:"scps"`
	Root     Root               `json:"root"`
}

const stateFormat = 1

func newState() *state {
	return &state{Version: stateFormat, Policies: map[string]*Policy{}, SCPs: map[string]*SCP{}}
}

func (st *state) nextSeq() int64 {
	st.Seq++
	return st.Seq
}

// sortedPolicies returns the policies in creation order.
func (st *state) sortedPolicies() []*Policy {
	out := make([]*Policy, 0, len(st.Policies))
	for _, p := range st.Policies {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Policy) int { return cmpInt64(a.Seq, b.Seq) })
	return out
}

// sortedSCPs returns the SCPs in creation order (the built-in FullAccess first).
func (st *state) sortedSCPs() []*SCP {
	out := make([]*SCP, 0, len(st.SCPs))
	for _, p := range st.SCPs {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *SCP) int { return cmpInt64(a.Seq, b.Seq) })
	return out
}

func (st *state) scpByName(name string) *SCP {
	for _, p := range st.SCPs {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// attachedTo counts the identity policies attached to a principal.
func (st *state) attachedTo(typ, id string) int {
	n := 0
	for _, p := range st.Policies {
		if p.attachment(typ, id) >= 0 {
			n++
		}
	}
	return n
}

// scpsOn returns the SCPs attached to a target.
func (st *state) scpsOn(target string) []*SCP {
	var out []*SCP
	for _, p := range st.sortedSCPs() {
		if p.target(target) >= 0 {
			out = append(out, p)
		}
	}
	return out
}

// knownTarget reports whether any SCP is attached to the target.
func (st *state) knownTarget(target string) bool {
	for _, p := range st.SCPs {
		if p.target(target) >= 0 {
			return true
		}
	}
	return false
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// loadState reads a state file (without its journal: see readState); a missing file is an
// empty state.
func loadState(path string) (*state, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newState(), false, nil
	}
	if err != nil {
		return nil, false, err
	}
	st, err := decodeState(b)
	if err != nil {
		return nil, false, fmt.Errorf("state file %s: %w", path, err)
	}
	return st, true, nil
}

func decodeState(b []byte) (*state, error) {
	st := newState()
	if err := json.Unmarshal(b, st); err != nil {
		return nil, err
	}
	if st.Version != stateFormat {
		return nil, fmt.Errorf("format %d, want %d", st.Version, stateFormat)
	}
	if st.Policies == nil {
		st.Policies = map[string]*Policy{}
	}
	if st.SCPs == nil {
		st.SCPs = map[string]*SCP{}
	}
	return st, nil
}

// saveState writes the state file atomically: a temporary file in the same directory,
// synced, then renamed over the old one.
func saveState(path string, st *state) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

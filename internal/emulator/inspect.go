package emulator

import (
	"fmt"
	"slices"
)

// The methods below let tests inspect the emulator's state and change it out of band (as
// someone editing the cloud outside Terraform would). They take the same lock as requests,
// persist changes to the state file, and return copies.

// Policies returns every custom identity policy, in creation order (the stand-in system
// policies are not among them; Policy reads them by id).
func (s *Server) Policies() []Policy {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Policy
	for _, p := range s.st.sortedPolicies() {
		if p.System {
			continue
		}
		out = append(out, p.clone())
	}
	return out
}

// Policy returns an identity policy by id.
func (s *Server) Policy(id string) (Policy, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.st.Policies[id]; p != nil {
		return p.clone(), true
	}
	return Policy{}, false
}

// PolicyByName returns a custom identity policy by name (ignoring case, as names are unique so).
func (s *Server) PolicyByName(name string) (Policy, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.st.customPolicyByName(name); p != nil {
		return p.clone(), true
	}
	return Policy{}, false
}

// SCPs returns every SCP, the built-in FullAccess included, in creation order.
func (s *Server) SCPs() []SCP {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SCP
	for _, p := range s.st.sortedSCPs() {
		out = append(out, p.clone())
	}
	return out
}

// SCP returns an SCP by id.
func (s *Server) SCP(id string) (SCP, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.st.SCPs[id]; p != nil {
		return p.clone(), true
	}
	return SCP{}, false
}

// SCPByName returns an SCP by name (ignoring case).
func (s *Server) SCPByName(name string) (SCP, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.st.scpByName(name); p != nil {
		return p.clone(), true
	}
	return SCP{}, false
}

// Root returns the organisation's root.
func (s *Server) Root() Root {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Root
}

// PolicyAttachment is an identity policy attached to a principal.
type PolicyAttachment struct {
	PolicyID, PolicyName, PrincipalType, PrincipalID string
}

// PolicyAttachments returns every identity policy attachment, by policy creation order and
// then attachment order.
func (s *Server) PolicyAttachments() []PolicyAttachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []PolicyAttachment
	for _, p := range s.st.sortedPolicies() {
		for _, a := range p.Attachments {
			out = append(out, PolicyAttachment{PolicyID: p.ID, PolicyName: p.Name, PrincipalType: a.PrincipalType, PrincipalID: a.PrincipalID})
		}
	}
	return out
}

// SCPTarget is an SCP attached to a root, OU or account.
type SCPTarget struct {
	PolicyID, PolicyName, TargetID string
	Builtin                        bool // the policy is the system FullAccess SCP
}

// SCPAttachments returns every recorded SCP attachment, by policy creation order and then
// attachment order. FullAccess's implicit attachments to OUs and accounts the emulator has
// not seen are not listed.
func (s *Server) SCPAttachments() []SCPTarget {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SCPTarget
	for _, p := range s.st.sortedSCPs() {
		for _, t := range p.Targets {
			out = append(out, SCPTarget{PolicyID: p.ID, PolicyName: p.Name, TargetID: t.TargetID, Builtin: p.Builtin})
		}
	}
	return out
}

// change runs fn on the state under the lock and records the objects refs name, which fn
// may change.
func (s *Server) change(fn func() error, refs ...objectRef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := fn(); err != nil {
		return err
	}
	if e := s.persistLocked(refs...); e != nil {
		return e
	}
	return nil
}

// RemovePolicy deletes an identity policy out of band, with its attachments.
func (s *Server) RemovePolicy(id string) error {
	return s.change(func() error {
		if s.st.Policies[id] == nil {
			return fmt.Errorf("no policy %s", id)
		}
		delete(s.st.Policies, id)
		return nil
	}, policyRef(id))
}

// AddPolicyVersion adds a version to an identity policy out of band and returns its id. It
// fails when the policy already has the maximum number of versions.
func (s *Server) AddPolicyVersion(id, document string, setDefault bool) (string, error) {
	var vid string
	err := s.change(func() error {
		p := s.st.Policies[id]
		if p == nil {
			return fmt.Errorf("no policy %s", id)
		}
		if len(p.Versions) >= MaxVersions {
			return fmt.Errorf("policy %s has %d versions", id, len(p.Versions))
		}
		vid = s.addVersionLocked(p, document, setDefault).ID
		return nil
	}, policyRef(id))
	return vid, err
}

// SetPolicyDescription changes an identity policy's description out of band.
func (s *Server) SetPolicyDescription(id, description string) error {
	return s.change(func() error {
		p := s.st.Policies[id]
		if p == nil {
			return fmt.Errorf("no policy %s", id)
		}
		p.Description = description
		return nil
	}, policyRef(id))
}

// RemovePolicyAttachment detaches an identity policy from a principal out of band.
func (s *Server) RemovePolicyAttachment(policyID, principalType, principalID string) error {
	return s.change(func() error {
		p := s.st.Policies[policyID]
		if p == nil {
			return fmt.Errorf("no policy %s", policyID)
		}
		i := p.attachment(principalType, principalID)
		if i < 0 {
			return fmt.Errorf("policy %s is not attached to %s %s", policyID, principalType, principalID)
		}
		p.Attachments = slices.Delete(p.Attachments, i, i+1)
		return nil
	}, policyRef(policyID))
}

// RemoveSCP deletes an SCP out of band, with its attachments.
func (s *Server) RemoveSCP(id string) error {
	return s.change(func() error {
		p := s.st.SCPs[id]
		if p == nil || p.Builtin {
			return fmt.Errorf("no custom SCP %s", id)
		}
		delete(s.st.SCPs, id)
		return nil
	}, scpRef(id))
}

// UpdateSCP changes an SCP out of band; nil arguments are left as they are.
func (s *Server) UpdateSCP(id string, name, description, content *string) error {
	return s.change(func() error {
		p := s.st.SCPs[id]
		if p == nil || p.Builtin {
			return fmt.Errorf("no custom SCP %s", id)
		}
		if name != nil {
			p.Name = *name
		}
		if description != nil {
			p.Description = *description
		}
		if content != nil {
			p.Content = *content
		}
		p.UpdatedAt = s.cfg.Now().UTC()
		return nil
	}, scpRef(id))
}

// RemoveSCPAttachment detaches an SCP from a target out of band (no last-SCP rule).
func (s *Server) RemoveSCPAttachment(policyID, targetID string) error {
	return s.change(func() error {
		p := s.st.SCPs[policyID]
		if p == nil {
			return fmt.Errorf("no SCP %s", policyID)
		}
		i := p.target(targetID)
		if i < 0 {
			return fmt.Errorf("SCP %s is not attached to %s", policyID, targetID)
		}
		p.Targets = slices.Delete(p.Targets, i, i+1)
		return nil
	}, scpRef(policyID))
}

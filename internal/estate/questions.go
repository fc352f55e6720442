package estate

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/evaluator"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// SubjectPermissions is what one subject may do.
type SubjectPermissions struct {
	Subject Subject
	Name    string // the principal's name; "" when unknown
	// BeforeSCPs is true when the account's place in the organisation tree is not given:
	// the identity side alone was analysed.
	BeforeSCPs bool
	// EffectivePermissionsResult is the analysis of the subject's configuration; the
	// Policy of each ActionPermission.AllowedBy is the id of the subject's identity
	// policy (the first by id among policies of the same normal form).
	analysis.EffectivePermissionsResult
}

// Permissions answers EffectivePermissions.
type Permissions struct {
	// Subjects are the principal subjects, by kind then id.
	Subjects []SubjectPermissions
	// Distinct is the number of distinct configurations analysed (subjects with equal
	// configurations share one analysis); Spent the budget they used together.
	Distinct, Spent int
}

// EffectivePermissions says, for every principal subject of the estate, what it may do,
// each distinct configuration analysed once within budget b. A subject whose
// configuration depends on an unknown part is Unknown with its reason.
func EffectivePermissions(e *Estate, b analysis.Budget) (Permissions, error) {
	var out Permissions
	if err := e.Validate(); err != nil {
		return out, err
	}
	subjects := newFlattener(e, map[*policy.Checked]string{}).subjects()
	groups, order := byConfig(subjects)
	results := make([]analysis.EffectivePermissionsResult, len(order))
	sets := &setCache{}
	err := parallel(len(order), func(i int) error {
		c := groups[order[i]][0].cfg
		if c.unknown != "" {
			results[i] = analysis.EffectivePermissionsResult{Status: analysis.Unknown, Reason: c.unknown}
			return nil
		}
		set, reason := sets.get(c)
		if reason != "" {
			results[i] = analysis.EffectivePermissionsResult{Status: analysis.Unknown, Reason: reason}
			return nil
		}
		r, err := analysis.EffectivePermissionsWith(set, analysis.Options{Budget: b, Bound: c.bound})
		results[i] = r
		return err
	})
	if err != nil {
		return out, err
	}
	byKey := map[string]int{}
	for i, k := range order {
		byKey[k] = i
		if c := groups[k][0].cfg; c.unknown == "" {
			out.Distinct++
		}
		out.Spent += results[i].Spent
	}
	for _, s := range subjects {
		r := results[byKey[s.cfg.key]]
		r.Actions = slices.Clone(r.Actions)
		for i := range r.Actions {
			refs := slices.Clone(r.Actions[i].AllowedBy)
			for j := range refs {
				refs[j].Policy = s.cfg.policyID(refs[j].Policy)
			}
			r.Actions[i].AllowedBy = refs
		}
		out.Subjects = append(out.Subjects, SubjectPermissions{Subject: s.Subject, Name: s.name, BeforeSCPs: s.beforeSCPs, EffectivePermissionsResult: r})
	}
	return out, nil
}

// policyID maps the evaluator's name of an identity document ("identity[2]") to the id
// of the subject's policy.
func (c *config) policyID(name string) string {
	var i int
	if _, err := fmt.Sscanf(name, "identity[%d]", &i); err == nil && i >= 0 && i < len(c.identityIDs) {
		return c.identityIDs[i][0]
	}
	return name
}

// byConfig groups subjects by configuration key, keys in first-seen order.
func byConfig(subjects []*subject) (map[string][]*subject, []string) {
	groups := map[string][]*subject{}
	var order []string
	for _, s := range subjects {
		if _, ok := groups[s.cfg.key]; !ok {
			order = append(order, s.cfg.key)
		}
		groups[s.cfg.key] = append(groups[s.cfg.key], s)
	}
	return groups, order
}

// setCache compiles each configuration once.
type setCache struct {
	mu      sync.Mutex
	entries map[string]*setEntry
}

type setEntry struct {
	once   sync.Once
	set    *evaluator.PolicySet
	reason string
}

// get returns the configuration's policy set, or why it cannot be built.
func (sc *setCache) get(c *config) (*evaluator.PolicySet, string) {
	sc.mu.Lock()
	if sc.entries == nil {
		sc.entries = map[string]*setEntry{}
	}
	k := c.setKey
	en, ok := sc.entries[k]
	if !ok {
		en = &setEntry{}
		sc.entries[k] = en
	}
	sc.mu.Unlock()
	en.once.Do(func() {
		set, errs := evaluator.NewPolicySet(c.sources())
		if len(errs) > 0 {
			en.reason = errs[0].String()
			return
		}
		en.set = set
	})
	return en.set, en.reason
}

// parallel runs f(0..n-1) on GOMAXPROCS workers and returns the first error.
func parallel(n int, f func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if i >= n || stop {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}

package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// writeLargePlan writes a plan (terraform show -json) of n resources in the shape
// Terraform writes, each in planned_values, resource_changes and prior_state and with a
// configuration block, about 3 KB each; every 100th is an identity policy. It returns
// the file and its size.
func writeLargePlan(tb testing.TB, n int) (string, int64) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "large-plan.json")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	doc := `{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"],"Resource":["*"]}]}`
	userData := strings.Repeat("#!/bin/sh\necho provisioning the instance with a long script line\n", 40) // ~2.7 KB
	resource := func(i int) (typ, name string, values map[string]any) {
		name = fmt.Sprintf("r%d", i)
		if i%100 == 0 {
			return "imspolicy_identity_policy", name, map[string]any{"name": name, "path": "/", "description": "", "policy": doc}
		}
		return "huaweicloud_compute_instance", name, map[string]any{
			"name": name, "flavor_id": "s6.large.2", "image_id": fmt.Sprintf("%08d-0000-4a5b-8c9d-112233445566", i),
			"user_data": userData, "tags": map[string]any{"team": "images", "index": fmt.Sprint(i)},
			"network":            []any{map[string]any{"uuid": "net-1", "fixed_ip_v4": "", "access_network": false}},
			"security_group_ids": []any{"sg-1", "sg-2"}, "availability_zone": "cn-north-4a",
		}
	}
	w := func(s string) {
		if _, err := io.WriteString(f, s); err != nil {
			tb.Fatal(err)
		}
	}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		return string(b)
	}
	list := func(key string, item func(i int) any) {
		w(`"` + key + `":[`)
		for i := range n {
			if i > 0 {
				w(",")
			}
			w(js(item(i)))
		}
		w("]")
	}
	w(`{"format_version":"1.2","terraform_version":"1.8.5","planned_values":{"root_module":{`)
	list("resources", func(i int) any {
		typ, name, values := resource(i)
		return map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/x/y", "schema_version": 0, "values": values, "sensitive_values": map[string]any{}}
	})
	w(`}},`)
	list("resource_changes", func(i int) any {
		typ, name, values := resource(i)
		return map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/x/y", "change": map[string]any{
				"actions": []string{"update"}, "before": values, "after": values, "after_unknown": map[string]any{},
				"before_sensitive": false, "after_sensitive": map[string]any{}}}
	})
	w(`,"prior_state":{"format_version":"1.0","values":{"root_module":{`)
	list("resources", func(i int) any {
		typ, name, values := resource(i)
		return map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name, "values": values}
	})
	w(`}}},"configuration":{"root_module":{`)
	list("resources", func(i int) any {
		typ, name, _ := resource(i)
		return map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
			"expressions": map[string]any{"name": map[string]any{"constant_value": name}}}
	})
	w(`}},"timestamp":"2026-01-01T00:00:00Z","applyable":true,"complete":true,"errored":false}`)
	fi, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	return path, fi.Size()
}

// BenchmarkCheckLargePlan runs `imspolicy check` and `imspolicy diff-access --plan` on a
// generated plan of 3,000 resources (about 35 MB) and reports the bytes allocated per byte of plan
// (alloc-B/plan-B): the command streams a plan rather than holding it, several times
// over, in memory.
func BenchmarkCheckLargePlan(b *testing.B) {
	path, size := writeLargePlan(b, 3000)
	for _, args := range [][]string{{"check", path}, {"diff-access", "--plan", path}} {
		b.Run(args[0], func(b *testing.B) {
			b.SetBytes(size)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				if code := Run(args, nil, io.Discard, io.Discard); code != exitOK {
					b.Fatalf("exit %d", code)
				}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(size), "alloc-B/plan-B")
		})
	}
}

// writeEstatePlan writes a plan of an account's IAM: users users in groups groups (each
// user in one group), policies identity policies, each group holding attach policies and
// each user one of its own; the plan attaches changed more policies to groups and adds
// nothing else. It returns the file.
func writeEstatePlan(tb testing.TB, users, groups, policies, attach, changed int) string {
	tb.Helper()
	var rcs []map[string]any
	add := func(typ, name string, actions []string, before, after map[string]any) {
		rcs = append(rcs, map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
			"change": map[string]any{"actions": actions, "before": before, "after": after, "after_unknown": map[string]any{}}})
	}
	noop := func(typ, name string, v map[string]any) { add(typ, name, []string{"no-op"}, v, v) }
	actions := []string{"ims:images:list", "ims:images:get", "ims:images:share", "ims:images:export", "ims:images:deleteImage", "ims:images:setTags"}
	for p := range policies {
		doc := fmt.Sprintf(`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":[%q],"Resource":["*"]}]}`, actions[p%len(actions)])
		noop("huaweicloud_identityv5_policy", fmt.Sprintf("p%d", p), map[string]any{"id": fmt.Sprintf("pol-%d", p), "name": fmt.Sprintf("p%d", p), "policy_document": doc})
	}
	for g := range groups {
		noop("huaweicloud_identityv5_group", fmt.Sprintf("g%d", g), map[string]any{"id": fmt.Sprintf("grp-%d", g), "group_name": fmt.Sprintf("g%d", g), "urn": fmt.Sprintf("iam::123:group:g%d", g)})
		var members []any
		for u := g; u < users; u += groups {
			members = append(members, fmt.Sprintf("usr-%d", u))
		}
		noop("huaweicloud_identityv5_group_membership", fmt.Sprintf("g%d", g), map[string]any{"id": fmt.Sprintf("grp-%d", g), "group_id": fmt.Sprintf("grp-%d", g), "user_id_list": members})
		for a := range attach {
			p := (g*7 + a) % policies
			noop("huaweicloud_identityv5_policy_group_attach", fmt.Sprintf("g%d_%d", g, a), map[string]any{"id": fmt.Sprintf("pol-%d/grp-%d", p, g), "policy_id": fmt.Sprintf("pol-%d", p), "group_id": fmt.Sprintf("grp-%d", g)})
		}
	}
	for u := range users {
		noop("huaweicloud_identityv5_user", fmt.Sprintf("u%d", u), map[string]any{"id": fmt.Sprintf("usr-%d", u), "name": fmt.Sprintf("u%d", u), "urn": fmt.Sprintf("iam::123:user:u%d", u)})
		p := (u * 13) % policies
		noop("huaweicloud_identityv5_policy_user_attach", fmt.Sprintf("u%d", u), map[string]any{"id": fmt.Sprintf("pol-%d/usr-%d", p, u), "policy_id": fmt.Sprintf("pol-%d", p), "user_id": fmt.Sprintf("usr-%d", u)})
	}
	for c := range changed {
		g, p := c%groups, (c*11+5)%policies
		add("huaweicloud_identityv5_policy_group_attach", fmt.Sprintf("new%d", c), []string{"create"}, nil,
			map[string]any{"policy_id": fmt.Sprintf("pol-%d", p), "group_id": fmt.Sprintf("grp-%d", g)})
	}
	b, err := json.Marshal(map[string]any{"format_version": "1.2", "planned_values": map[string]any{"root_module": map[string]any{}}, "resource_changes": rcs})
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "estate-plan.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkDiffAccessPlanByPrincipal runs diff-access --plan on a plan of an account of
// 1,000 users in 100 groups, 300 policies, 1,500 attachments, that attaches 100 more
// policies to groups: reading the plan, building both estates, comparing per principal
// and writing the report.
func BenchmarkDiffAccessPlanByPrincipal(b *testing.B) {
	plan := writeEstatePlan(b, 1000, 100, 300, 5, 100)
	b.ResetTimer()
	for range b.N {
		if exit := Run([]string{"diff-access", "--plan", plan}, nil, io.Discard, io.Discard); exit != ExitFindings {
			b.Fatalf("exit %d, want %d", exit, ExitFindings)
		}
	}
}

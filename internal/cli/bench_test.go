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

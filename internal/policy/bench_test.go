package policy

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// benchDocument returns an indented document of n realistic statements.
func benchDocument(n int) []byte {
	d := &Document{Version: &Str{Value: "5.0"}}
	for i := range n {
		s := Statement{
			Sid:      &Str{Value: fmt.Sprintf("Statement%d", i)},
			Effect:   &Str{Value: "Allow"},
			Action:   NewList("ims:images:get", "ims:images:updateImage", "ims:images:setTags", "obs:object:GetObject"),
			Resource: NewList(fmt.Sprintf("ims:cn-north-4:0a1b2c3d4e5f:image:%08d-0000-4a5b-8c9d-112233445566", i), "ims:cn-east-3:0a1b2c3d4e5f:image:*"),
		}
		if i%2 == 1 {
			s.Effect.Value = "Deny"
			s.Action = NewList("ims:images:copyCrossRegion", "ims:images:copyInRegion", "obs:object:GetObject")
			s.AddCondition("StringNotEquals", "ims:Region", "cn-north-4", "cn-east-3")
			s.AddCondition("Bool", "ims:Encrypted", "false")
		}
		d.Statements = append(d.Statements, s)
	}
	return d.Indented()
}

func BenchmarkParse(b *testing.B) {
	for _, n := range []int{100, 1000} {
		src := benchDocument(n)
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parse(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMinified(b *testing.B) {
	for _, n := range []int{100, 1000} {
		d, err := parse(benchDocument(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Minified()
			}
		})
	}
}

func BenchmarkEqual(b *testing.B) {
	for _, n := range []int{100, 1000} {
		src := benchDocument(n)
		x, errX := parse(src)
		y, errY := parse(src)
		if errX != nil || errY != nil {
			b.Fatal(errX, errY)
		}
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !Equal(x, y) {
					b.Fatal("not equal")
				}
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{100, 1000} {
		d, err := parse(benchDocument(n))
		if err != nil {
			b.Fatal(err)
		}
		// Large documents are over the size limit; they should draw no other finding.
		if fs := Check(d, Identity); len(fs) != 1 || fs[0].Code != "document_too_large" {
			b.Fatalf("the benchmark document draws %d findings: %v", len(fs), fs[:min(len(fs), 3)])
		}
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Check(d, Identity)
			}
		})
	}
}

// BenchmarkCheckV3Text checks a v3 document at the vendor's limits (8 statements of 100
// actions, a condition each) and the largest public example: what imspolicy check and
// the provider pay per v3 document.
func BenchmarkCheckV3Text(b *testing.B) {
	var stmts []string
	for i := range 8 {
		var acts []string
		for j := range 100 {
			acts = append(acts, fmt.Sprintf(`"ecs:servers%d:get%d"`, i, j))
		}
		stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Action":[%s],"Condition":{"StringEquals":{"g:ProjectName":["cn-north-%d"]}}}`, strings.Join(acts, ","), i))
	}
	limits := []byte(`{"Version":"1.1","Statement":[` + strings.Join(stmts, ",") + `]}`)
	example, err := os.ReadFile("testdata/v3/huawei-ims-create-image.json")
	if err != nil {
		b.Fatal(err)
	}
	for name, src := range map[string][]byte{"limits": limits, "example": example} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if CheckV3Text(src).Document() == nil {
					b.Fatal("did not parse")
				}
			}
		})
	}
}

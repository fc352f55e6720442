package migrate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/analysis"
	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// BenchmarkMigrate migrates and proves each worked case of the guide; spent/op is the
// proof's cost in representative requests (analysis.Budget's unit).
func BenchmarkMigrate(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("testdata", "guide", "*.json"))
	for _, f := range vendorCases {
		files = append(files, filepath.Join("..", "policy", "testdata", "v3", f))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		d := policy.CheckV3Text(src)
		b.Run(filepath.Base(f), func(b *testing.B) {
			spent := 0
			for b.Loop() {
				r := Migrate(d, analysis.Budget{})
				if r.Comparison == nil {
					b.Fatalf("no proof: %s %v", r.Reason, r.Problems)
				}
				spent = r.Comparison.Spent
			}
			b.ReportMetric(float64(spent), "spent/op")
		})
	}
}

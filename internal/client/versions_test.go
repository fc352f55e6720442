package client

import "testing"

func TestOldestNonDefaultVersion(t *testing.T) {
	vs := func(def string, ids ...string) []PolicyVersion {
		var out []PolicyVersion
		for _, id := range ids {
			out = append(out, PolicyVersion{VersionID: id, IsDefault: id == def})
		}
		return out
	}
	for _, tc := range []struct {
		versions []PolicyVersion
		want     string
	}{
		{vs("v5", "v5", "v4", "v3", "v2", "v1"), "v1"}, // newest first, as the service lists them
		{vs("v1", "v1", "v2", "v3", "v4", "v5"), "v2"},
		{vs("v3", "v10", "v9", "v3", "v12", "v11"), "v9"},
		{vs("v1", "v1"), ""},
	} {
		if got := OldestNonDefaultVersion(tc.versions); got != tc.want {
			t.Errorf("OldestNonDefaultVersion(%v) = %q, want %q", tc.versions, got, tc.want)
		}
	}
}

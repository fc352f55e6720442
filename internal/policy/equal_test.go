package policy

import "testing"

func TestEqual(t *testing.T) {
	const base = `{"Version":"5.0","Statement":[{"Sid":"S","Effect":"Allow","Action":["ims:images:get","ims:images:list"],"Resource":["ims:*:*:image:a","ims:*:*:image:b"],"Condition":{"StringEquals":{"ims:Region":["x","y"]},"Bool":{"ims:Encrypted":["true"]}}}]}`
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", base, base, true},
		{"layout and key order",
			base,
			`{"Statement": [ {
			   "Condition": {"Bool": {"ims:Encrypted": ["true"]}, "StringEquals": {"ims:Region": ["x", "y"]}},
			   "Resource": ["ims:*:*:image:a", "ims:*:*:image:b"], "Action": ["ims:images:get", "ims:images:list"],
			   "Effect": "Allow", "Sid": "S"} ],
			 "Version": "5.0"}`, true},
		{"list order",
			base,
			`{"Version":"5.0","Statement":[{"Sid":"S","Effect":"Allow","Action":["ims:images:list","ims:images:get"],"Resource":["ims:*:*:image:b","ims:*:*:image:a"],"Condition":{"StringEquals":{"ims:Region":["y","x"]},"Bool":{"ims:Encrypted":["true"]}}}]}`, true},
		{"duplicates",
			base,
			`{"Version":"5.0","Statement":[{"Sid":"S","Effect":"Allow","Action":["ims:images:get","ims:images:list","ims:images:get"],"Resource":["ims:*:*:image:a","ims:*:*:image:b","ims:*:*:image:a"],"Condition":{"StringEquals":{"ims:Region":["x","y","x"]},"Bool":{"ims:Encrypted":["true","true"]}}}]}`, true},
		{"single string vs list of one",
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"g:MFAPresent":"true"}}}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"],"Condition":{"Bool":{"g:MFAPresent":["true"]}}}]}`, true},
		{"action case",
			`{"Statement":[{"Action":["IMS:Images:Get"],"NotAction":["OBS:*"]}]}`,
			`{"Statement":[{"Action":["ims:images:get"],"NotAction":["obs:*"]}]}`, true},
		{"absent equals empty",
			`{"Statement":[{"Sid":"","Action":[],"Condition":{"Null":{}}}]}`,
			`{"Statement":[{}]}`, true},
		{"unknown fields in any order",
			`{"A":{"x":1,"y":[true]},"B":"b","Statement":[]}`,
			`{"B":"b","A":{"y":[true],"x":1},"Statement":[]}`, true},

		{"resource case matters",
			`{"Statement":[{"Resource":["ims:*:*:image:ABC"]}]}`,
			`{"Statement":[{"Resource":["ims:*:*:image:abc"]}]}`, false},
		{"condition value case matters",
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["CN-north-4"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["cn-north-4"]}}}]}`, false},
		{"operator case matters",
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["a"]}}}]}`,
			`{"Statement":[{"Condition":{"stringequals":{"ims:Region":["a"]}}}]}`, false},
		{"condition key case matters",
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["a"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"ims:region":["a"]}}}]}`, false},
		{"value moved to another key",
			`{"Statement":[{"Condition":{"StringEquals":{"a":["1"],"b":["2"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"a":["1","2"],"b":["2"]}}}]}`, false},
		{"statement order matters",
			`{"Statement":[{"Sid":"1"},{"Sid":"2"}]}`,
			`{"Statement":[{"Sid":"2"},{"Sid":"1"}]}`, false},
		{"statement count", `{"Statement":[{}]}`, `{"Statement":[{},{}]}`, false},
		{"version", `{"Version":"5.0","Statement":[]}`, `{"Version":"1.1","Statement":[]}`, false},
		{"sid", `{"Statement":[{"Sid":"a"}]}`, `{"Statement":[{"Sid":"A"}]}`, false},
		{"effect", `{"Statement":[{"Effect":"Allow"}]}`, `{"Statement":[{"Effect":"Deny"}]}`, false},
		{"action vs not action", `{"Statement":[{"Action":["a"]}]}`, `{"Statement":[{"NotAction":["a"]}]}`, false},
		{"resource vs not resource", `{"Statement":[{"Resource":["a"]}]}`, `{"Statement":[{"NotResource":["a"]}]}`, false},
		{"extra action", `{"Statement":[{"Action":["a"]}]}`, `{"Statement":[{"Action":["a","b"]}]}`, false},
		{"whitespace inside a value matters", `{"Statement":[{"Action":["a"]}]}`, `{"Statement":[{"Action":[" a"]}]}`, false},
		{"unknown field value", `{"X":1,"Statement":[]}`, `{"X":"1","Statement":[]}`, false},
		{"unknown field missing", `{"X":1,"Statement":[]}`, `{"Y":1,"Statement":[]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse([]byte(tt.a))
			if err != nil {
				t.Fatal(err)
			}
			b, err := Parse([]byte(tt.b))
			if err != nil {
				t.Fatal(err)
			}
			if got := Equal(a, b); got != tt.want {
				t.Errorf("Equal(a, b) = %v, want %v", got, tt.want)
			}
			if got := Equal(b, a); got != tt.want {
				t.Errorf("Equal(b, a) = %v, want %v", got, tt.want)
			}
		})
	}
	if !Equal(nil, nil) || Equal(nil, &Document{}) || Equal(&Document{}, nil) {
		t.Error("Equal with nil documents")
	}
}

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

		{"runs of wildcards in actions, resources and StringMatch values (** is *, *? is ?*)",
			`{"Statement":[{"Action":["ims:images:**"],"Resource":["ims:*:*:image:*?"],"Condition":{"StringMatch":{"g:ResourceTag/team":["a**b"]}}}]}`,
			`{"Statement":[{"Action":["ims:images:*"],"Resource":["ims:*:*:image:?*"],"Condition":{"StringMatch":{"g:ResourceTag/team":["a*b"]}}}]}`, true},
		{"a run of wildcards that matches other lengths is another pattern",
			`{"Statement":[{"Resource":["ims:*:*:image:??*"]}]}`,
			`{"Statement":[{"Resource":["ims:*:*:image:?*"]}]}`, false},
		{"StringEquals compares a star as a character",
			`{"Statement":[{"Condition":{"StringEquals":{"g:ResourceTag/team":["a**b"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"g:ResourceTag/team":["a*b"]}}}]}`, false},
		{"resource case matters",
			`{"Statement":[{"Resource":["ims:*:*:image:ABC"]}]}`,
			`{"Statement":[{"Resource":["ims:*:*:image:abc"]}]}`, false},
		{"condition value case matters",
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["CN-north-4"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["cn-north-4"]}}}]}`, false},
		{"operator case matters",
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["a"]}}}]}`,
			`{"Statement":[{"Condition":{"stringequals":{"ims:Region":["a"]}}}]}`, false},
		{"condition key case (the evaluator finds keys ignoring case)",
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["a"],"X:Custom":["b"],"g:ResourceTag/Env":["c"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"ims:region":["a"],"x:custom":["b"],"G:RESOURCETAG/env":["c"]}}}]}`, true},
		{"two spellings of one key with different values are both kept (both must hold)",
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["a"],"ims:region":["b"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"ims:Region":["a","b"]}}}]}`, false},
		{"two spellings of one key with the same values are one condition",
			`{"Statement":[{"Condition":{"Bool":{"g:MFAPresent":["TRUE"],"G:MFAPRESENT":["true"]}}}]}`,
			`{"Statement":[{"Condition":{"Bool":{"g:mfapresent":"true"}}}]}`, true},
		{"value moved to another key",
			`{"Statement":[{"Condition":{"StringEquals":{"a":["1"],"b":["2"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"a":["1","2"],"b":["2"]}}}]}`, false},
		{"statement order (no decision depends on it)",
			`{"Statement":[{"Sid":"1"},{"Sid":"2"}]}`,
			`{"Statement":[{"Sid":"2"},{"Sid":"1"}]}`, true},
		{"a statement written twice", `{"Statement":[{"Sid":"a"}]}`, `{"Statement":[{"Sid":"a"},{"Sid":"a"}]}`, true},
		{"statement count", `{"Statement":[{"Sid":"a"}]}`, `{"Statement":[{"Sid":"a"},{"Sid":"b"}]}`, false},

		// The AWS provider's policy-equivalence cases (awspolicyequivalence), in IMS terms.
		{"boolean in another case",
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":"TRUE"}}}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"Bool":{"g:MFAPresent":"true"}}}]}`, true},
		{"a number with a fraction of zero",
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"NumberLessThanEquals":{"x:Size":"100"}}}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"NumberLessThanEquals":{"x:Size":"100.0"}}}]}`, true},
		{"numbers with trailing zeros",
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"NumberLessThanEquals":{"x:Size":["100.01","200.2"]}}}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Condition":{"NumberLessThanEquals":{"x:Size":["100.010","200.20"]}}}]}`, true},
		{"statements in another order",
			`{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ims:images:get"]},{"Effect":"Deny","Action":["ims:images:delete"],"Resource":["*"]}]}`,
			`{"Version":"5.0","Statement":[{"Effect":"Deny","Action":["ims:images:delete"],"Resource":["*"]},{"Effect":"Allow","Action":["ims:images:get"]}]}`, true},
		{"a number's sign and leading zeros",
			`{"Statement":[{"Condition":{"NumberEquals":{"x":["+007","-0","0.50"]}}}]}`,
			`{"Statement":[{"Condition":{"NumberEquals":{"x":["7","0","0.5"]}}}]}`, true},
		{"a date in another offset, or a date alone",
			`{"Statement":[{"Condition":{"DateLessThan":{"g:CurrentTime":["2026-08-01T08:00:00+08:00","2026-09-01"]}}}]}`,
			`{"Statement":[{"Condition":{"DateLessThan":{"g:CurrentTime":["2026-08-01T00:00:00.000Z","2026-09-01T00:00:00Z"]}}}]}`, true},
		{"a CIDR with host bits, an address as a /32, a mapped address, IPv6 letters",
			`{"Statement":[{"Condition":{"IpAddress":{"g:SourceIp":["10.0.0.1/8","192.0.2.7/32","::ffff:198.51.100.1","2001:DB8::1/32"]}}}]}`,
			`{"Statement":[{"Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/8","192.0.2.7","198.51.100.1","2001:db8::/32"]}}}]}`, true},
		{"StringEqualsIgnoreCase values in another case (simple folding)",
			`{"Statement":[{"Condition":{"StringEqualsIgnoreCase":{"ims:Region":["CN-North-4","ſK"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEqualsIgnoreCase":{"ims:Region":["cn-north-4","S\u212a"]}}}]}`, true},

		{"a number differs", `{"Statement":[{"Condition":{"NumberEquals":{"x":["100.01"]}}}]}`, `{"Statement":[{"Condition":{"NumberEquals":{"x":["100.1"]}}}]}`, false},
		{"a string under StringEquals is not a number", `{"Statement":[{"Condition":{"StringEquals":{"x":["100"]}}}]}`, `{"Statement":[{"Condition":{"StringEquals":{"x":["100.0"]}}}]}`, false},
		{"an exponent is not a number, kept as written", `{"Statement":[{"Condition":{"NumberEquals":{"x":["1e2"]}}}]}`, `{"Statement":[{"Condition":{"NumberEquals":{"x":["100"]}}}]}`, false},
		{"a date a second apart", `{"Statement":[{"Condition":{"DateLessThan":{"g:CurrentTime":["2026-08-01T00:00:00Z"]}}}]}`, `{"Statement":[{"Condition":{"DateLessThan":{"g:CurrentTime":["2026-08-01T00:00:01Z"]}}}]}`, false},
		{"a CIDR of another length", `{"Statement":[{"Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/8"]}}}]}`, `{"Statement":[{"Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/16"]}}}]}`, false},
		{"ß is not SS under simple folding", `{"Statement":[{"Condition":{"StringEqualsIgnoreCase":{"x":["ß"]}}}]}`, `{"Statement":[{"Condition":{"StringEqualsIgnoreCase":{"x":["SS"]}}}]}`, false},
		{"StringMatch values keep their case", `{"Statement":[{"Condition":{"StringMatch":{"x":["A*"]}}}]}`, `{"Statement":[{"Condition":{"StringMatch":{"x":["a*"]}}}]}`, false},
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

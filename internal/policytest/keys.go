package policytest

// EvaluatorKeys are the evaluator's profile's condition keys: every type, a key the catalog
// does not know read as each operator's type, and one compared as several.
var EvaluatorKeys = []KeyKind{
	{Key: "ims:Region",
		Ops:           []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringMatch", "StringNotMatch", "StringStartWith", "StringNotStartWith", "StringEndWith", "StringNotEndWith"},
		PolicyValues:  []string{"cn-north-4", "cn-east-3", "CN-NORTH-4", "cn-*", "cn-?orth-4", "cn-", "-4", ""},
		RequestValues: []string{"cn-north-4", "cn-east-3", "CN-North-4", "ap-southeast-1", ""}},
	{Key: "ims:Encrypted",
		Ops:           []string{"Bool", "Bool", "StringEquals", "StringNotEquals"},
		PolicyValues:  []string{"true", "false", "True", "FALSE", "yes", "falſe"},
		RequestValues: []string{"true", "false", "TRUE", "1", "falſe", "tRue"}},
	{Key: "g:CurrentTime",
		Ops:           []string{"DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"},
		PolicyValues:  []string{"2026-01-01T00:00:00Z", "2026-11-25T10:00:00+08:00", "2026-11-25", "2027-01-01T00:00:00.5Z", "tomorrow"},
		RequestValues: []string{"2026-11-25T10:00:00Z", "2026-11-25T02:00:00Z", "2026-01-01", "2025-06-30T23:59:59.999Z", "now"}},
	{Key: "g:SourceIp",
		Ops:           []string{"IpAddress", "NotIpAddress"},
		PolicyValues:  []string{"192.0.2.0/24", "10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "192.0.2.0/33", "any", "::ffff:10.0.0.0/104", "::ffff:0:0/96", "::/0", "fe80::/10", "fe80::1%eth0", "::ffff:192.0.2.7"},
		RequestValues: []string{"192.0.2.7", "10.1.2.3", "203.0.113.9", "2001:db8::1", "192.0.2.0/24", "localhost", "::ffff:10.1.2.3", "::ffff:c000:207", "fe80::1", "fe80::1%eth0", "10.1.2.3/32"}},
	{Key: "ims:VolumeId", Multi: true,
		Ops:           []string{"StringEquals", "StringNotEquals", "StringMatch", "StringEqualsIgnoreCase"},
		PolicyValues:  []string{"v1", "v2", "V3", "v*"},
		RequestValues: []string{"v1", "v2", "v3", "V3", "w9"}},
	{Key: "g:ResourceTag/size",
		Ops:           []string{"NumberEquals", "NumberNotEquals", "NumberLessThan", "NumberLessThanEquals", "NumberGreaterThan", "NumberGreaterThanEquals", "StringEquals"},
		PolicyValues:  []string{"10", "5.5", "1e1", "-3", " 10 ", "ten"},
		RequestValues: []string{"9", "10", "10.0", "11", "-3", "nine"}},
	// A key the catalog does not know: each operator reads its values as its own type.
	{Key: "ecs:DiskSize",
		Ops:           []string{"NumberEquals", "NumberNotEquals", "NumberLessThan", "NumberLessThanEquals", "NumberGreaterThan", "NumberGreaterThanEquals", "StringEquals", "StringNotEquals"},
		PolicyValues:  []string{"10", "5.5", "-3", "+10", "010", "-0", "0", "1e1", " 10 ", "NaN", "Inf", "0x10", "1_0", ".5", "10.", "ten"},
		RequestValues: []string{"9", "10", "10.0", "+10", "-0", "0", "11", "-3", "nine", "NaN", "nan", "-Inf", "0x10", "1e1", " 10", "16"}},
	{Key: "ecs:Mixed", Multi: true,
		Ops:           []string{"StringEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "NumberEquals", "NumberGreaterThan", "DateLessThan", "Bool", "IpAddress", "NotIpAddress", "StringStartWith"},
		PolicyValues:  []string{"10", "true", "2026-01-01", "10.0.0.0/8", "10.1.2.3", "ſ", "S", "\u212a", "k", "straße", "STRASSE", "1"},
		RequestValues: []string{"10", "10.0", "TRUE", "2025-12-31T23:59:59Z", "10.1.2.3", "::ffff:10.1.2.3", "s", "ſ", "K", "\u212a", "straße", "ı", "I", "1"}},
	{Key: "g:SourceVpce",
		Ops:           []string{"Null", "StringEquals", "StringNotEquals"},
		PolicyValues:  []string{"true", "false", "vpce-1"},
		RequestValues: []string{"vpce-1", "vpce-2"}},
}

// AnalyserKeys are the analyser's profile's condition keys: one type each, with the
// evaluator's profile's values (the analysis declines keys compared as two types).
var AnalyserKeys = []KeyKind{
	{Key: "ims:Region", Ops: []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringMatch", "StringNotMatch", "StringStartWith", "StringNotStartWith", "StringEndWith", "StringNotEndWith"},
		PolicyValues: []string{"cn-north-4", "cn-east-3", "CN-NORTH-4", "cn-*", "cn-?orth-4", "cn-", "-4", ""}},
	{Key: "ims:Encrypted", Ops: []string{"Bool"}, PolicyValues: []string{"true", "false", "True"}},
	{Key: "g:CurrentTime", Ops: []string{"DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"},
		PolicyValues: []string{"2026-01-01T00:00:00Z", "2026-11-25T10:00:00+08:00", "2026-11-25", "2027-01-01T00:00:00.5Z"}},
	{Key: "g:SourceIp", Ops: []string{"IpAddress", "NotIpAddress"},
		PolicyValues: []string{"192.0.2.0/24", "10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::ffff:10.0.0.0/104"}},
	{Key: "ims:VolumeId", Ops: []string{"StringEquals", "StringNotEquals", "StringMatch", "StringEqualsIgnoreCase"},
		PolicyValues: []string{"v1", "v2", "V3", "v*"}},
	{Key: "x:size", Ops: []string{"NumberEquals", "NumberNotEquals", "NumberLessThan", "NumberLessThanEquals", "NumberGreaterThan", "NumberGreaterThanEquals"},
		PolicyValues: []string{"10", "5.5", "-3", "0"}},
	{Key: "g:SourceVpce", Ops: []string{"Null", "StringEquals", "StringNotEquals"}, PolicyValues: []string{"vpce-1", "vpce-2"}},
}

package policy

import (
	"fmt"
	"strings"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/wildcard"
)

// Habit is an AWS IAM spelling that users of both clouds write by habit, and what Huawei
// Cloud's v5 grammar says instead.
type Habit struct {
	Kind   HabitKind
	AWS    string // as AWS spells it
	Huawei string // what to write instead
	Note   string // why, when it is not a plain renaming
}

// HabitKind is the kind of element an AWS habit is found in.
type HabitKind int

const (
	HabitOperator HabitKind = iota + 1 // a condition operator's base name
	HabitVersion                       // the document's Version
	HabitARN                           // a resource's prefix
	HabitArgument                      // an argument of imspolicy_policy_document's condition block
)

// awsHabits is the one table of AWS spellings the messages map. Huawei's names are the
// operator table's (internal/condition) and the grammar's (Version "5.0", URNs) in the
// reference notes; AWS's are its IAM policy grammar and aws_iam_policy_document's
// condition block (test, variable, values).
var awsHabits = []Habit{
	{HabitOperator, "StringLike", "StringMatch", ""},
	{HabitOperator, "StringNotLike", "StringNotMatch", ""},
	{HabitOperator, "ArnLike", "StringMatch", "URNs are compared as strings"},
	{HabitOperator, "ArnNotLike", "StringNotMatch", "URNs are compared as strings"},
	{HabitOperator, "ArnEquals", "StringEquals", "URNs are compared as strings"},
	{HabitOperator, "ArnNotEquals", "StringNotEquals", "URNs are compared as strings"},
	{HabitOperator, "NumericEquals", "NumberEquals", ""},
	{HabitOperator, "NumericNotEquals", "NumberNotEquals", ""},
	{HabitOperator, "NumericLessThan", "NumberLessThan", ""},
	{HabitOperator, "NumericLessThanEquals", "NumberLessThanEquals", ""},
	{HabitOperator, "NumericGreaterThan", "NumberGreaterThan", ""},
	{HabitOperator, "NumericGreaterThanEquals", "NumberGreaterThanEquals", ""},
	{HabitVersion, "2012-10-17", "5.0", ""},
	{HabitVersion, "2008-10-17", "5.0", ""},
	{HabitARN, "arn:", "ims:<region>:<account-id>:image:<image-id>", "Huawei Cloud names resources by URN, <service>:<region>:<account-id>:<type>:<resource-path>"},
	{HabitArgument, "test", "operator", ""},
	{HabitArgument, "variable", "key", ""},
}

// Habits returns the table of AWS spellings and their Huawei Cloud equivalents.
func Habits() []Habit { return append([]Habit(nil), awsHabits...) }

// AWSHabit finds the AWS spelling of kind k that s is (operators and arguments exactly,
// an ARN by its prefix in any case).
func AWSHabit(k HabitKind, s string) (Habit, bool) {
	for _, h := range awsHabits {
		if h.Kind != k {
			continue
		}
		if h.AWS == s || (k == HabitARN && len(s) >= len(h.AWS) && wildcard.EqualFold(s[:len(h.AWS)], h.AWS)) {
			return h, true
		}
	}
	return Habit{}, false
}

// Message says what to write instead of an AWS spelling, for a finding or a diagnostic.
func (h Habit) Message() string {
	var what string
	switch h.Kind {
	case HabitOperator:
		what = fmt.Sprintf("%s is AWS's operator; Huawei Cloud's is %s", h.AWS, h.Huawei)
	case HabitVersion:
		what = fmt.Sprintf("%q is the version of AWS's policy language; Huawei Cloud's v5 grammar is %q", h.AWS, h.Huawei)
	case HabitARN:
		what = fmt.Sprintf("this is an AWS ARN; write %s for an image", h.Huawei)
	case HabitArgument:
		what = fmt.Sprintf("%q is the argument of AWS's aws_iam_policy_document; here it is %q", h.AWS, h.Huawei)
	}
	if h.Note != "" {
		what += " (" + h.Note + ")"
	}
	return what
}

// awsOperator rewrites an operator with AWS's base name into Huawei's, keeping its
// ForAnyValue:/ForAllValues: prefix and IfExists suffix: "ForAnyValue:StringNotLike" is
// "ForAnyValue:StringNotMatch". The prefix is mended as suggestOperator mends it.
func awsOperator(name string) (Habit, string, bool) {
	o := ParseOperator(name)
	if o.Qualifier == NoQualifier {
		if prefix, rest, ok := strings.Cut(o.Base, ":"); ok {
			if q := closest(prefix, []string{string(ForAnyValue), string(ForAllValues)}, 3); q != "" {
				o.Qualifier, o.Base = Qualifier(q), rest
			}
		}
	}
	h, ok := AWSHabit(HabitOperator, o.Base)
	if !ok {
		return Habit{}, "", false
	}
	o.Base = h.Huawei
	return h, o.String(), true
}

// awsAccountID reports whether an account id is AWS's form, 12 decimal digits. A Huawei
// Cloud account id (domain id) is 32 hexadecimal characters, as in the IAM API reference's
// example d78cbac186b744899480f25bd022f468 ("Querying Account Information Accessible to an
// IAM User", https://support.huaweicloud.com/intl/en-us/api-iam/iam_07_0001.html).
func awsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

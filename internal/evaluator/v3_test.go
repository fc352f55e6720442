package evaluator

import (
	"errors"
	"strings"
	"testing"

	"github.com/imspolicy/terraform-provider-imspolicy/internal/policy"
)

// A parsed v3 document as the v3 evaluator reads it: statements at their own index,
// NotAction, other services' actions, a Resource object refused.
func TestV3PolicyOf(t *testing.T) {
	d, err := policy.ParseV3([]byte(`{"Version":"1.1","Statement":[
		{"Effect":"allow","Action":["ims:*:get","obs:object:*","IMS:images:list"]},
		{"Effect":"Deny","NotAction":["ims:images:*"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	set, err := NewV3PolicySet([]V3Policy{V3PolicyOf(d)})
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	for _, c := range []struct {
		action string
		want   Decision
	}{
		{"ims:images:get", Allow},
		{"ims:quotas:get", ExplicitDeny}, // not an ims:images action: the NotAction Deny applies
		{"ims:images:list", ImplicitDeny},
		{"obs:object:GetObject", ExplicitDeny},
	} {
		set.Evaluate(&Request{Action: c.action, Resource: "*"}, &res)
		if res.Decision != c.want {
			t.Errorf("%s: %s, want %s", c.action, res.Decision, c.want)
		}
	}
	if len(res.Matched) != 2 || res.Matched[0].Policy != "identity[0]" || res.Matched[1].Statement != 1 {
		t.Errorf("matched %+v", res.Matched)
	}
	d, err = policy.ParseV3([]byte(`{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:get"],"Resource":{"uri":["/iam/agencies/x"]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewV3PolicySet([]V3Policy{{}, V3PolicyOf(d)})
	var ve *V3Error
	if !errors.As(err, &ve) || ve.Policy != 1 || ve.Statement != 0 || ve.Element != "Resource" || !strings.Contains(err.Error(), "agency") {
		t.Errorf("Resource object: %v", err)
	}
}

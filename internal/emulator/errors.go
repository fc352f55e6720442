package emulator

import (
	"fmt"
	"strings"
)

// Source says whether an error code (or a behaviour) is read in a vendor source or inferred.
type Source string

// Sources of error codes.
const (
	Stated   Source = "stated"
	Inferred Source = "inferred"
)

// ErrorCode is one error the emulator answers with: the HTTP status, the vendor's
// error_code and the fixed part of error_msg, and where the code comes from.
type ErrorCode struct {
	Status  int
	Code    string
	Message string
	Source  Source
	Note    string // for inferred codes: what the guess rests on
}

// The error codes, in one place. Stated codes are read in the vendor's error code pages,
// its SDKs or the Terraform provider that calls the same APIs; inferred codes fill gaps in
// those sources (the vendor's tables were not available in full) and follow the shape of the
// stated ones.
var (
	// API gateway (both services).
	errSignature = ErrorCode{401, "APIGW.0301", "Incorrect IAM authentication information", Stated,
		"the API gateway's answer to a wrong AK/SK signature"}
	errNoRoute = ErrorCode{404, "APIGW.0101", "The API does not exist or has not been published in the environment", Stated,
		"the API gateway's error table (APIG.0101, answered with the APIGW prefix on cloud service endpoints)"}
	errBodyTooLarge = ErrorCode{413, "APIGW.0201", "Request entity too large", Stated,
		"the API gateway's error table (APIG.0201, 413; the APIGW prefix as for APIGW.0101); the bound, MaxBody, is the emulator's own"}
	errThrottled = ErrorCode{429, "APIGW.0308", "The throttling threshold has been reached", Inferred,
		"fault injection; the gateway's throttling code as recalled, not read in this project's sources"}
	errInternal = ErrorCode{500, "SYS.0500", "Internal server error", Inferred,
		"fault injection: a 5xx from the service behind the gateway"}
	errUnavailable = ErrorCode{503, "SYS.0503", "Service unavailable", Inferred,
		"fault injection: a 5xx from the service behind the gateway"}

	// IAM v5 (PAP5.*).
	errIAMInvalidMarker   = ErrorCode{400, "PAP5.0010", "invalid marker", Stated, ""}
	errIAMMalformedPolicy = ErrorCode{400, "PAP5.0011", "malformed policy document", Stated,
		"the code is stated; answering it for the checker's error findings and the size quota is inferred"}
	errIAMInvalidPath = ErrorCode{400, "PAP5.0030", "invalid path", Stated,
		"the code is stated; refusing the segments . and .. (which the stated character set admits) is inferred"}
	errIAMVersionLimit = ErrorCode{409, "PAP5.0028", "versions per policy limit exceeded", Stated,
		"code and message from the vendor's Terraform provider, which retries on it"}
	errIAMAgencyLimit = ErrorCode{409, "PAP5.0003", "attached policies per agency limit exceeded", Stated,
		"code and message stated; the status 409 is inferred"}
	errIAMUserLimit = ErrorCode{409, "PAP5.0004", "attached policies per user limit exceeded", Inferred,
		"shaped after PAP5.0003"}
	errIAMGroupLimit = ErrorCode{409, "PAP5.0005", "attached policies per group limit exceeded", Inferred,
		"shaped after PAP5.0003"}
	errIAMInvalidParam = ErrorCode{400, "PAP5.0014", "invalid parameter", Inferred,
		"generic bad input (name, description, limit, ids, JSON body)"}
	errIAMNotFound        = ErrorCode{404, "PAP5.0015", "policy not found", Inferred, ""}
	errIAMVersionNotFound = ErrorCode{404, "PAP5.0015", "policy version not found", Inferred, ""}
	errIAMNotAttached     = ErrorCode{404, "PAP5.0015", "policy not attached", Inferred,
		"detaching a policy that is not attached; AWS IAM answers NoSuchEntity"}
	errIAMDuplicateName = ErrorCode{409, "PAP5.0017", "policy name already exists", Inferred,
		"names are unique per account; compared ignoring case, which is inferred: the vendor's CreatePolicyV5 page states " +
			"policy_name's characters but not whether case counts, and AWS IAM, which the v5 API follows, says names are not " +
			"distinguished by case"}
	errIAMPolicyAttached = ErrorCode{409, "PAP5.0018", "policy is attached to entities", Inferred,
		"the vendor's DeletePolicyV5 page says the policy must not be attached; the answer's shape is inferred"}
	errIAMDeleteDefault = ErrorCode{409, "PAP5.0019", "cannot delete the default version of a policy", Inferred, ""}
	errIAMPolicyLimit   = ErrorCode{409, "PAP5.0020", "policies per account limit exceeded", Inferred, ""}
	errIAMSystemPolicy  = ErrorCode{403, "PAP5.0021", "system policies cannot be modified or deleted", Inferred,
		"the vendor's pages say system policies are predefined; the answer to changing one (code, status) is not stated"}
	errIAMUnknownService = ErrorCode{404, "PAP5.0015", "service not found", Inferred,
		"the emulator serves the authorization schema of ims only"}

	// Organizations (Organizations.*).
	errOrgConcurrent      = ErrorCode{409, "Organizations.1003", "Concurrent modification.", Stated, ""}
	errOrgInvalidParam    = ErrorCode{400, "Organizations.1200", "Invalid parameter.", Inferred, ""}
	errOrgInvalidMarker   = ErrorCode{400, "Organizations.1200", "Invalid marker.", Inferred, ""}
	errOrgMalformedPolicy = ErrorCode{400, "Organizations.1201", "Malformed policy content.", Inferred, ""}
	errOrgPolicyNotFound  = ErrorCode{404, "Organizations.1202", "Policy not found.", Inferred, ""}
	errOrgEntityNotFound  = ErrorCode{404, "Organizations.1203", "Entity not found.", Inferred,
		"an r- id other than the organisation's root"}
	errOrgDuplicateName = ErrorCode{409, "Organizations.1204", "A policy with the same name already exists.", Inferred,
		"AWS Organizations: DuplicatePolicyException; names compared ignoring case (inferred: the vendor's guide, " +
			"\"Creating an SCP\", asks for a unique name without saying whether case counts)"}
	errOrgPolicyInUse = ErrorCode{409, "Organizations.1205", "The policy is attached to one or more entities.", Inferred,
		"AWS Organizations: PolicyInUseException"}
	errOrgPolicyLimit = ErrorCode{409, "Organizations.1206", "The number of policies exceeds the quota.", Inferred,
		"quota of 1,000 SCPs stated; the answer's shape is inferred"}
	errOrgTypeNotEnabled = ErrorCode{400, "Organizations.1207", "The policy type service_control_policy is not enabled in the root.", Inferred,
		"AWS Organizations: PolicyTypeNotEnabledException (400)"}
	errOrgTypeAlreadyEnabled = ErrorCode{409, "Organizations.1208", "The policy type is already enabled in the root.", Inferred,
		"AWS Organizations: PolicyTypeAlreadyEnabledException"}
	errOrgDuplicateAttachment = ErrorCode{409, "Organizations.1209", "The policy is already attached to the entity.", Inferred,
		"AWS Organizations: DuplicatePolicyAttachmentException"}
	errOrgNotAttached = ErrorCode{404, "Organizations.1210", "The policy is not attached to the entity.", Inferred,
		"AWS Organizations: PolicyNotAttachedException"}
	errOrgAttachLimit = ErrorCode{409, "Organizations.1211", "The number of policies attached to the entity exceeds the quota.", Inferred,
		"quota of 5 SCPs per root, OU or account stated; the answer's shape is inferred"}
	errOrgLastPolicy = ErrorCode{409, "Organizations.1212", "The last policy of an entity cannot be detached.", Inferred,
		"the vendor's guide states that the last SCP cannot be detached from an OU or account"}
	errOrgBuiltin               = ErrorCode{400, "Organizations.1213", "A system policy cannot be modified or deleted.", Inferred, ""}
	errOrgTypeNotEnabledDisable = ErrorCode{409, "Organizations.1214", "The policy type is not enabled in the root.", Inferred, ""}
)

// ErrorCodes lists every error the emulator can answer with, for documentation.
func ErrorCodes() []ErrorCode {
	return []ErrorCode{
		errSignature, errNoRoute, errBodyTooLarge, errThrottled, errInternal, errUnavailable,
		errIAMInvalidMarker, errIAMMalformedPolicy, errIAMInvalidPath, errIAMVersionLimit,
		errIAMAgencyLimit, errIAMUserLimit, errIAMGroupLimit, errIAMInvalidParam, errIAMNotFound,
		errIAMVersionNotFound, errIAMNotAttached, errIAMDuplicateName, errIAMPolicyAttached,
		errIAMDeleteDefault, errIAMPolicyLimit, errIAMSystemPolicy, errIAMUnknownService,
		errOrgConcurrent, errOrgInvalidParam, errOrgInvalidMarker, errOrgMalformedPolicy,
		errOrgPolicyNotFound, errOrgEntityNotFound, errOrgDuplicateName, errOrgPolicyInUse,
		errOrgPolicyLimit, errOrgTypeNotEnabled, errOrgTypeAlreadyEnabled, errOrgDuplicateAttachment,
		errOrgNotAttached, errOrgAttachLimit, errOrgLastPolicy, errOrgBuiltin, errOrgTypeNotEnabledDisable,
	}
}

// apiError is an error answer: a code and the message to send.
type apiError struct {
	code ErrorCode
	msg  string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.code.Status, e.code.Code, e.msg) }

// fail builds an answer from a code; extra detail, when given, follows the fixed message.
func fail(code ErrorCode, format string, args ...any) *apiError {
	msg := code.Message
	if format != "" {
		msg = strings.TrimSuffix(msg, ".") + ": " + fmt.Sprintf(format, args...)
	}
	return &apiError{code: code, msg: msg}
}

// errorBody is the vendor's error body.
type errorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

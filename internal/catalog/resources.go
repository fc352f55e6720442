package catalog

// resourceTypes is Table 3.
var resourceTypes = []ResourceType{
	{Name: "image", Service: "ims", URNFormat: "ims:<region>:<account-id>:image:<image-id>"},
}

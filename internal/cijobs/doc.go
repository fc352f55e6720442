// Package cijobs holds the tests of the CI jobs the "Checking policies in CI" guide
// includes (examples/ci/github-workflow.yml and examples/ci/gitlab-ci.yml): their keys,
// and their shell steps run against a real plan of examples/demo. It has no code of its
// own.
package cijobs

// Package cijobs holds the tests of the CI jobs the "Checking policies in CI" guide
// includes (examples/ci/github-workflow.yml and examples/ci/gitlab-ci.yml): their keys,
// and their shell steps run against a real plan of examples/demo; and of the guide's
// finding example, examples/ci/terraform, whose results point at its .tf lines in every
// format. It has no code of its own.
package cijobs

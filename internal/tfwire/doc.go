// Package tfwire is Terraform's wire format and nothing of Kore.ai: a writer of state in Terraform's MessagePack
// encoding, a reader that never trusts a length header, object descriptions from which both a schema's attributes
// and the state encoder are built, the start-up check that compares the two, and a protocol 6 server that answers
// ReadDataSource and CallFunction straight from and into those bytes, leaving every other call to the framework.
//
// It exists because the framework's path builds a tree of values for every state and function argument, which for
// states of hundreds of thousands of values costs tens of seconds and gigabytes. It imports neither the Kore.ai
// client nor the provider (golangci-lint's depguard keeps it so), and its tests need no Terraform CLI: the writer is
// checked byte for byte against terraform-plugin-go's encoder, and the reader is fuzzed.
package tfwire

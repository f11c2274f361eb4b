// Package features holds the contract's scenarios, one feature file per task
// operation plus one for authentication and authorization and one for a
// document's whole life (lifecycle.feature, @mock @clock). They are written
// in the docs' words so that QA can read and extend them; the steps they use
// live in package steps (run `sendai-contract -list-steps` for the catalogue).
package features

import "embed"

// FS holds the built-in *.feature files at its root.
//
//go:embed *.feature
var FS embed.FS

package event_test

import "flag"

// The -update flag rewrites golden files. This package has none of its
// own, but every test package accepts the flag so that
// "go test ./... -update" runs in every package.
var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

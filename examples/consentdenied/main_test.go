package main

import (
	"testing"

	"github.com/escudo-dev/escudo/internal/cli/clitest"
)

// TestShapes runs the program on every export shape it reads and checks
// each gives the findings and risk events of the same sign-ins as JSON
// lines.
func TestShapes(t *testing.T) { clitest.CheckShapes(t, program()) }

// TestFailures checks the exact message and exit status of each failure.
func TestFailures(t *testing.T) { clitest.CheckFailures(t, program()) }

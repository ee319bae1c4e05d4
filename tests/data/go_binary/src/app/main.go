// A program whose build info has each kind of module line: a plain dependency, a dependency
// replaced by another module at a version, and one replaced by a local directory.
package main

import (
	"example.com/liba"
	"example.com/localc"
	"github.com/other/libb"
)

func main() { println(liba.A() + libb.B() + localc.C()) }

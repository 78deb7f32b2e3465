// Command gen writes docs/tools.md from the pinned tool surface; run it with
// `go generate ./tools`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nextcloud-mcp/nextcloud-mcp/internal/tooldocs"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

func main() {
	golden := flag.String("golden", "testdata/tools.golden.json", "the pinned tool surface")
	out := flag.String("out", "../docs/tools.md", "the page to write")
	flag.Parse()
	if err := run(*golden, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(golden, out string) error {
	data, err := os.ReadFile(golden)
	if err != nil {
		return err
	}
	page, err := tooldocs.Render(data, tools.DocSets())
	if err != nil {
		return err
	}
	return os.WriteFile(out, page, 0o644)
}

package index

import (
	"context"
	"sync"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
)

// TestConcurrentOpensOfAFreshIndex: processes that open a fresh index at
// the same moment (serve and `index sync` started together) all succeed,
// and none takes the other's lock for damage and rebuilds the file.
func TestConcurrentOpensOfAFreshIndex(t *testing.T) {
	ctx := context.Background()
	ex := extract.New(extract.Config{})
	t.Cleanup(func() { ex.Close() })
	const rounds, openers = 20, 5
	for round := range rounds {
		dir := t.TempDir()
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, openers)
		notices := make([]string, openers)
		for i := range openers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ix, err := Open(ctx, dir, Options{Extractor: ex})
				if err == nil {
					notices[i] = ix.Notice()
					_, err = ix.Status(ctx)
					ix.Close()
				}
				errs[i] = err
			}()
		}
		close(start)
		wg.Wait()
		for i := range openers {
			if errs[i] != nil || notices[i] != "" {
				t.Fatalf("round %d opener %d: %v %s", round, i, errs[i], notices[i])
			}
		}
	}
}

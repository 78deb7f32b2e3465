package store

import (
	"context"
	"sync"
	"testing"
)

// TestConcurrentOpensOfAFreshFile: connections that open a fresh file at
// the same moment (as processes started together do) all succeed, whoever
// creates the schema: a read that races the creation of schema_version,
// or the switch to WAL, is never an error.
func TestConcurrentOpensOfAFreshFile(t *testing.T) {
	ctx := context.Background()
	const rounds, openers = 30, 6
	for round := range rounds {
		dir := t.TempDir()
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, openers)
		for i := range openers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				s, err := Open(ctx, dir)
				if err == nil {
					var v int
					v, err = s.SchemaVersion(ctx)
					if err == nil && v != LatestSchemaVersion() {
						t.Errorf("round %d opener %d: schema version %d", round, i, v)
					}
					s.Close()
				}
				errs[i] = err
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d opener %d: %v", round, i, err)
			}
		}
	}
}

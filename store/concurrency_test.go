package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The multi-process test re-runs this test binary as several OS processes
// that open the same fresh file at once and write to it in parallel, as two
// desktop servers and a `login` might.
const (
	childDirEnv = "NEXTCLOUD_MCP_STORE_CHILD_DIR"
	childIDEnv  = "NEXTCLOUD_MCP_STORE_CHILD_ID"
	childKeyEnv = "NEXTCLOUD_MCP_STORE_CHILD_KEY"
	childStart  = "NEXTCLOUD_MCP_STORE_CHILD_START"
	processes   = 4
	writesEach  = 25
)

func TestConcurrentProcessesShareTheStore(t *testing.T) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		runStoreChild(t, dir)
		return
	}
	dir := t.TempDir()
	key := testKey(0x42)
	// All children start writing at the same instant, after their start-up.
	start := time.Now().Add(700 * time.Millisecond).UnixNano()
	var wg sync.WaitGroup
	outputs := make([]string, processes)
	errs := make([]error, processes)
	for i := range processes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentProcessesShareTheStore$", "-test.count=1")
			cmd.Env = append(os.Environ(), childDirEnv+"="+dir, childIDEnv+"="+strconv.Itoa(i),
				childKeyEnv+"="+hex.EncodeToString(key), childStart+"="+strconv.FormatInt(start, 10))
			out, err := cmd.CombinedOutput()
			outputs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	for i := range processes {
		if errs[i] != nil || strings.Contains(outputs[i], "locked") || strings.Contains(outputs[i], "busy") {
			t.Errorf("process %d: %v\n%s", i, errs[i], outputs[i])
		}
	}
	if t.Failed() {
		return
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, WithKey(keyFn(key)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	accts, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != processes*writesEach {
		t.Fatalf("%d accounts, want %d", len(accts), processes*writesEach)
	}
	defaults := 0
	for _, a := range accts {
		if a.IsDefault {
			defaults++
		}
		sec, err := s.AccountSecret(ctx, a.Key)
		if err != nil || sec != "pw-"+a.Login {
			t.Fatalf("secret of %s: %q %v", a.Key, sec, err)
		}
	}
	if defaults != 1 {
		t.Fatalf("%d default accounts, want exactly 1", defaults)
	}
	hooks, err := s.Webhooks(ctx, "")
	if err != nil || len(hooks) != processes*writesEach {
		t.Fatalf("%d webhooks (%v), want %d", len(hooks), err, processes*writesEach)
	}
}

func runStoreChild(t *testing.T, dir string) {
	id := os.Getenv(childIDEnv)
	key, err := hex.DecodeString(os.Getenv(childKeyEnv))
	if err != nil {
		t.Fatal(err)
	}
	if at, err := strconv.ParseInt(os.Getenv(childStart), 10, 64); err == nil {
		time.Sleep(time.Until(time.Unix(0, at)))
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, WithKey(keyFn(key)))
	if err != nil {
		t.Fatalf("child %s open: %v", id, err)
	}
	defer s.Close()
	for j := range writesEach {
		login := fmt.Sprintf("p%s-n%d", id, j)
		a, err := s.SaveAccount(ctx, Account{ServerURL: "https://cloud.example", Login: login, IsDefault: j%5 == 0}, "pw-"+login)
		if err != nil {
			t.Fatalf("child %s save account %d: %v", id, j, err)
		}
		n, _ := strconv.Atoi(id)
		if err := s.SaveWebhook(ctx, Webhook{Account: a.Key, ID: int64(n*1000 + j), Event: "E", URI: "https://hook"}); err != nil {
			t.Fatalf("child %s save webhook %d: %v", id, j, err)
		}
		if _, _, err := s.DefaultAccount(ctx); err != nil {
			t.Fatalf("child %s read: %v", id, err)
		}
		if j%7 == 0 {
			if err := s.SetDefault(ctx, a.Key); err != nil {
				t.Fatalf("child %s set default: %v", id, err)
			}
		}
	}
}

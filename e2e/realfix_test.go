package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// realfixReport is what sdkclient/realfix.mjs prints.
type realfixReport struct {
	Rounds []struct {
		Round         int    `json:"round"`
		ConditionalOK bool   `json:"conditionalOK"`
		EtagChanged   bool   `json:"etagChanged"`
		StaleRefused  bool   `json:"staleRefused"`
		StaleMessage  string `json:"staleMessage"`
		Content       string `json:"content"`
	} `json:"rounds"`
	Talk struct {
		Before *struct {
			Unread  int
			Mention bool
		} `json:"before"`
		MarkedRead bool     `json:"markedRead"`
		Texts      []string `json:"texts"`
		After      struct {
			Unread  int  `json:"unread"`
			Mention bool `json:"mention"`
		} `json:"after"`
	} `json:"talk"`
	Group, Public struct {
		IsError      bool     `json:"isError"`
		Text         string   `json:"text"`
		Name         string   `json:"name"`
		Participants []string `json:"participants"`
	}
}

func runRealfix(t *testing.T, bin string, env []string, args ...string) realfixReport {
	t.Helper()
	var r realfixReport
	runSDKScript(t, "realfix.mjs", bin, env, &r, args...)
	return r
}

// checkNoLostUpdate: three rounds of write → conditional write → stale
// write, each refusing the stale one and keeping the newer content.
func checkNoLostUpdate(t *testing.T, r realfixReport) {
	t.Helper()
	if len(r.Rounds) != 3 {
		t.Fatalf("rounds: %+v", r.Rounds)
	}
	for _, rd := range r.Rounds {
		if !rd.ConditionalOK || !rd.EtagChanged || !rd.StaleRefused || !strings.HasPrefix(rd.Content, "newer") {
			t.Errorf("round %d: conditional ok %v, etag changed %v, stale refused %v (%q), content %q",
				rd.Round, rd.ConditionalOK, rd.EtagChanged, rd.StaleRefused, rd.StaleMessage, rd.Content)
		}
	}
}

func checkRealfix(t *testing.T, r realfixReport) {
	t.Helper()
	checkNoLostUpdate(t, r)
	if r.Talk.Before == nil || r.Talk.Before.Unread == 0 || !r.Talk.Before.Mention {
		t.Errorf("the Launch conversation should start unread with a mention: %+v", r.Talk.Before)
	}
	if !r.Talk.MarkedRead || r.Talk.After.Unread != 0 || r.Talk.After.Mention {
		t.Errorf("after mark_read: %+v", r.Talk)
	}
	if !slices.ContainsFunc(r.Talk.Texts, func(s string) bool { return strings.Contains(s, "@admin") }) {
		t.Errorf("the mention should read @admin: %q", r.Talk.Texts)
	}
	if r.Group.IsError || r.Group.Name != "Release crew" || !slices.Contains(r.Group.Participants, "users:alice") {
		t.Errorf("group conversation: %+v", r.Group)
	}
	if r.Public.IsError || r.Public.Name != "Open house" || !slices.Contains(r.Public.Participants, "groups:users") || !slices.Contains(r.Public.Participants, "users:alice") {
		t.Errorf("public conversation: %+v", r.Public)
	}
}

// TestRealServerFixesThroughSDK drives the binary with the official
// TypeScript SDK client against a fake whose file clock stands still, so
// every write lands in the same second (the case where Nextcloud keeps a
// file's etag), and against `serve --demo`. Real Nextcloud servers are not
// reachable from the test machine; the fake follows their recordings.
func TestRealServerFixesThroughSDK(t *testing.T) {
	requireTool(t, "node")
	requireSDK(t)
	bin := buildBinary(t)

	t.Run("frozen-clock fake", func(t *testing.T) {
		fake := ncfake.New(ncfake.Options{})
		t0 := time.Now().Truncate(time.Second)
		fake.SetFilesClock(func() time.Time { return t0 })
		launch := fake.AddTalkConversation("alice", "Launch", "admin")
		fake.AddTalkMessage(launch, "alice", "The launch checklist is ready.")
		fake.AddTalkMessage(launch, "alice", "@admin could you review it today?")
		ts := fake.Start()
		t.Cleanup(ts.Close)
		r := runRealfix(t, bin, []string{"NEXTCLOUD_HOST=" + ts.URL, "NEXTCLOUD_USERNAME=admin", "NEXTCLOUD_PASSWORD=admin-app-password",
			"NEXTCLOUD_MCP_CONFIG_DIR=" + t.TempDir()}, "serve")
		checkRealfix(t, r)
		puts := 0
		for _, req := range fake.Requests() {
			if req.Method == "PUT" {
				puts++
				if req.Header.Get("X-OC-Mtime") == "" {
					t.Errorf("PUT %s without X-OC-Mtime", req.Path)
				}
			}
		}
		if puts != 7 {
			t.Errorf("%d PUTs, want 7", puts)
		}
	})
	t.Run("serve --demo", func(t *testing.T) {
		checkRealfix(t, runRealfix(t, bin, []string{"NEXTCLOUD_MCP_CONFIG_DIR=" + t.TempDir()}, "serve", "--demo"))
	})
}

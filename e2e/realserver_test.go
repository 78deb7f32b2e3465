//go:build realserver

package e2e

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The checks the real-server issues ask for, through the official
// TypeScript SDK client, against a Nextcloud named by the environment. No
// real server is reachable from CI, so this file builds only with
// -tags realserver (docs/development.md, "Checking a real server"):
//
//	NEXTCLOUD_E2E_HOST=https://cloud.example.com NEXTCLOUD_E2E_USERNAME=ann \
//	NEXTCLOUD_E2E_PASSWORD=app-password go test -tags realserver ./e2e -run RealServer -v
//
// The scripts' E2E_* variables name the data a real account has where the
// demo has its own (see each script's header).

func realServerEnv(t *testing.T) []string {
	t.Helper()
	host, user, pass := os.Getenv("NEXTCLOUD_E2E_HOST"), os.Getenv("NEXTCLOUD_E2E_USERNAME"), os.Getenv("NEXTCLOUD_E2E_PASSWORD")
	if host == "" || user == "" || pass == "" {
		t.Fatal("set NEXTCLOUD_E2E_HOST, NEXTCLOUD_E2E_USERNAME and NEXTCLOUD_E2E_PASSWORD (an app password) to the account to check")
	}
	return []string{"NEXTCLOUD_HOST=" + host, "NEXTCLOUD_USERNAME=" + user, "NEXTCLOUD_PASSWORD=" + pass,
		"NEXTCLOUD_MCP_CONFIG_DIR=" + t.TempDir(), "E2E_RUN=" + fmt.Sprintf(" %d", time.Now().Unix())}
}

// TestRealServerFixes: three rounds of write → conditional write → stale
// write refuse the stale one every time; a conversation read with mark_read
// has nothing unread after; a group conversation keeps its name; a public
// one holds the group. E2E_TALK_CONVERSATION must have unread messages with
// a mention of the user, written by someone else.
func TestRealServerFixes(t *testing.T) {
	env := realServerEnv(t)
	var r realfixReport
	runSDKScript(t, "realfix.mjs", buildBinary(t), env, &r, "serve")
	checkNoLostUpdate(t, r)
	if r.Talk.Before == nil || r.Talk.Before.Unread == 0 {
		t.Errorf("the conversation E2E_TALK_CONVERSATION should start with unread messages: %+v", r.Talk.Before)
	}
	if !r.Talk.MarkedRead || r.Talk.After.Unread != 0 || r.Talk.After.Mention {
		t.Errorf("after mark_read: %+v", r.Talk)
	}
	group := os.Getenv("E2E_TALK_GROUP")
	if group == "" {
		group = "users"
	}
	if r.Group.IsError || r.Group.Name != "Release crew" || len(r.Group.Participants) < 2 {
		t.Errorf("group conversation: %+v", r.Group)
	}
	if r.Public.IsError || r.Public.Name != "Open house" || !slices.Contains(r.Public.Participants, "groups:"+group) {
		t.Errorf("public conversation: %+v", r.Public)
	}
}

// TestRealServerApps: add a feed and read its items, create and find a
// recipe and a bookmark, create a form and summarise the answers of
// E2E_FORM_TITLE.
func TestRealServerApps(t *testing.T) {
	env := realServerEnv(t)
	var s appsReport
	runSDKScript(t, "apps.mjs", buildBinary(t), env, &s, "serve")
	results := s.results(t)
	count := func(tool, key string) int {
		list, _ := results[tool][key].([]any)
		return len(list)
	}
	for tool, key := range map[string]string{"nc_news_list_items": "items", "nc_cookbook_list_recipes": "recipes", "nc_bookmarks_search": "bookmarks"} {
		if count(tool, key) == 0 {
			t.Errorf("%s found nothing: %v", tool, results[tool])
		}
	}
	if q, _ := results["nc_forms_create"]["questions"].([]any); len(q) != 1 {
		t.Errorf("created form: %v", results["nc_forms_create"])
	}
	if _, ok := results["nc_forms_list_submissions"]["total"].(float64); !ok {
		t.Errorf("form summary: %v", results["nc_forms_list_submissions"])
	}
}

// TestRealServerMailCollectives: list mail and read a message with an
// attachment (E2E_MAIL_QUERY finds it), send a mail and find it in Sent,
// read a collective page (E2E_COLLECTIVE, E2E_COLLECTIVE_PAGE).
func TestRealServerMailCollectives(t *testing.T) {
	env := realServerEnv(t)
	type result struct {
		IsError    bool           `json:"isError"`
		Structured map[string]any `json:"structured"`
		Text       string         `json:"text"`
	}
	var s struct {
		Inbox   result  `json:"inbox"`
		Message *result `json:"message"`
		Attach  *result `json:"attachment"`
		Sent    result  `json:"sent"`
		SentBox result  `json:"sentBox"`
		Page    result  `json:"page"`
	}
	runSDKScript(t, "apps_mail.mjs", buildBinary(t), env, &s, "serve")
	if s.Inbox.IsError {
		t.Errorf("INBOX: %s", s.Inbox.Text)
	}
	if s.Message == nil || s.Message.IsError || s.Attach == nil || s.Attach.IsError {
		t.Errorf("a message with an attachment (E2E_MAIL_QUERY): %+v / %+v", s.Message, s.Attach)
	}
	if s.Sent.IsError || s.Sent.Structured["sent"] != true || s.SentBox.IsError || !strings.Contains(s.SentBox.Text, "SDK check") {
		t.Errorf("send, then Sent: %+v / %s", s.Sent, s.SentBox.Text)
	}
	if s.Page.IsError {
		t.Errorf("collective page: %s", s.Page.Text)
	}
}

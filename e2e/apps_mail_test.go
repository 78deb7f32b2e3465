package e2e

import (
	"slices"
	"strings"
	"testing"
)

// TestSDKMailCollectives: the official TypeScript SDK client sees every
// Mail and Collectives tool of `serve --demo`, reads mail (sync included), a
// message and its PDF attachment as text, and a collective page, and sends a mail that lands
// in Sent.
func TestSDKMailCollectives(t *testing.T) {
	type result struct {
		IsError    bool           `json:"isError"`
		Structured map[string]any `json:"structured"`
		Text       string         `json:"text"`
	}
	var s struct {
		ToolNames []string `json:"toolNames"`
		Inbox     result   `json:"inbox"`
		Message   *result  `json:"message"`
		Attach    *result  `json:"attachment"`
		Sent      result   `json:"sent"`
		SentBox   result   `json:"sentBox"`
		Page      result   `json:"page"`
	}
	runSDKScript(t, "apps_mail.mjs", buildBinary(t), []string{"NEXTCLOUD_MCP_CONFIG_DIR=" + t.TempDir()}, &s, "serve", "--demo")
	for _, want := range []string{"nc_mail_list_accounts", "nc_mail_list_mailboxes", "nc_mail_list_messages", "nc_mail_get_message",
		"nc_mail_get_attachment", "nc_mail_send", "nc_mail_reply", "nc_mail_set_flags", "nc_mail_move", "nc_mail_delete",
		"nc_collectives_list", "nc_collectives_list_pages", "nc_collectives_read_page", "nc_collectives_create_page",
		"nc_collectives_update_page", "nc_collectives_search"} {
		if !slices.Contains(s.ToolNames, want) {
			t.Errorf("%s not listed by serve --demo", want)
		}
	}
	msgs, _ := s.Inbox.Structured["messages"].([]any)
	if s.Inbox.IsError || len(msgs) != 5 {
		t.Errorf("INBOX: %+v", s.Inbox)
	}
	if s.Message == nil || s.Message.IsError || !strings.Contains(s.Message.Text, "invoice-2026-11.pdf") {
		t.Errorf("message with an attachment: %+v", s.Message)
	}
	if s.Attach == nil || s.Attach.IsError || s.Attach.Structured["format"] != "pdf" || !strings.Contains(s.Attach.Text, "1,200.00 EUR") {
		t.Errorf("PDF attachment as text: %+v", s.Attach)
	}
	if s.Sent.IsError || s.Sent.Structured["sent"] != true {
		t.Errorf("send: %+v", s.Sent)
	}
	if s.SentBox.IsError || !strings.Contains(s.SentBox.Text, "SDK check") {
		t.Errorf("Sent after sending: %+v", s.SentBox)
	}
	if s.Page.IsError || !strings.Contains(s.Page.Text, "Book trains") || !strings.Contains(s.Page.Text, `"last_editor":"alice"`) {
		t.Errorf("collective page: %+v", s.Page)
	}
}

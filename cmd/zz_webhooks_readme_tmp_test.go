package cmd

import (
	"fmt"
	"os"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestZZWebhooksReadmeCapture(t *testing.T) {
	if os.Getenv("WH_CAPTURE") == "" {
		t.Skip("capture only")
	}
	e := newWebhookEnv(t, ncfake.Options{Major: 31}, "admin")
	show := func(args ...string) {
		code, out, errOut := e.run(args...)
		fmt.Printf("$ nextcloud-mcp %v  (exit %d)\n%s%s\n", args, code, out, errOut)
	}
	show("webhooks", "presets")
	show("webhooks", "enable", "notes_sync", "--uri", "https://hooks.example.org/nextcloud")
	show("webhooks", "register", "--event", nextcloud.EventTablesRowAdded, "--uri", "https://hooks.example.org/tables", "--filter", `{"event.tableId": 42}`)
	show("webhooks", "list")
	show("webhooks", "list", "--json")
	recs := e.records()
	e.fake.RemoveWebhook(recs[0].ID)
	e.fake.AddWebhook(ncfake.Webhook{UserID: "admin", HTTPMethod: "POST", URI: "https://n8n.example.org/webhook/nc", Event: nextcloud.EventNodeCreated})
	show("webhooks", "list", "--remote")
	show("webhooks", "sync")
	show("webhooks", "sync", "--adopt", "--uri", "https://n8n.example.org/webhook/nc")
	show("webhooks", "delete", idArg(recs[1].ID))
	show("webhooks", "disable", "notes_sync")
	e.fake.FailWebhookCreate(3, 500, "An internal error occurred")
	show("webhooks", "enable", "files_sync", "--uri", "https://hooks.example.org/files")
	show("webhooks", "register", "--event", `OCA\Mine\Event`, "--uri", "https://hooks.example.org/")
	show("webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "http://hooks.example.org/")
}

package tools

// webhooksToolset: Webhooks registered by nextcloud-mcp (read-only).
func webhooksToolset(d *Deps) *Toolset {
	return &Toolset{Name: "webhooks", Description: "Webhooks registered by nextcloud-mcp (read-only).", Available: hasApp("webhook_listeners")}
}

package tools

// activityToolset: Recent activity and notifications.
func activityToolset(d *Deps) *Toolset {
	return &Toolset{Name: "activity", Description: "Recent activity and notifications.", Available: hasApp("activity")}
}

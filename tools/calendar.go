package tools

// calendarToolset: Calendars and events over CalDAV.
func calendarToolset(d *Deps) *Toolset {
	return &Toolset{Name: "calendar", Description: "Calendars and events over CalDAV."}
}

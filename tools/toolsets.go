package tools

// All returns every toolset the server knows, in the order they are listed.
// A new Nextcloud app adds its constructor here.
func All(d *Deps) []*Toolset {
	return []*Toolset{
		coreToolset(d),
		notesToolset(d),
		filesToolset(d),
		transfersToolset(d),
		calendarToolset(d),
		tasksToolset(d),
		contactsToolset(d),
		deckToolset(d),
		tablesToolset(d),
		sharingToolset(d),
		talkToolset(d),
		searchToolset(d),
		indexToolset(d),
		activityToolset(d),
		notificationsToolset(d),
		mailToolset(d),
		collectivesToolset(d),
		webhooksToolset(d),
		newsToolset(d),
		cookbookToolset(d),
		bookmarksToolset(d),
		formsToolset(d),
		authToolset(d),
	}
}

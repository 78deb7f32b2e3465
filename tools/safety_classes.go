package tools

// Effect says whether Nextcloud keeps a way back from a tool's change.
type Effect int

const (
	// Reversible: Nextcloud keeps a way back (trash bin, versions, calendar
	// trash bin, archive, Deck's deleted items) or the change is undone by
	// calling a tool again with the earlier values.
	Reversible Effect = iota + 1
	// Irreversible: nothing brings the data back, or the change reached other
	// people (a sent message, a share). Confirmed by the user first.
	Irreversible
	// Conditional: irreversible only in some cases (a message already in the
	// Trash is deleted for good); the tool's confirmer decides per call.
	Conditional
)

func (e Effect) String() string {
	switch e {
	case Reversible:
		return "reversible"
	case Irreversible:
		return "irreversible"
	case Conditional:
		return "conditional"
	}
	return "unclassified"
}

// safetyClass is what the safety layer knows about one tool that changes data.
type safetyClass struct {
	Effect Effect
	// Undo says how the change is taken back: a tool or a place in Nextcloud.
	Undo string
	// RestoreWith, on a reversible delete, names the tool that brings the
	// item back; its result says so.
	RestoreWith string
}

// Ways back that several tools share.
const (
	undoTrash    = "nc_webdav_restore_trash (find the id with nc_webdav_list_trash)"
	undoVersion  = "nc_webdav_restore_version (find it with nc_webdav_list_versions)"
	undoCalTrash = "nc_calendar_restore (find the id with nc_calendar_list_trash)"
	undoDeck     = "restore it from the board's Deleted items in Deck's web interface"
	undoAgain    = "call the tool again with the earlier values"
	undoDelete   = "delete what was created"
)

// safetyClasses is the one table of every tool that changes data. A tool
// that is not read-only and missing here fails TestSafetyClassesComplete, so
// tools added on other branches are classified when they are merged.
func safetyClasses() map[string]safetyClass {
	rev := func(undo string) safetyClass { return safetyClass{Effect: Reversible, Undo: undo} }
	del := func(restoreWith, undo string) safetyClass {
		return safetyClass{Effect: Reversible, Undo: undo, RestoreWith: restoreWith}
	}
	irr := safetyClass{Effect: Irreversible}
	return map[string]safetyClass{
		"nc_auth_login": rev("run `nextcloud-mcp logout`"),

		"nc_bookmarks_create":        rev(undoDelete),
		"nc_bookmarks_create_folder": rev(undoDelete),
		"nc_bookmarks_update":        rev(undoAgain),
		"nc_bookmarks_delete":        irr, // a deleted bookmark is gone (bookmarks/23)

		"nc_calendar_create_calendar": rev(undoDelete),
		"nc_calendar_create_event":    rev(undoDelete),
		"nc_calendar_update_event":    rev(undoAgain),
		"nc_calendar_delete_event":    del("nc_calendar_restore", undoCalTrash),
		"nc_calendar_delete_calendar": del("nc_calendar_restore", undoCalTrash),
		"nc_calendar_restore":         rev("delete it again"),

		"nc_tasks_create":   rev(undoDelete),
		"nc_tasks_update":   rev(undoAgain),
		"nc_tasks_complete": rev(undoAgain),
		"nc_tasks_delete":   del("nc_calendar_restore", undoCalTrash),

		"nc_collectives_create_page": rev(undoDelete),
		"nc_collectives_update_page": rev("the page's earlier versions in Collectives"),

		"nc_contacts_create_addressbook": rev(undoDelete),
		"nc_contacts_create_contact":     rev(undoDelete),
		"nc_contacts_update_contact":     rev(undoAgain),
		"nc_contacts_delete_contact":     irr,
		"nc_contacts_delete_addressbook": irr,

		"nc_cookbook_create_recipe": rev(undoDelete),
		"nc_cookbook_import_recipe": rev(undoDelete),
		"nc_cookbook_update_recipe": rev(undoVersion),
		// The recipe is a folder of the user's files: it goes to the trash bin.
		"nc_cookbook_delete_recipe": del("nc_webdav_restore_trash", undoTrash),

		"nc_deck_create_board":    rev(undoDelete),
		"nc_deck_create_stack":    rev(undoDelete),
		"nc_deck_create_card":     rev(undoDelete),
		"nc_deck_create_label":    rev(undoDelete),
		"nc_deck_create_comment":  rev(undoDelete),
		"nc_deck_update_board":    rev(undoAgain),
		"nc_deck_update_stack":    rev(undoAgain),
		"nc_deck_update_card":     rev(undoAgain),
		"nc_deck_update_label":    rev(undoAgain),
		"nc_deck_update_comment":  rev(undoAgain),
		"nc_deck_move_card":       rev(undoAgain),
		"nc_deck_assign_label":    rev("nc_deck_remove_label"),
		"nc_deck_remove_label":    rev("nc_deck_assign_label"),
		"nc_deck_assign_user":     rev("nc_deck_unassign_user"),
		"nc_deck_unassign_user":   rev("nc_deck_assign_user"),
		"nc_deck_archive_card":    rev("nc_deck_unarchive_card"),
		"nc_deck_unarchive_card":  rev("nc_deck_archive_card"),
		"nc_deck_delete_board":    del("Deck's web interface (Deleted items)", undoDeck),
		"nc_deck_delete_stack":    del("Deck's web interface (Deleted items)", undoDeck),
		"nc_deck_delete_card":     del("Deck's web interface (Deleted items)", undoDeck),
		"nc_deck_delete_label":    irr,
		"nc_deck_delete_comment":  irr,
		"nc_forms_create":         rev(undoDelete),
		"nc_mail_get_attachment":  rev("delete the saved file"),
		"nc_mail_move":            rev("nc_mail_move back"),
		"nc_mail_set_flags":       rev(undoAgain),
		"nc_mail_send":            irr,
		"nc_mail_reply":           irr,
		"nc_news_add_feed":        rev(undoDelete),
		"nc_news_mark_read":       rev("mark them unread in News"),
		"nc_news_set_starred":     rev(undoAgain),
		"nc_news_remove_feed":     irr,
		"nc_notes_create_note":    rev(undoDelete),
		"nc_notes_update_note":    rev(undoVersion),
		"nc_notes_append_content": rev(undoVersion),
		// A note is a file: Notes deletes it into the trash bin.
		"nc_notes_delete_note":     del("nc_webdav_restore_trash", undoTrash),
		"nc_notifications_dismiss": irr,

		"nc_sharing_create":      irr, // the recipient sees the file at once
		"nc_sharing_create_link": irr, // anyone with the link can fetch it at once
		"nc_sharing_update":      rev(undoAgain),
		"nc_sharing_delete":      irr, // a revoked link cannot be made again with its token

		"nc_tables_create_table": rev(undoDelete),
		"nc_tables_add_column":   rev(undoDelete),
		"nc_tables_insert_row":   rev(undoDelete),
		"nc_tables_update_row":   rev(undoAgain),
		"nc_tables_delete_row":   irr,

		"nc_talk_create_conversation": rev("delete the conversation in Talk"),
		"nc_talk_mark_read":           rev("mark it unread in Talk"),
		"nc_talk_react":               rev("remove the reaction in Talk"),
		"nc_talk_send_message":        irr, // the others read it at once

		"nc_webdav_create_directory": rev(undoDelete),
		"nc_webdav_write_file":       rev(undoVersion),
		"nc_webdav_upload_file":      rev(undoVersion),
		// An overwritten destination goes to the trash bin (webdav/35, 40).
		"nc_webdav_move_resource":   rev("move it back; " + undoTrash),
		"nc_webdav_copy_resource":   rev(undoDelete + "; " + undoTrash),
		"nc_webdav_delete_resource": del("nc_webdav_restore_trash", undoTrash),
		"nc_webdav_restore_trash":   rev("nc_webdav_delete_resource"),
		"nc_webdav_restore_version": rev(undoVersion),
		// A local file it replaces (overwrite) has no trash bin.
		"nc_webdav_download_file": {Effect: Conditional, Undo: "delete the local copy"},

		// Deleting inside the Trash mailbox expunges the message.
		"nc_mail_delete": {Effect: Conditional, Undo: "nc_mail_move it back from the Trash mailbox", RestoreWith: "nc_mail_move"},
	}
}

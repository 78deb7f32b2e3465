package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Prompts cost no context until the user picks one (clients show them as
// slash commands). Each prompt is a plan that names the tools to use, one
// step per app; steps for apps this server does not offer (--toolsets, the
// server's apps) are left out, and in dynamic mode the message first asks
// for the toolsets to be turned on.

// promptStep is one part of a prompt's plan, carried out with one app.
type promptStep struct {
	toolset string
	text    string
}

// promptDef is one prompt: its definition and the plan it builds from the
// arguments.
type promptDef struct {
	prompt mcp.Prompt
	build  func(args map[string]string, readOnly bool) (intro string, steps []promptStep, outro string)
}

func promptDefs() []promptDef {
	return []promptDef{
		{
			prompt: mcp.NewPrompt("prepare_my_day",
				mcp.WithPromptTitle("Prepare my day"),
				mcp.WithPromptDescription("Today's events, tasks and Deck cards due, and unread Talk mentions, as a plan for the day."),
				mcp.WithArgument("date", mcp.ArgumentTitle("Day"), mcp.ArgumentDescription("The day to prepare, e.g. 2026-03-02 (default today)")),
				mcp.WithArgument("calendar", mcp.ArgumentTitle("Calendar"), mcp.ArgumentDescription("Only this calendar (default all)")),
			),
			build: func(a map[string]string, _ bool) (string, []promptStep, string) {
				day := orDefault(strings.TrimSpace(a["date"]), "today")
				cal := ""
				if a["calendar"] != "" {
					cal = fmt.Sprintf(" (calendar_name %q)", a["calendar"])
				}
				return "Prepare my day for " + day + ". Gather:",
					[]promptStep{
						{"calendar", "Events: nc_calendar_list_events from the start of that day to the start of the next" + cal + ", in my timezone."},
						{"tasks", "Tasks: nc_tasks_list with due_before the next day, so overdue and due tasks come back."},
						{"deck", "Deck: nc_deck_list_boards, then nc_deck_board_overview for each board; keep cards due by the end of the day or overdue and not done."},
						{"talk", "Talk: nc_talk_list_conversations with unread_only; keep the conversations that mention me, with their last message."},
					},
					"Then give me a short plan: meetings in time order with gaps and conflicts, what is overdue, and what to do first. Change nothing."
			},
		},
		{
			prompt: mcp.NewPrompt("weekly_review",
				mcp.WithPromptTitle("Weekly review"),
				mcp.WithPromptDescription("What got done and what slipped this week, and what the next week holds."),
				mcp.WithArgument("week_of", mcp.ArgumentTitle("Week of"), mcp.ArgumentDescription("A day in the week to review, e.g. 2026-03-02 (default this week)")),
			),
			build: func(a map[string]string, _ bool) (string, []promptStep, string) {
				week := "this week"
				if a["week_of"] != "" {
					week = "the week of " + a["week_of"]
				}
				return "Run my weekly review for " + week + " (Monday to Sunday). Gather:",
					[]promptStep{
						{"calendar", "Calendar: nc_calendar_list_events for that week and for the week after."},
						{"tasks", "Tasks: nc_tasks_list with status completed for what got done, and open tasks due before the end of next week."},
						{"deck", "Deck: nc_deck_list_boards and nc_deck_board_overview; note cards done, overdue and due next week."},
						{"activity", "Activity: nc_activity_list for what changed in my files and shares during the week."},
						{"notes", "Notes: nc_notes_list_notes for notes I changed during the week."},
					},
					"Then write the review: done, slipped (with why if the data shows it), next week's commitments, and three suggestions. Change nothing."
			},
		},
		{
			prompt: mcp.NewPrompt("meeting_prep",
				mcp.WithPromptTitle("Meeting prep"),
				mcp.WithPromptDescription("A brief for an upcoming meeting: who comes, related files, notes, chats and open items."),
				mcp.WithArgument("event", mcp.ArgumentTitle("Meeting"), mcp.ArgumentDescription("Title (or part of it) of an event in the next 14 days"), mcp.RequiredArgument()),
				mcp.WithArgument("calendar", mcp.ArgumentTitle("Calendar"), mcp.ArgumentDescription("The calendar holding it (default all)")),
			),
			build: func(a map[string]string, _ bool) (string, []promptStep, string) {
				in := ""
				if a["calendar"] != "" {
					in = fmt.Sprintf(" in calendar_name %q", a["calendar"])
				}
				return fmt.Sprintf("Prepare me for the meeting %q.", a["event"]),
					[]promptStep{
						{"calendar", fmt.Sprintf("Find it with nc_calendar_list_events from now over the next 14 days with query %q%s, then read it with nc_calendar_get_event: time, place, attendees, description.", a["event"], in)},
						{"contacts", "For each attendee: nc_contacts_search by email for name, organisation and title."},
						{"search", "Related material: nc_search_unified for the meeting's topic and the attendees' names."},
						{"files", "Read the most relevant files with nc_webdav_read_file (at most five)."},
						{"notes", "Read related notes with nc_notes_search_notes and nc_notes_get_note."},
						{"talk", "Recent discussion: nc_talk_list_conversations, then nc_talk_read_messages in a conversation about the topic."},
						{"deck", "Open items: Deck cards about the topic (nc_deck_board_overview)."},
					},
					"Then give me a one-paragraph brief, who is coming, open questions to raise, and links to the material. Change nothing."
			},
		},
		{
			prompt: mcp.NewPrompt("summarise",
				mcp.WithPromptTitle("Summarise a file or folder"),
				mcp.WithPromptDescription("Read a document, or the documents in a folder, and summarise them."),
				mcp.WithArgument("path", mcp.ArgumentTitle("File or folder"), mcp.ArgumentDescription("Path in my files, e.g. Documents/report.pdf or Projects/Alpha"), mcp.RequiredArgument()),
				mcp.WithArgument("focus", mcp.ArgumentTitle("Focus"), mcp.ArgumentDescription("What to look for, e.g. decisions or risks (default the key points)")),
			),
			build: func(a map[string]string, _ bool) (string, []promptStep, string) {
				focus := "the key points, decisions and open questions"
				if a["focus"] != "" {
					focus = a["focus"]
				}
				return fmt.Sprintf("Summarise %q from my Nextcloud files, focusing on %s.", a["path"], focus),
					[]promptStep{
						{"files", fmt.Sprintf("Call nc_webdav_get_info on %q. A file: read it with nc_webdav_read_file, window by window for long documents. A folder: nc_webdav_list_directory, then read the most relevant documents in it (at most ten).", a["path"])},
					},
					"Then write the summary with a short section per document, citing each by its path. Change nothing."
			},
		},
		{
			prompt: mcp.NewPrompt("find_and_file",
				mcp.WithPromptTitle("Find and file"),
				mcp.WithPromptDescription("Find everything about a topic across files, notes and search, and file the files into one folder."),
				mcp.WithArgument("topic", mcp.ArgumentTitle("Topic"), mcp.ArgumentDescription("What to look for, e.g. the Alpha project"), mcp.RequiredArgument()),
				mcp.WithArgument("destination", mcp.ArgumentTitle("Destination folder"), mcp.ArgumentDescription("Folder to file into (default: propose one)")),
			),
			build: func(a map[string]string, readOnly bool) (string, []promptStep, string) {
				dest := "a folder you propose"
				if a["destination"] != "" {
					dest = fmt.Sprintf("the folder %q", a["destination"])
				}
				outro := "Show me what you found and, for each file, where it would go in " + dest + ". Only after I confirm: create the folder with nc_webdav_create_directory if needed and move each file with nc_webdav_move_resource, never overwriting an existing file."
				if readOnly {
					outro = "This server is read-only: show me what you found and, for each file, where it should go in " + dest + "; move nothing."
				}
				return fmt.Sprintf("Find everything about %q in my Nextcloud. Gather:", a["topic"]),
					[]promptStep{
						{"search", "nc_search_unified with the topic, across every app."},
						{"files", "nc_webdav_search_files by name for the topic's key words."},
						{"notes", "nc_notes_search_notes for notes about it."},
					},
					outro
			},
		},
	}
}

// promptServerOptions declare prompts and argument completion.
func promptServerOptions(r *Registry) []server.ServerOption {
	return []server.ServerOption{
		server.WithPromptCapabilities(false),
		server.WithCompletions(),
		server.WithPromptCompletionProvider(&promptCompleter{r: r}),
	}
}

// registerPrompts adds every prompt.
func registerPrompts(s *server.MCPServer, r *Registry) {
	var ps []server.ServerPrompt
	for _, def := range promptDefs() {
		ps = append(ps, server.ServerPrompt{Prompt: def.prompt, Handler: r.promptHandler(def)})
	}
	s.AddPrompts(ps...)
}

// promptHandler builds the prompt's message from the steps this server offers.
func (r *Registry) promptHandler(def promptDef) server.PromptHandlerFunc {
	return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		for _, arg := range def.prompt.Arguments {
			if arg.Required && strings.TrimSpace(req.Params.Arguments[arg.Name]) == "" {
				return nil, fmt.Errorf("prompt %s needs the argument %s (%s)", def.prompt.Name, arg.Name, arg.Description)
			}
		}
		intro, steps, outro := def.build(req.Params.Arguments, r.opts.ReadOnly)
		offered := map[string]bool{}
		for _, ts := range r.offered(ctx) {
			offered[ts.Name] = true
		}
		var b strings.Builder
		b.WriteString(intro)
		b.WriteString("\n")
		var off []string
		n := 0
		for _, st := range steps {
			if !offered[st.toolset] {
				continue
			}
			n++
			fmt.Fprintf(&b, "%d. %s\n", n, st.text)
			if r.dynamic != nil && !r.dynamic.isEnabled(st.toolset) && !slices.Contains(off, st.toolset) {
				off = append(off, st.toolset)
			}
		}
		if n == 0 {
			b.WriteString("(None of the apps this needs is available on this server: say so.)\n")
		}
		b.WriteString(outro)
		text := b.String()
		if len(off) > 0 {
			text = fmt.Sprintf("First turn on the toolsets %s with nc_toolsets_enable.\n", strings.Join(off, ", ")) + text
		}
		return mcp.NewGetPromptResult(def.prompt.Description, []mcp.PromptMessage{
			mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text)),
		}), nil
	}
}

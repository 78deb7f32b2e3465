package ncfake

import "time"

// Sample data for Mail and Collectives, shared by `serve --demo` and the
// tests. The mail account is the one the recordings were made with
// (mail/03-07): the same folders, and an INBOX with the same eleven messages,
// dates and flags (a plain one, an HTML newsletter, a PDF invoice, a
// three-message thread, a UTF-8 subject, read, flagged and important ones).

// DemoMailAddress is the demo user's mail address.
const DemoMailAddress = "admin@example.test"

// SeedMail gives user the recorded mail account and mailboxes; it returns
// the account id. The mailboxes are not synced yet, as on a server where
// the Mail app was never opened.
func (s *Server) SeedMail(user, name, email string) int {
	acc := s.AddMailAccount(user, name, email, "Projects", "Projects/Alpha")
	inbox := s.MailboxID(acc, "INBOX")
	me := []MailAddress{{Label: email, Email: email}}
	at := func(sec int64) time.Time { return time.Unix(sec, 0) }
	msgs := []MailMessage{
		{Subject: "Welcome to example.test", Date: at(1795566409), From: MailAddress{"Bob Builder", "bob@example.test"}, To: me,
			Text: "Hi Admin,\n\nwelcome aboard! Your mailbox is ready.\n\nBob\n\n"},
		{Subject: "Quarterly newsletter", Date: at(1795652809), From: MailAddress{"Newsletter", "news@example.test"}, To: me,
			HTML: `<h1 style="color:#0082c9;">Quarterly newsletter</h1><p>Hello <b>Admin</b>, here is what happened.</p>` +
				`<p><img src="/apps/mail/img/blocked-image.png" alt="pixel" data-original-src="https://tracker.example.test/pixel.png" style="display: none;" /> ` +
				`<a href="https://example.test/news" target="_blank" rel="external noopener noreferrer">Read online</a></p><p>Click me</p>`},
		{Subject: "Invoice 2026-11", Date: at(1795739209), From: MailAddress{"Billing", "billing@example.test"}, To: me, Seen: true, Flagged: true,
			Text:        "Please find attached the invoice for November.\n\nBilling team\n\n",
			Attachments: []MailAttachment{{Name: "invoice-2026-11.pdf", MIME: "application/pdf", Data: demoPDF("Invoice 2026-11: 1,200.00 EUR due 2026-12-15")}}},
		{Subject: "Project kickoff", Date: at(1795825609), From: MailAddress{"Carol Chen", "carol@example.test"}, To: me,
			Cc: []MailAddress{{"Dave Doe", "dave@example.test"}}, Seen: true, MessageID: "<kickoff-1@example.test>",
			Text: "Hi all,\n\nlet us meet on Monday at 10:00 for the project kickoff.\n\nCarol\n"},
		{Subject: "Re: Project kickoff", Date: at(1795840009), From: MailAddress{"Dave Doe", "dave@example.test"}, To: me,
			Cc: []MailAddress{{"Carol Chen", "carol@example.test"}}, MessageID: "<kickoff-2@example.test>",
			InReplyTo: "<kickoff-1@example.test>", References: []string{"<kickoff-1@example.test>"},
			Text: "Monday works for me.\n\nDave\n\n> let us meet on Monday at 10:00 for the project kickoff.\n"},
		{Subject: "Re: Project kickoff", Date: at(1795847209), From: MailAddress{"Carol Chen", "carol@example.test"}, To: me,
			MessageID: "<kickoff-3@example.test>", InReplyTo: "<kickoff-2@example.test>",
			References: []string{"<kickoff-1@example.test>", "<kickoff-2@example.test>"},
			Text:       "Great, see you Monday. Agenda attached below.\n\n1. Scope\n2. Timeline\n3. Budget\n\nCarol\n"},
		{Subject: "Lunch on Friday?", Date: at(1795998409), From: MailAddress{"Eve Evans", "eve@example.test"}, To: me, Seen: true, Important: true,
			Text: "Are you free for lunch on Friday at noon?\n\nEve\n"},
		{Subject: "Server maintenance window", Date: at(1796084809), From: MailAddress{"Ops", "ops@example.test"}, To: me, Seen: true, Flagged: true,
			Text: "Maintenance on Saturday 02:00-04:00 UTC. Expect short outages.\n"},
		{Subject: "Your weekly report", Date: at(1796171209), From: MailAddress{"Reports", "reports@example.test"}, To: me, Seen: true,
			HTML: "<table><tr><th>METRIC</th><th>VALUE</th></tr><tr><td>Tickets closed</td><td>42</td></tr></table>"},
		{Subject: "Grüße aus München 🌍", Date: at(1796257609), From: MailAddress{"Frank Fischer", "frank@example.test"}, To: me,
			Text: "Hallo Admin,\n\nviele Grüße aus München! Schöne Woche. ☕\n\nFrank\n"},
		{Subject: "Question about the budget", Date: at(1796315209), From: MailAddress{"Alice Example", "alice@example.test"}, To: me,
			Text: "Hi Admin,\n\ncould you send me the approved Alpha budget figure?\n\nThanks, Alice\n"},
	}
	for _, m := range msgs {
		s.DeliverMail(inbox, m)
	}
	alpha := s.MailboxID(acc, "Projects/Alpha")
	s.DeliverMail(alpha, MailMessage{Subject: "Alpha milestones", Date: at(1796000000), From: MailAddress{"Carol Chen", "carol@example.test"}, To: me, Seen: true,
		Text: "Milestone 1: design review on Dec 10.\nMilestone 2: beta on Jan 15.\n"})
	s.DeliverMail(alpha, MailMessage{Subject: "Alpha budget approved", Date: at(1796200000), From: MailAddress{"Finance", "finance@example.test"}, To: me,
		Text: "The Alpha budget of 12,000 EUR is approved.\n"})
	return acc
}

// seedDemoAppsMail fills Mail and Collectives for the demo user: the
// recorded mail account (plus one for alice, so mail sent to her arrives),
// and a handbook collective with a page alice wrote.
func (s *Server) seedDemoAppsMail(u string) {
	s.SeedMail(u, "Admin", DemoMailAddress)
	s.AddMailAccount("alice", "Alice Example", "alice@example.test")

	c := s.AddCollective(u, "Handbook", "📘", "alice")
	onboarding := s.AddCollectivePage(c, 0, "Onboarding", "# Onboarding\n\nWelcome! Start with the first week page.\n", u)
	s.AddCollectivePage(c, onboarding, "First week", "# First week\n\nMeet the team, set up your laptop and read the [handbook](../Readme.md).\n", u)
	s.AddCollectivePage(c, 0, "Travel policy", "# Travel policy\n\nBook trains over flights below 800 km. Expenses within 30 days.\n", "alice")
	s.IndexCollectives()
}

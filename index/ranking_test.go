package index

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// The labelled ranking set: a small, realistic account (contracts, bills in
// German, a Chinese meeting note, events, contacts, cards) and queries a
// person would type, each with the one document it should find. Mean
// reciprocal rank over the set is the ranking's score (goal ≥ 0.8); the
// same set compares the tokenizer setups (docs/search.md).

var rankingFiles = map[string]string{
	"/Documents/Contracts/Supplier agreement ACME 2026.txt":      "Supplier agreement between ACME GmbH and Example Corp. Clause 12, penalty: for each week of late delivery a contractual penalty of 0.5% of the order value is due, capped at 5%. Governing law: Germany.",
	"/Documents/Contracts/Office lease Berlin.txt":               "Lease agreement for office space at Friedrichstraße 100, Berlin. Monthly rent 4,200 EUR. Notice period three months. Deposit of three months' rent.",
	"/Documents/Finance/Stromrechnung_2025.txt":                  "Jahresabrechnung Strom 2025. Verbrauch 3.412 kWh. Abschlag künftig 98 € monatlich. Zählernummer 1ESY1160.",
	"/Documents/Finance/Steuererklärung 2025 Notizen.md":         "Belege sammeln: Handwerkerrechnungen, Spendenquittungen, Fahrtkosten zur Arbeit (Pendlerpauschale).",
	"/Documents/Travel/Tokyo itinerary.md":                       "Day 1: arrive Haneda, check in at the hotel in Shinjuku. 東京タワー in the evening. Day 2: Tsukiji outer market, teamLab.",
	"/Documents/Recipes/Grandma's apple pie.txt":                 "Ingredients: 6 apples, cinnamon, butter, flour, sugar. Bake at 180°C for 45 minutes.",
	"/Documents/Projects/Website relaunch/requirements.md":       "The new website must support dark mode, multilingual content (EN, DE, FR) and an accessible navigation (WCAG 2.1 AA).",
	"/Documents/Projects/Website relaunch/meeting-2026-03-02.md": "Attendees: Priya, Jonas. Decided to use Hugo as the static site generator; hosting on Hetzner. Next: migrate blog posts.",
	"/Documents/HR/Onboarding checklist.md":                      "Laptop, VPN access, 2FA setup, Nextcloud account, payroll form, emergency contact.",
	"/Documents/Research/Photosynthesis summary.txt":             "Chlorophyll absorbs light mostly in blue and red wavelengths. The Calvin cycle fixes CO2 into glucose.",
	"/Documents/Car/Inspection report VW Golf.txt":               "TÜV Hauptuntersuchung bestanden. Nächste HU im Mai 2027. Bremsbeläge vorne bald tauschen.",
	"/Documents/中文/会议纪要.txt":                                     "会议纪要：讨论了产品发布计划，决定在北京举办发布会。预算审批通过。",
	"/Documents/Invoices/INV-2026-0042.txt":                      "Invoice INV-2026-0042 for consulting services, 12 hours at 95 EUR. Payment due within 14 days.",
	"/Documents/Manuals/Router setup.txt":                        "To reset the FRITZ!Box, hold the reset button for 10 seconds. The default WiFi password is on the sticker.",
	"/Documents/Garden/Planting calendar.txt":                    "Sow tomatoes indoors in March, plant them out after the ice saints (Eisheilige) in mid May.",
}

var rankingNotes = [][3]string{ // title, content, category
	{"Book ideas", "A lighthouse keeper who collects weather reports and discovers a pattern.", "Personal"},
	{"Shopping list", "oat milk, coffee beans, basil, sourdough bread", "Personal"},
	{"Q3 planning", "Goals: ship the sync client, hire one designer. Owner: Alice. Budget: 120k.", "Work"},
	{"Passwords policy", "Use a password manager; rotate shared credentials quarterly; never email secrets.", "Work"},
	{"Kita Anmeldung", "Anmeldung für die Kita bis 31. Januar abgeben. Unterlagen: Geburtsurkunde, Impfpass.", "Familie"},
	{"Wine notes", "Riesling from the Mosel, off-dry, notes of peach and slate. Pairs with Thai curry.", ""},
	{"Podcast episode ideas", "Interview with a beekeeper about urban honey; an episode on home composting.", ""},
	{"Meeting with landlord", "The landlord agreed to fix the heating before winter; the rent increase is postponed.", ""},
}

var rankingObjects = map[string]string{
	calHome + "dentist.ics":   ics("r-dentist", "VEVENT", "Dentist appointment", "DESCRIPTION:Dr. Meier\\, bring the insurance card\r\nLOCATION:Praxis am Markt\r\n"),
	calHome + "review.ics":    ics("r-review", "VEVENT", "Quarterly review", "DESCRIPTION:Bring the summary PDF\\; discuss revenue and churn\r\nATTENDEE;CN=Priya Natarajan:mailto:priya@designstudio.example\r\n"),
	calHome + "lisbon.ics":    ics("r-lisbon", "VEVENT", "Flight to Lisbon", "DESCRIPTION:TP 537\\, seat 14A\r\nLOCATION:BER Terminal 1\r\n"),
	calHome + "school.ics":    ics("r-school", "VEVENT", "Parent-teacher conference", "LOCATION:Room 204\r\n"),
	taskHome + "passport.ics": ics("r-passport", "VTODO", "Renew passport", "DESCRIPTION:Book an appointment at the Bürgeramt\r\n"),
	taskHome + "tax.ics":      ics("r-tax", "VTODO", "File tax return", "DESCRIPTION:Deadline July 31\r\n"),
	abHome + "jonas.vcf":      vcf("r-jonas", "Jonas Becker", "EMAIL:jonas.becker@example.de\r\nORG:Becker Elektrotechnik\r\nNOTE:electrician\\, fixed the fuse box\r\n"),
	abHome + "priya.vcf":      vcf("r-priya", "Priya Natarajan", "EMAIL:priya@designstudio.example\r\nORG:Design Studio\r\nTITLE:Art director\r\n"),
	abHome + "meier.vcf":      vcf("r-meier", "Dr. Anna Meier", "ORG:Praxis am Markt\r\nNOTE:Dentist\r\n"),
	abHome + "zhang.vcf":      vcf("r-zhang", "Zhang Wei", "EMAIL:zhang.wei@example.cn\r\nNOTE:北京 供应商\r\n"),
}

// rankingQueries: query → the title of the document it should find first.
var rankingQueries = [][2]string{
	{"penalty clause late delivery", "Supplier agreement ACME 2026.txt"},
	{"contractual penalty", "Supplier agreement ACME 2026.txt"},
	{"office rent deposit", "Office lease Berlin.txt"},
	{"Stromrechnung", "Stromrechnung_2025.txt"},
	{"abschlag strom", "Stromrechnung_2025.txt"},
	{"Steuererklarung", "Steuererklärung 2025 Notizen.md"},
	{"Pendlerpauschale", "Steuererklärung 2025 Notizen.md"},
	{"tokyo hotel shinjuku", "Tokyo itinerary.md"},
	{"東京タワー", "Tokyo itinerary.md"},
	{"タワー", "Tokyo itinerary.md"},
	{"apple pie cinnamon", "Grandma's apple pie.txt"},
	{"dark mode accessibility", "requirements.md"},
	{"hugo static site", "meeting-2026-03-02.md"},
	{"VPN 2FA laptop", "Onboarding checklist.md"},
	{"calvin cycle", "Photosynthesis summary.txt"},
	{"TÜV Bremsbeläge", "Inspection report VW Golf.txt"},
	{"tuv", "Inspection report VW Golf.txt"},
	{"发布会", "会议纪要.txt"},
	{"北京", "Zhang Wei"},
	{"INV-2026-0042", "INV-2026-0042.txt"},
	{"consulting hours invoice", "INV-2026-0042.txt"},
	{"reset router wifi password", "Router setup.txt"},
	{"eisheilige tomatoes", "Planting calendar.txt"},
	{"lighthouse keeper", "Book ideas"},
	{"oat milk", "Shopping list"},
	{"hire designer", "Q3 planning"},
	{"password manager", "Passwords policy"},
	{"Kita Anmeldung Unterlagen", "Kita Anmeldung"},
	{"riesling peach", "Wine notes"},
	{"beekeeper honey", "Podcast episode ideas"},
	{"heating landlord", "Meeting with landlord"},
	{"dentist", "Dentist appointment"},
	{"revenue churn", "Quarterly review"},
	{"lisbon flight", "Flight to Lisbon"},
	{"passport Bürgeramt", "Renew passport"},
	{"tax return deadline", "File tax return"},
	{"electrician fuse", "Jonas Becker"},
	{"priya", "Priya Natarajan"},
	{"jonas.becker@example.de", "Jonas Becker"},
	{"leaking tap", "Fix the leaking kitchen tap"},
	{"gym membership notice", "Cancel gym membership"},
	{"wordpress markdown", "Migrate blog posts"},
	{"landing page copy", "Write copy for the landing page"},
	{"meier", "Dr. Anna Meier"},
	{"lease", "Office lease Berlin.txt"},
	{"onboard", "Onboarding checklist.md"},
	{"photosynth", "Photosynthesis summary.txt"},
	{"golf inspection", "Inspection report VW Golf.txt"},
	{"rent", "Office lease Berlin.txt"},
	{"appointment", "Dentist appointment"},
	{"design", "Priya Natarajan"},
	{"kitchen", "Fix the leaking kitchen tap"},
	{"berlin office", "Office lease Berlin.txt"},
	{"insurance card", "Dentist appointment"},
	{"Friedrichstrasse", "Office lease Berlin.txt"},
	{"deposit", "Office lease Berlin.txt"},
	{"coffee", "Shopping list"},
	{"teamlab", "Tokyo itinerary.md"},
	{"rechnung", "Stromrechnung_2025.txt"},
	{"hotel booking lisbon", "Flight to Lisbon"},
	{"notice period", "Cancel gym membership"},
	{"meeting", "meeting-2026-03-02.md"},
}

func seedRanking(e *env) {
	for p, body := range rankingFiles {
		e.putFile(p, body)
	}
	for _, n := range rankingNotes {
		e.fake.AddNote("admin", n[0], n[1], n[2])
	}
	e.taskList()
	for href, body := range rankingObjects {
		e.dav("PUT", href, body)
	}
	e.fake.SeedDeckBoard("admin", "Website relaunch", "", ncfake.DeckSeedStack{Title: "To do", Cards: []ncfake.DeckSeedCard{
		{Title: "Write copy for the landing page", Description: "Short, friendly, no jargon."},
		{Title: "Migrate blog posts", Description: "Convert the WordPress export to Markdown for Hugo."},
	}})
	e.fake.SeedDeckBoard("admin", "Household", "", ncfake.DeckSeedStack{Title: "Soon", Cards: []ncfake.DeckSeedCard{
		{Title: "Fix the leaking kitchen tap", Description: "Buy a new cartridge at the hardware store."},
		{Title: "Cancel gym membership", Description: "Notice period 4 weeks, send by registered letter."},
	}})
	e.ix.AddFolder("/Documents")
}

// mrr scores the query set against an index in one search mode.
func mrr(t testing.TB, ix *Index, mode searchMode) (float64, []string) {
	var sum float64
	var misses []string
	for _, q := range rankingQueries {
		hits, err := ix.Search(context.Background(), Query{Text: q[0], Limit: 10, mode: mode})
		if err != nil {
			t.Fatalf("%q: %v", q[0], err)
		}
		rank := 0
		for i, h := range hits {
			if h.Title == q[1] {
				rank = i + 1
				break
			}
		}
		if rank > 0 {
			sum += 1 / float64(rank)
		}
		if rank != 1 {
			var got []string
			for _, h := range hits[:min(3, len(hits))] {
				got = append(got, h.Title)
			}
			misses = append(misses, fmt.Sprintf("%q rank %d (top: %s)", q[0], rank, strings.Join(got, " | ")))
		}
	}
	return sum / float64(len(rankingQueries)), misses
}

func TestRankingMRR(t *testing.T) {
	if len(rankingQueries) < 30 {
		t.Fatalf("the ranking set needs at least 30 queries, has %d", len(rankingQueries))
	}
	e := newEnv(t, Options{})
	seedRanking(e)
	e.sync()
	score, misses := mrr(t, e.ix, modeWordsThenTrigram)
	t.Logf("MRR words + trigram, trigram bodies for CJK only (default): %.3f over %d queries", score, len(rankingQueries))
	for _, m := range misses {
		t.Logf("  not first: %s", m)
	}
	if score < 0.8 {
		t.Errorf("MRR %.3f is below the 0.8 goal", score)
	}
	words, _ := mrr(t, e.ix, modeWordsOnly)
	t.Logf("MRR unicode61 words only: %.3f", words)
	scores := map[TrigramBody]float64{}
	for _, policy := range []TrigramBody{TrigramBodyAll, TrigramBodyNone} {
		ix, err := Open(context.Background(), t.TempDir(), Options{TrigramBody: policy})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		ix.AddFolder("/Documents")
		if _, err := ix.Sync(context.Background(), e.c, SyncOptions{}); err != nil {
			t.Fatal(err)
		}
		scores[policy], _ = mrr(t, ix, modeWordsThenTrigram)
		t.Logf("MRR words + trigram, trigram bodies %s: %.3f", policy, scores[policy])
		if policy == TrigramBodyAll {
			tri, _ := mrr(t, ix, modeTrigramOnly)
			t.Logf("MRR trigram only (all bodies): %.3f", tri)
		}
	}
	if words > score || scores[TrigramBodyNone] > score {
		t.Errorf("the default ranks worse than a plainer setup (words %.3f, no trigram bodies %.3f, default %.3f)", words, scores[TrigramBodyNone], score)
	}
}

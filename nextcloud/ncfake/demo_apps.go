package ncfake

import (
	"fmt"
	"strings"
)

// Demo data for News, Cookbook, Bookmarks and Forms. The demo has no
// network, so the feeds and recipe pages live in the fake's web: the demo
// user subscribes to two feeds, and DemoExtraFeedURL and
// DemoImportRecipeURL can be added or imported from the chat.
const (
	DemoExtraFeedURL    = "https://news.example.org/releases.atom"
	DemoImportRecipeURL = "https://recipes.example.org/shakshuka"
)

func (s *Server) seedDemoApps(u string) {
	s.seedDemoNews(u)
	s.seedDemoCookbook(u)
	s.seedDemoBookmarks(u)
	s.seedDemoForms(u)
}

func demoRSS(title, link string, items [][3]string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>%s</link>`, title, link)
	for i, it := range items {
		fmt.Fprintf(&b, `<item><guid>%s#%d</guid><link>%s%d</link><title>%s</title><author>%s</author><pubDate>Mon, %02d Nov 2026 09:00:00 +0000</pubDate><description>%s</description></item>`,
			link, i+1, link, i+1, it[0], it[1], 23-i, xmlEscape(it[2]))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func (s *Server) seedDemoNews(u string) {
	blog := "https://blog.example.org/feed.rss"
	s.PutWebPage(blog, "application/rss+xml", demoRSS("Example Engineering Blog", "https://blog.example.org/posts/", [][3]string{
		{"Faster sync in 2.4", "Dana Ruiz", "<p>Sync now skips unchanged folders. <b>Large accounts</b> start up to 3x faster.</p>"},
		{"How we test against a fake server", "Lee Park", "<p>A fake that answers like the real thing keeps tests fast and honest.</p>"},
		{"Postmortem: the Tuesday outage", "Dana Ruiz", "<p>A full disk stopped uploads for 40 minutes. <a href=\"https://blog.example.org/status\">Status page</a>.</p>"},
	}))
	world := "https://news.example.org/world.rss"
	s.PutWebPage(world, "application/rss+xml", demoRSS("Example World News", "https://news.example.org/world/", [][3]string{
		{"City opens its first night library", "News desk", "<p>Open until 2 am on weekdays, with study rooms and free tea.</p>"},
		{"Rail line reopens after repairs", "News desk", "<p>Trains run every 15 minutes again from Monday.</p>"},
	}))
	s.PutWebPage(DemoExtraFeedURL, "application/atom+xml", []byte(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Example Releases</title><link href="https://news.example.org/releases"/><id>urn:demo:releases</id><updated>2026-11-20T08:00:00Z</updated>`+
		`<entry><id>urn:demo:releases:1</id><title>Version 3.0 released</title><link href="https://news.example.org/releases/3.0"/><author><name>Release team</name></author><published>2026-11-20T08:00:00Z</published><content type="html">&lt;p&gt;Offline mode and a new editor.&lt;/p&gt;</content></entry></feed>`))
	if _, err := s.SubscribeNewsFeed(u, blog, "Tech"); err != nil {
		panic(fmt.Sprintf("seed demo feed: %v", err))
	}
	if _, err := s.SubscribeNewsFeed(u, world, ""); err != nil {
		panic(fmt.Sprintf("seed demo feed: %v", err))
	}
}

func (s *Server) seedDemoCookbook(u string) {
	s.AddRecipe(u, map[string]any{"name": "Tomato Soup", "description": "A quick weeknight soup.", "recipeCategory": "Soups",
		"keywords": "soup,vegetarian,quick", "recipeYield": 4, "prepTime": "PT10M", "cookTime": "PT25M", "totalTime": "PT35M",
		"recipeIngredient":   []any{"1 kg tomatoes", "1 onion", "2 cloves garlic", "500 ml stock", "a handful of basil"},
		"recipeInstructions": []any{"Chop the onion and garlic.", "Simmer everything for 20 minutes.", "Blend until smooth."}})
	s.AddRecipe(u, map[string]any{"name": "Buttermilk Pancakes", "description": "Fluffy pancakes for a weekend breakfast.",
		"recipeCategory": "Breakfast", "keywords": "pancakes,breakfast,sweet", "recipeYield": 4, "prepTime": "PT10M", "cookTime": "PT20M",
		"recipeIngredient":   []any{"250 g flour", "2 eggs", "300 ml buttermilk", "1 tbsp sugar", "1 tsp baking powder"},
		"recipeInstructions": []any{"Whisk the dry ingredients.", "Add eggs and buttermilk.", "Fry ladlefuls in a hot pan."},
		"url":                "https://recipes.example.org/pancakes", "author": map[string]any{"@type": "Person", "name": "Chef Example"}})
	s.PutWebPage(DemoImportRecipeURL, "text/html", []byte(`<!DOCTYPE html><html><head><title>Shakshuka</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Recipe","name":"Shakshuka","author":{"@type":"Person","name":"Sam Cook"},
"recipeYield":"2 servings","prepTime":"PT10M","cookTime":"PT20M","recipeCategory":"Breakfast","keywords":"eggs, tomatoes",
"recipeIngredient":["4 eggs","400 g chopped tomatoes","1 red pepper","1 tsp cumin"],
"recipeInstructions":[{"@type":"HowToStep","text":"Soften the pepper with the cumin."},{"@type":"HowToStep","text":"Add the tomatoes and simmer 10 minutes."},{"@type":"HowToStep","text":"Crack in the eggs, cover and cook until set."}]}</script>
</head><body><h1>Shakshuka</h1></body></html>`))
}

func (s *Server) seedDemoBookmarks(u string) {
	reading := s.AddBookmarkFolder(u, "Reading", -1)
	golang := s.AddBookmarkFolder(u, "Go", reading)
	s.AddBookmark(u, "https://go.dev/blog/pipelines", "Go Concurrency Patterns: Pipelines", "fan-out, fan-in, cancellation", []string{"go", "concurrency"}, golang)
	s.AddBookmark(u, "https://nextcloud.com/", "Nextcloud", "", []string{"nextcloud"})
	s.AddBookmark(u, "https://modelcontextprotocol.io/", "Model Context Protocol", "the spec", []string{"mcp", "ai"}, reading)
}

func (s *Server) seedDemoForms(u string) {
	s.AddUser(&User{ID: "bob", DisplayName: "Bob", Email: "bob@example.com", Groups: []string{"users"}, QuotaBytes: -3})
	id := s.AddForm(u, "Team lunch", "Pick a day and tell us what you eat.",
		FormSeedQuestion{Type: "multiple_unique", Text: "Which day suits you?", Required: true, Options: []string{"Monday", "Wednesday", "Friday"}},
		FormSeedQuestion{Type: "short", Text: "Dietary needs?"})
	for _, who := range []string{"alice", "bob"} {
		s.ShareForm(id, who)
	}
	answers := map[string]map[string][]string{
		"alice": {"Which day suits you?": {"Friday"}, "Dietary needs?": {"vegetarian"}},
		"bob":   {"Which day suits you?": {"Wednesday"}, "Dietary needs?": {"no nuts, please"}},
	}
	for _, who := range []string{"alice", "bob"} {
		if err := s.SubmitForm(id, who, answers[who]); err != nil {
			panic(fmt.Sprintf("seed demo form: %v", err))
		}
	}
}

// Drives `nextcloud-mcp serve --demo` with the official MCP TypeScript SDK
// client through the News, Cookbook, Bookmarks and Forms tools: lists the
// tools, then per app the round trip a user would make, and prints a JSON
// summary for e2e/apps_test.go.
// Usage: node apps.mjs <binary> [server args...]
// On a real server (e2e/realserver_test.go) E2E_NEWS_FEED is a feed the server
// can fetch and E2E_FORM_TITLE a form with answers; E2E_RUN makes names unique.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, ...serverArgs] = process.argv.slice(2);
const transport = new StdioClientTransport({ command: bin, args: serverArgs, stderr: "pipe", env: process.env });
const client = new Client({ name: "sdk-apps", version: "1.0.0" });
await client.connect(transport);

const tools = await client.listTools();
const calls = [];
const run = process.env.E2E_RUN || "";
const feedURL = process.env.E2E_NEWS_FEED || "https://news.example.org/releases.atom";
const formTitle = process.env.E2E_FORM_TITLE || "Team lunch";
async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  const text = (r.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
  calls.push({ name, args, isError: r.isError ?? false, structured: r.structuredContent ?? null, text });
  return r.structuredContent ?? {};
}

// News: subscribe to the demo's extra feed and read its articles.
const feed = await call("nc_news_add_feed", { url: feedURL, folder: "Releases" });
await call("nc_news_list_items", { feed_id: feed.id ?? 0 });
await call("nc_news_list_feeds", {});

// Cookbook: create a recipe and find it.
await call("nc_cookbook_create_recipe", { name: `SDK Salad${run}`, ingredients: ["1 cucumber", "2 tomatoes"], steps: ["Chop.", "Toss."], keywords: ["salad"] });
await call("nc_cookbook_list_recipes", { query: `SDK Salad${run}` });

// Bookmarks: bookmark a page and find it by tag.
await call("nc_bookmarks_create", { url: `https://sdk.example.org/guide${run}`, title: "SDK guide", tags: [`sdk${run}`] });
await call("nc_bookmarks_search", { tags: [`sdk${run}`] });

// Forms: create a form, then summarise the demo form's responses.
await call("nc_forms_create", { title: `SDK poll${run}`, questions: [{ text: "Tabs or spaces?", type: "multiple_unique", options: ["Tabs", "Spaces"] }] });
const forms = await call("nc_forms_list", {});
const lunch = (forms.forms ?? []).find((f) => f.title === formTitle);
await call("nc_forms_list_submissions", { form_id: lunch?.id ?? 0 });

await client.close();
process.stdout.write(JSON.stringify({ toolNames: tools.tools.map((t) => t.name), calls }) + "\n");

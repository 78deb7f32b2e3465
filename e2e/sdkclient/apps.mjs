// Drives `nextcloud-mcp serve --demo` with the official MCP TypeScript SDK
// client through the News, Cookbook, Bookmarks and Forms tools: lists the
// tools, then per app the round trip a user would make, and prints a JSON
// summary for e2e/apps_test.go.
// Usage: node apps.mjs <binary> [server args...]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, ...serverArgs] = process.argv.slice(2);
const transport = new StdioClientTransport({ command: bin, args: serverArgs, stderr: "pipe", env: process.env });
const client = new Client({ name: "sdk-apps", version: "1.0.0" });
await client.connect(transport);

const tools = await client.listTools();
const calls = [];
async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  const text = (r.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
  calls.push({ name, args, isError: r.isError ?? false, structured: r.structuredContent ?? null, text });
  return r.structuredContent ?? {};
}

// News: subscribe to the demo's extra feed and read its articles.
const feed = await call("nc_news_add_feed", { url: "https://news.example.org/releases.atom", folder: "Releases" });
await call("nc_news_list_items", { feed_id: feed.id ?? 0 });
await call("nc_news_list_feeds", {});

// Cookbook: create a recipe and find it.
await call("nc_cookbook_create_recipe", { name: "SDK Salad", ingredients: ["1 cucumber", "2 tomatoes"], steps: ["Chop.", "Toss."], keywords: ["salad"] });
await call("nc_cookbook_list_recipes", { query: "salad" });

// Bookmarks: bookmark a page and find it by tag.
await call("nc_bookmarks_create", { url: "https://sdk.example.org/guide", title: "SDK guide", tags: ["sdk"] });
await call("nc_bookmarks_search", { tags: ["sdk"] });

// Forms: create a form, then summarise the demo form's responses.
await call("nc_forms_create", { title: "SDK poll", questions: [{ text: "Tabs or spaces?", type: "multiple_unique", options: ["Tabs", "Spaces"] }] });
const forms = await call("nc_forms_list", {});
const lunch = (forms.forms ?? []).find((f) => f.title === "Team lunch");
await call("nc_forms_list_submissions", { form_id: lunch?.id ?? 0 });

await client.close();
process.stdout.write(JSON.stringify({ toolNames: tools.tools.map((t) => t.name), calls }) + "\n");

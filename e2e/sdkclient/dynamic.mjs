// Drives `nextcloud-mcp serve --demo --dynamic-toolsets` with the official MCP
// TypeScript SDK client: lists the small start set, turns the notes toolset on,
// waits for notifications/tools/list_changed, lists again and calls a notes
// tool; then lists the prompts, gets two of them and completes arguments.
// Prints a JSON summary for e2e/budget_test.go.
// Usage: node dynamic.mjs <binary> [server args...]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const [bin, ...serverArgs] = process.argv.slice(2);
const transport = new StdioClientTransport({ command: bin, args: serverArgs, stderr: "pipe", env: process.env });
const client = new Client({ name: "sdk-dynamic", version: "1.0.0" });

let listChanged = 0;
let onChange = () => {};
client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
  listChanged++;
  onChange();
});
await client.connect(transport);
const caps = client.getServerCapabilities() ?? {};

const names = async () => (await client.listTools()).tools.map((t) => t.name).sort();
const text = (r) => (r.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  return { name, isError: r.isError ?? false, structured: r.structuredContent ?? null, text: text(r) };
}

const startTools = await names();
// Notifications sent before this point (the server registers its tools in
// the background) are not the enable's.
const changedBefore = listChanged;
const list = await call("nc_toolsets_list", {});
const describe = await call("nc_toolsets_describe", { toolset: "notes" });
const changed = new Promise((resolve, reject) => {
  onChange = resolve;
  setTimeout(() => reject(new Error("no notifications/tools/list_changed within 5s")), 5000);
});
const enable = await call("nc_toolsets_enable", { toolsets: ["notes"] });
await changed;
const afterTools = await names();
const notes = await call("nc_notes_list_notes", {});

const prompts = (await client.listPrompts()).prompts;
const day = await client.getPrompt({ name: "prepare_my_day", arguments: { date: "2026-03-02" } });
const summarise = await client.getPrompt({ name: "summarise", arguments: { path: "Documents" } });
const calendars = await client.complete({ ref: { type: "ref/prompt", name: "prepare_my_day" }, argument: { name: "calendar", value: "" } });
const folders = await client.complete({ ref: { type: "ref/prompt", name: "find_and_file" }, argument: { name: "destination", value: "Doc" } });

await client.close();
process.stdout.write(JSON.stringify({
  listChangedCapability: caps.tools?.listChanged ?? false,
  startTools, afterTools,
  listChangedAfterEnable: listChanged - changedBefore,
  calls: [list, describe, enable, notes],
  prompts: prompts.map((p) => ({ name: p.name, title: p.title, arguments: p.arguments ?? [] })),
  dayText: day.messages.map((m) => m.content.text).join("\n"),
  summariseText: summarise.messages.map((m) => m.content.text).join("\n"),
  calendarCompletions: calendars.completion.values,
  folderCompletions: folders.completion.values,
}) + "\n");

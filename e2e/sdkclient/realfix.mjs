// Drives nextcloud-mcp with the official MCP TypeScript SDK client through
// what real Nextcloud 29/31 got wrong before (issue 19), and prints a JSON
// report for e2e/realfix_test.go:
//   - three rounds of write -> conditional write -> stale conditional write;
//   - reading the "Launch" conversation with mark_read, then its unread state;
//   - a group and a public conversation created with a name and a group.
// Usage: node realfix.mjs <binary> [server args...]
// On a real server (e2e/realserver_test.go) E2E_TALK_CONVERSATION and
// E2E_TALK_GROUP name what the demo calls "Launch" and "users".
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, ...serverArgs] = process.argv.slice(2);
const transport = new StdioClientTransport({ command: bin, args: serverArgs, stderr: "pipe", env: process.env });
const client = new Client({ name: "realfix-check", version: "1.0.0" });
await client.connect(transport);

async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  const text = (r.content ?? []).map((c) => c.text ?? "").join(" ");
  return { isError: r.isError ?? false, data: r.structuredContent ?? null, text };
}

const talkConversation = process.env.E2E_TALK_CONVERSATION || "Launch";
const talkGroup = process.env.E2E_TALK_GROUP || "users";
const report = { rounds: [], talk: {}, group: {}, public: {} };

// 1. No lost update, even within one second.
const path = `realfix-${Date.now()}.txt`;
let created = await call("nc_webdav_write_file", { path, content: "v0" });
if (created.isError) throw new Error("create: " + created.text);
let etag = created.data.etag;
for (let round = 1; round <= 3; round++) {
  const newer = await call("nc_webdav_write_file", { path, content: `newer ${round}`, if_match: etag });
  const stale = await call("nc_webdav_write_file", { path, content: "stale", if_match: etag });
  const read = await call("nc_webdav_read_file", { path });
  report.rounds.push({
    round,
    conditionalOK: !newer.isError,
    etagChanged: !newer.isError && newer.data.etag !== etag,
    staleRefused: stale.isError,
    staleMessage: stale.text,
    content: read.data?.content ?? read.text,
  });
  if (!newer.isError) etag = newer.data.etag;
}

// 2. mark_read leaves nothing unread.
const list = await call("nc_talk_list_conversations", { query: talkConversation });
const launch = list.data?.conversations?.[0];
report.talk.before = launch ? { unread: launch.unread_messages, mention: launch.unread_mention ?? false } : null;
if (launch) {
  const read = await call("nc_talk_read_messages", { token: launch.token, limit: 5, mark_read: true });
  const after = await call("nc_talk_get_conversation", { token: launch.token });
  report.talk.markedRead = read.data?.marked_read ?? false;
  report.talk.texts = (read.data?.messages ?? []).map((m) => m.text);
  report.talk.after = { unread: after.data?.unread_messages, mention: after.data?.unread_mention ?? false };
}

// 3. A group conversation keeps its name; 4. a public one holds the group.
for (const [key, type, name] of [["group", "group", "Release crew"], ["public", "public", "Open house"]]) {
  const made = await call("nc_talk_create_conversation", { type, name, group: talkGroup });
  report[key].isError = made.isError;
  report[key].text = made.text;
  if (!made.isError) {
    report[key].name = made.data.conversation.name;
    const ps = await call("nc_talk_list_participants", { token: made.data.conversation.token });
    report[key].participants = (ps.data?.participants ?? []).map((p) => `${p.kind}:${p.id}`);
  }
}

await client.close();
process.stdout.write(JSON.stringify(report) + "\n");

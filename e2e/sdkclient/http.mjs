// Drives nextcloud-mcp's Streamable HTTP mode with the official MCP
// TypeScript SDK client (StreamableHTTPClientTransport), as one user, and
// prints a JSON summary.
// Usage: node http.mjs <mcp-url> <authorization-header|-> <note-title> <calls>
// With "-" no Authorization header is sent and the refusal is reported.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, authorization, title, rawCalls] = process.argv.slice(2);
const headers = authorization === "-" ? {} : { Authorization: authorization };
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const client = new Client({ name: "sdk-http-check", version: "1.0.0" });

if (authorization === "-") {
  try {
    await client.connect(transport);
    process.stdout.write(JSON.stringify({ refused: false }) + "\n");
  } catch (err) {
    process.stdout.write(JSON.stringify({ refused: true, code: err.code ?? null, message: String(err.message ?? err) }) + "\n");
  }
  process.exit(0);
}

await client.connect(transport);
const sessionId = transport.sessionId;
const tools = await client.listTools();
const created = await client.callTool({ name: "nc_notes_create_note", arguments: { title, content: "written by " + title } });
let titles = [];
let errors = 0;
for (let i = 0; i < Number(rawCalls); i++) {
  const res = await client.callTool({ name: "nc_notes_list_notes", arguments: {} });
  if (res.isError) errors++;
  titles = (res.structuredContent?.notes ?? []).map((n) => n.title);
}
const summary = {
  sessionId,
  server: client.getServerVersion(),
  toolCount: tools.tools.length,
  authTools: tools.tools.map((t) => t.name).filter((n) => n.startsWith("nc_auth_")),
  createError: created.isError ?? false,
  errors,
  titles,
};
await transport.terminateSession();
await client.close();
process.stdout.write(JSON.stringify(summary) + "\n");

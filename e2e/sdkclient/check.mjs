// Starts nextcloud-mcp as a child process with the official MCP TypeScript
// SDK client, lists its tools and calls one, then prints a JSON summary.
// Usage: node check.mjs <binary> <tool> <json-args> [server args...]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, tool, rawArgs, ...serverArgs] = process.argv.slice(2);
const transport = new StdioClientTransport({ command: bin, args: serverArgs, stderr: "pipe", env: process.env });
const client = new Client({ name: "sdk-check", version: "1.0.0" });
await client.connect(transport);
const tools = await client.listTools();
const result = await client.callTool({ name: tool, arguments: JSON.parse(rawArgs) });
const summary = {
  server: client.getServerVersion(),
  instructions: client.getInstructions(),
  toolCount: tools.tools.length,
  toolNames: tools.tools.map((t) => t.name),
  called: tool,
  isError: result.isError ?? false,
  structured: result.structuredContent ?? null,
};
await client.close();
process.stdout.write(JSON.stringify(summary) + "\n");

// Drives `nextcloud-mcp serve --demo` with the official MCP TypeScript SDK
// client through the Mail and Collectives toolsets: lists the tools, reads
// the INBOX, a message and its PDF attachment as text, a collective page, and
// sends a mail that then shows up in Sent. Prints a JSON summary.
// Usage: node apps_mail.mjs <binary> [server args...]
// On a real server (e2e/realserver_test.go): E2E_MAIL_QUERY finds a message with
// an attachment, E2E_MAIL_TO receives the test mail, E2E_COLLECTIVE and
// E2E_COLLECTIVE_PAGE name a page to read; E2E_RUN makes the subject unique.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, ...serverArgs] = process.argv.slice(2);
const transport = new StdioClientTransport({ command: bin, args: serverArgs, stderr: "pipe", env: process.env });
const client = new Client({ name: "sdk-apps-mail", version: "1.0.0" });
await client.connect(transport);

const call = async (name, args) => {
  const r = await client.callTool({ name, arguments: args });
  return { isError: r.isError ?? false, structured: r.structuredContent ?? null, text: (r.content ?? []).map((c) => c.text ?? "").join("") };
};

const env = (k, d) => process.env[k] || d;
const subject = `SDK check${env("E2E_RUN", "")}`;
const tools = await client.listTools();
const inbox = await call("nc_mail_list_messages", { mailbox: "INBOX", limit: 5 });
const invoice = (inbox.structured?.messages ?? []).find((m) => m.attachments) ??
  ((await call("nc_mail_list_messages", { mailbox: "INBOX", query: env("E2E_MAIL_QUERY", "invoice") })).structured?.messages ?? [])[0];
const message = invoice ? await call("nc_mail_get_message", { message_id: invoice.id }) : null;
const attachmentID = message?.structured?.attachments?.[0]?.id;
const attachment = attachmentID ? await call("nc_mail_get_attachment", { message_id: invoice.id, attachment_id: attachmentID }) : null;
const sent = await call("nc_mail_send", { to: [env("E2E_MAIL_TO", "Alice Example <alice@example.test>")], subject, body: "Sent by the SDK client." });
const sentBox = await call("nc_mail_list_messages", { mailbox: "Sent" });
const page = await call("nc_collectives_read_page", { collective: env("E2E_COLLECTIVE", "Handbook"), page: env("E2E_COLLECTIVE_PAGE", "Travel policy") });

await client.close();
process.stdout.write(JSON.stringify({
  toolNames: tools.tools.map((t) => t.name),
  inbox, message, attachment, sent, sentBox, page,
}) + "\n");

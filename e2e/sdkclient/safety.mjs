// Drives `nextcloud-mcp serve` with the official MCP TypeScript SDK client
// through the safety features and prints a JSON summary for
// e2e/safety_test.go.
// Usage: node safety.mjs <scenario> <binary> [server args...]
//   confirm    delete a contact twice; the user's answers come from
//              SAFETY_ANSWERS (comma list of accept, decline, cancel)
//   hidden     list the tools without declaring elicitation
//   undo       delete, overwrite and restore a file; delete and restore an event
//   untrusted  read a shared and an own file, and a conversation
// SAFETY_ARGS is a JSON object with the scenario's inputs.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [scenario, bin, ...serverArgs] = process.argv.slice(2);
const input = JSON.parse(process.env.SAFETY_ARGS ?? "{}");
const answers = (process.env.SAFETY_ANSWERS ?? "").split(",").filter(Boolean);
const elicit = scenario === "confirm";

const transport = new StdioClientTransport({ command: bin, args: serverArgs, stderr: "pipe", env: process.env });
const client = new Client({ name: "sdk-safety", version: "1.0.0" }, { capabilities: elicit ? { elicitation: { form: {} } } : {} });
const questions = [];
if (elicit) {
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    questions.push(req.params.message);
    const action = answers.shift() ?? "decline";
    return action === "accept" ? { action, content: {} } : { action };
  });
}
await client.connect(transport);

const calls = [];
async function call(name, args) {
  let r;
  try {
    r = await client.callTool({ name, arguments: args });
  } catch (e) {
    calls.push({ name, args, rpcError: String(e?.message ?? e) });
    return {};
  }
  const text = (r.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("");
  calls.push({ name, isError: r.isError ?? false, structured: r.structuredContent ?? null, text });
  return r.structuredContent ?? {};
}

const tools = await client.listTools();
switch (scenario) {
  case "confirm": {
    // Radicale starts without an address book: bring one.
    await call("nc_contacts_create_addressbook", { name: "e2e-safety" });
    const c = await call("nc_contacts_create_contact", { name: input.name, addressbook: "e2e-safety", emails: [{ value: "ann@example.com" }] });
    await call("nc_contacts_delete_contact", { uid: c.uid });
    await call("nc_contacts_get_contact", { uid: c.uid });
    await call("nc_contacts_delete_contact", { uid: c.uid });
    await call("nc_contacts_get_contact", { uid: c.uid });
    break;
  }
  case "hidden":
    break;
  case "undo": {
    await call("nc_webdav_delete_resource", { path: input.file });
    const trash = await call("nc_webdav_list_trash", {});
    const item = (trash.items ?? []).find((i) => i.original_path === "/" + input.file);
    await call("nc_webdav_restore_trash", { id: item?.id ?? "" });

    await call("nc_webdav_write_file", { path: input.doc, content: "second version", overwrite: true });
    const versions = await call("nc_webdav_list_versions", { path: input.doc });
    await call("nc_webdav_restore_version", { path: input.doc, version_id: versions.versions?.[0]?.version_id ?? "" });

    const ev = await call("nc_calendar_create_event", { calendar_name: "personal", title: "Dentist", start: "2031-05-06T09:00:00Z" });
    await call("nc_calendar_delete_event", { calendar_name: "personal", event_uid: ev.uid });
    const ctrash = await call("nc_calendar_list_trash", {});
    await call("nc_calendar_restore", { id: ctrash.items?.[0]?.id ?? "" });
    await call("nc_calendar_get_event", { calendar_name: "personal", event_uid: ev.uid });

    await call("nc_sharing_create_link", { path: input.doc, password: input.password });
    break;
  }
  case "untrusted":
    await call("nc_webdav_read_file", { path: input.shared });
    await call("nc_webdav_read_file", { path: input.own });
    await call("nc_talk_read_messages", { token: input.token });
    break;
  default:
    throw new Error("unknown scenario " + scenario);
}

await client.close();
process.stdout.write(JSON.stringify({
  toolNames: tools.tools.map((t) => t.name),
  instructions: client.getInstructions() ?? "",
  questions,
  calls,
}) + "\n");

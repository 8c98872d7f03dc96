// Sends AWS calls with the official AWS SDK for JavaScript v3 to a given endpoint (the wire tests' recording
// server), so the requests Notify's hand-written clients send can be compared with the SDK's own.
//
//   node js-call.mjs <sqs|sns|sesv2|ses> <CommandName> <inputJson> <endpointUrl>
//   node js-call.mjs --batch <file.json>      file: [{ "client", "command", "input", "endpoint" }, ...]
//
// A batch runs its calls one after another in one process: Node's start-up (~0.3 s) dominates a single call.
// Every call is made exactly once (maxAttempts 1) and its outcome (the recording server answers errors) is
// printed to stderr; the exit code is 0 unless the arguments are wrong, because a failed call is expected.
// Binary members are written as {"$base64": "..."} in the JSON input and passed to the SDK as Uint8Array.
import { readFileSync } from "node:fs";
import * as sqs from "@aws-sdk/client-sqs";
import * as sns from "@aws-sdk/client-sns";
import * as sesv2 from "@aws-sdk/client-sesv2";
import * as ses from "@aws-sdk/client-ses";

const modules = {
  sqs: [sqs, sqs.SQSClient],
  sns: [sns, sns.SNSClient],
  sesv2: [sesv2, sesv2.SESv2Client],
  ses: [ses, ses.SESClient],
};

// The same fixed credentials the .NET side verifies signatures with (AWS's documentation example keys).
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$base64") return new Uint8Array(Buffer.from(value.$base64, "base64"));
    return Object.fromEntries(keys.map((k) => [k, revive(value[k])]));
  }
  return value;
}

async function call({ client, command, input, endpoint }) {
  const entry = modules[client];
  if (!entry) throw new Error(`unknown client '${client}' (expected ${Object.keys(modules).join("|")})`);
  const [module, Client] = entry;
  const Command = module[`${command}Command`];
  if (!Command) throw new Error(`@aws-sdk/client-${client} has no ${command}Command`);
  const sdk = new Client({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 });
  try {
    await sdk.send(new Command(revive(input ?? {})));
    console.error(`${client}.${command}: ok`);
  } catch (e) {
    console.error(`${client}.${command}: ${e?.name ?? e}`);
  } finally {
    sdk.destroy();
  }
}

const args = process.argv.slice(2);
try {
  if (args[0] === "--batch" && args.length === 2) {
    for (const c of JSON.parse(readFileSync(args[1], "utf8"))) await call(c);
  } else if (args.length === 4) {
    await call({ client: args[0], command: args[1], input: JSON.parse(args[2]), endpoint: args[3] });
  } else {
    console.error("usage: node js-call.mjs <sqs|sns|sesv2|ses> <CommandName> <inputJson> <endpointUrl> | --batch <file.json>");
    process.exit(2);
  }
} catch (e) {
  // Bad arguments or an unknown command: a harness bug, not an answer to compare.
  console.error(`js-call: ${e?.stack ?? e}`);
  process.exit(2);
}

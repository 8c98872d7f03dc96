// A SignalR client of Notify's live inbox hub for the tests: the official @microsoft/signalr client (WebSockets, the
// token as access_token, as browsers send it). Usage: node inbox-client.mjs <hub URL> <token or "-">
// Prints one JSON line per happening: {"kind":"connected"}, {"kind":"event","name","data","receivedAt"} for notification,
// read and unread, {"kind":"closed","error"} and {"kind":"failed","status","error"}; exits when the connection closes or
// standard input ends.
import * as signalR from "@microsoft/signalr";

const [url, token] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const connection = new signalR.HubConnectionBuilder()
  .withUrl(url, token === "-" ? {} : { accessTokenFactory: () => token, transport: signalR.HttpTransportType.WebSockets })
  .configureLogging(signalR.LogLevel.None)
  .build();
for (const name of ["notification", "read", "unread"]) {
  connection.on(name, (data) => print({ kind: "event", name, data, receivedAt: Date.now() }));
}
connection.onclose((error) => {
  print({ kind: "closed", error: error ? String(error.message ?? error) : null });
  process.exit(0);
});

try {
  await connection.start();
  print({ kind: "connected", connectionId: connection.connectionId });
} catch (error) {
  // A refused negotiate comes back wrapped (FailedToNegotiateWithServerError), its status only in the message.
  const message = String(error.message ?? error);
  const status = error.statusCode ?? Number(/Status code '(\d+)'/.exec(message)?.[1] ?? NaN);
  print({ kind: "failed", status: Number.isNaN(status) ? null : status, error: message });
  process.exit(0);
}

process.stdin.on("end", () => connection.stop());
process.stdin.resume();

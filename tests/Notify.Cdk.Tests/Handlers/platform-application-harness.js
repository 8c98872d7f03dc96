// Runs cdk/Handlers/platform-application.js as Lambda would, against recording stand-ins for the two AWS SDK clients
// (SNS, Secrets Manager) and a local server in place of CloudFormation's pre-signed response URL. Prints one JSON
// transcript per scenario: the SDK commands sent, the response PUT to CloudFormation, and what the handler logged.
// Usage: node platform-application-harness.js <handler.js>
const http = require('http');
const https = require('https');
const Module = require('module');

const secret = {
  PlatformCredential: '-----BEGIN PRIVATE KEY-----\nMIIEv"quoted"\n-----END PRIVATE KEY-----\n',
  PlatformPrincipal: 'ABC123DEFG',
  ApplePlatformTeamID: 'TEAM123456',
};
let calls = [];
let failSecret = false;

class Command {
  constructor(input) { this.input = input; }
}
const named = (name) => ({ [name]: class extends Command { get name() { return name; } } })[name];
const sns = {
  SNSClient: class { async send(command) {
    calls.push({ command: command.name, input: command.input });
    if (command.name === 'CreatePlatformApplicationCommand') {
      return { PlatformApplicationArn: `arn:aws:sns:eu-west-1:111122223333:app/${command.input.Platform}/${command.input.Name}` };
    }
    return {};
  } },
  CreatePlatformApplicationCommand: named('CreatePlatformApplicationCommand'),
  SetPlatformApplicationAttributesCommand: named('SetPlatformApplicationAttributesCommand'),
  DeletePlatformApplicationCommand: named('DeletePlatformApplicationCommand'),
};
const secretsManager = {
  SecretsManagerClient: class { async send(command) {
    calls.push({ command: command.name, input: command.input });
    if (failSecret) {
      const e = new Error(`Secrets Manager can't find the specified secret.`);
      e.name = 'ResourceNotFoundException';
      throw e;
    }
    return { SecretString: JSON.stringify(secret) };
  } },
  GetSecretValueCommand: named('GetSecretValueCommand'),
};
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === '@aws-sdk/client-sns') return sns;
  if (request === '@aws-sdk/client-secrets-manager') return secretsManager;
  return load.call(this, request, ...rest);
};
// The handler PUTs to an https URL; here the URL is a local http server.
https.request = http.request;

const responses = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    responses.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(body) });
    res.end();
  });
});

const logs = [];
console.log = (...args) => logs.push(args.join(' '));

const scenarios = [
  { name: 'create', event: { RequestType: 'Create', ResourceProperties: { Name: 'notify-prod-messaging-fcm', Platform: 'GCM', SecretArn: 'arn:secret:fcm' } } },
  { name: 'update-same-name', event: { RequestType: 'Update', PhysicalResourceId: 'arn:aws:sns:eu-west-1:111122223333:app/GCM/notify-prod-messaging-fcm',
    ResourceProperties: { Name: 'notify-prod-messaging-fcm', Platform: 'GCM', SecretArn: 'arn:secret:fcm2' },
    OldResourceProperties: { Name: 'notify-prod-messaging-fcm', Platform: 'GCM', SecretArn: 'arn:secret:fcm' } } },
  { name: 'update-new-name', event: { RequestType: 'Update', PhysicalResourceId: 'arn:aws:sns:eu-west-1:111122223333:app/APNS/old',
    ResourceProperties: { Name: 'new', Platform: 'APNS', SecretArn: 'arn:secret:apns' },
    OldResourceProperties: { Name: 'old', Platform: 'APNS', SecretArn: 'arn:secret:apns' } } },
  { name: 'delete', event: { RequestType: 'Delete', PhysicalResourceId: 'arn:aws:sns:eu-west-1:111122223333:app/GCM/notify-prod-messaging-fcm',
    ResourceProperties: { Name: 'notify-prod-messaging-fcm', Platform: 'GCM', SecretArn: 'arn:secret:fcm' } } },
  { name: 'delete-never-created', event: { RequestType: 'Delete', PhysicalResourceId: 'notify-prod-messaging-fcm-not-created',
    ResourceProperties: { Name: 'notify-prod-messaging-fcm', Platform: 'GCM', SecretArn: 'arn:secret:fcm' } } },
  { name: 'create-secret-missing', failSecret: true, event: { RequestType: 'Create',
    ResourceProperties: { Name: 'notify-prod-messaging-apns', Platform: 'APNS', SecretArn: 'arn:secret:missing' } } },
];

server.listen(0, '127.0.0.1', async () => {
  const handler = require(require('path').resolve(process.argv[2]));
  const transcript = [];
  for (const scenario of scenarios) {
    calls = [];
    logs.length = 0;
    responses.length = 0;
    failSecret = !!scenario.failSecret;
    const event = { StackId: 'stack', RequestId: 'request', LogicalResourceId: 'Fcm', ResponseURL: `http://127.0.0.1:${server.address().port}/response`, ...scenario.event };
    await handler.handler(event, { logStreamName: 'log-stream' });
    transcript.push({ name: scenario.name, calls, responses: [...responses], logs: [...logs] });
  }
  server.close();
  process.stdout.write(JSON.stringify(transcript));
});

// CloudFormation custom resource: one SNS platform application whose attributes come from a Secrets Manager secret.
// CloudFormation has no AWS::SNS::PlatformApplication type. The secret is read here, at deploy time, rather than passed
// as a dynamic reference: FCM service-account JSON and APNs PEM keys would break the JSON an AwsCustomResource parses,
// and the credential never appears in the template, the event or the logs.
const https = require('https');
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const { SNSClient, CreatePlatformApplicationCommand, SetPlatformApplicationAttributesCommand, DeletePlatformApplicationCommand } = require('@aws-sdk/client-sns');

const sns = new SNSClient({});
const secrets = new SecretsManagerClient({});

exports.handler = async (event, context) => {
  const props = event.ResourceProperties;
  let physicalId = event.PhysicalResourceId || `${props.Name}-not-created`;
  try {
    if (event.RequestType === 'Delete') {
      if (physicalId.startsWith('arn:')) {
        await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn: physicalId }));
      }
    } else {
      const secret = await secrets.send(new GetSecretValueCommand({ SecretId: props.SecretArn }));
      const attributes = Object.fromEntries(Object.entries(JSON.parse(secret.SecretString)).map(([k, v]) => [k, String(v)]));
      const old = event.OldResourceProperties;
      if (event.RequestType === 'Update' && old && old.Name === props.Name && old.Platform === props.Platform && physicalId.startsWith('arn:')) {
        await sns.send(new SetPlatformApplicationAttributesCommand({ PlatformApplicationArn: physicalId, Attributes: attributes }));
      } else {
        // A new name or platform is a new application; CloudFormation then deletes the old one with its old id.
        const created = await sns.send(new CreatePlatformApplicationCommand({ Name: props.Name, Platform: props.Platform, Attributes: attributes }));
        physicalId = created.PlatformApplicationArn;
      }
    }
    await respond(event, context, 'SUCCESS', physicalId, { Arn: physicalId });
  } catch (e) {
    // The message only: an SDK error never echoes the credential, but the full object may carry the request.
    console.log(`${event.RequestType} ${props.Platform} ${props.Name} failed: ${e.name}: ${e.message}`);
    await respond(event, context, 'FAILED', physicalId, {}, `${e.name}: ${e.message}`);
  }
};

function respond(event, context, status, physicalId, data, reason) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason || `See ${context.logStreamName}`,
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
    Data: data,
  });
  return new Promise((resolve, reject) => {
    // The pre-signed S3 URL is signed without a content type: send none.
    const request = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', reject);
    request.end(body);
  });
}

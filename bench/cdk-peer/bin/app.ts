#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { EdgeStack } from '../lib/edge-stack';
import { PlatformStack } from '../lib/platform-stack';

// Switches (environment variables, so the same compiled app serves every variant):
//   PEER_NAG=0        -> do not register the cdk-nag packs
//   PEER_VALIDATION=0 -> new App({ builtinCloudFormationValidation: false })
//   PEER_COPIES=N     -> N copies of the platform stack (default 1; scaled variant)
const nag = process.env.PEER_NAG !== '0';
const builtinValidation = process.env.PEER_VALIDATION !== '0';
const copies = Number(process.env.PEER_COPIES ?? '1');

const app = new App({
  builtinCloudFormationValidation: builtinValidation,
  // Validation findings (cdk-nag errors) are written to cdk.out/validation-report.json
  // instead of throwing at the end of app.synth(), so a run with findings still completes.
  context: { '@aws-cdk/core:failSynthOnValidationErrors': false },
});

const account = '111111111111';
const edge = new EdgeStack(app, 'PeerEdge', {
  env: { account, region: 'us-east-1' },
  crossRegionReferences: true,
});
for (let i = 1; i <= copies; i++) {
  const sfx = i === 1 ? '' : String(i);
  new PlatformStack(app, `PeerPlatform${sfx}`, {
    env: { account, region: 'eu-west-1' },
    crossRegionReferences: true,
    webAclArn: edge.webAclArn,
    nameSuffix: sfx,
  });
}

if (nag) {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: false }));
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app, { verbose: false }));
}

app.synth();

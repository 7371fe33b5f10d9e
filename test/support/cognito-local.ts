/**
 * cognito-local (a real Cognito API, its own data in a temp dir) on 127.0.0.1 and a free
 * port, with a user pool shaped as the synthesized template's: the same sign-in by e-mail,
 * custom attributes and groups.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, CreateGroupCommand, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { synthesizeTemplate } from '../../infra/synth';

export interface LocalCognito {
  endpoint: string;
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`cognito-local did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Cognito Local running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`cognito-local exited (${code}): ${output}`)));
  });
}

export async function startCognitoLocal(): Promise<LocalCognito> {
  const dir = mkdtempSync(join(tmpdir(), 'omfordelning-cognito-'));
  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');
  const child = spawn(process.execPath, [bin], { cwd: dir, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  await started(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new CognitoIdentityProviderClient({ endpoint, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

  const resources = Object.values<any>(synthesizeTemplate().Resources);
  const pool = resources.find((r) => r.Type === 'AWS::Cognito::UserPool').Properties;
  const created = await client.send(
    new CreateUserPoolCommand({ PoolName: 'omfordelning', UsernameAttributes: pool.UsernameAttributes, Schema: pool.Schema, MfaConfiguration: pool.MfaConfiguration }),
  );
  const userPoolId = created.UserPool!.Id!;
  for (const group of resources.filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup')) {
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group.Properties.GroupName, Precedence: group.Properties.Precedence }));
  }
  const appClient = await client.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'ApiClient' }));
  return {
    endpoint,
    client,
    userPoolId,
    clientId: appClient.UserPoolClient!.ClientId!,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

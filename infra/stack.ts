import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './constructs/api';
import { Identity } from './constructs/identity';
import { Notifications } from './constructs/notifications';
import { Storage } from './constructs/storage';

export class OmfordelningStack extends Stack {
  readonly storage: Storage;
  readonly identity: Identity;
  readonly notifications: Notifications;
  readonly api: Api;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.storage = new Storage(this, 'Storage');
    this.identity = new Identity(this, 'Identity');
    this.notifications = new Notifications(this, 'Notifications');
    this.api = new Api(this, 'Api', {
      table: this.storage.table,
      identity: this.identity,
      notifications: this.notifications,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
  }
}

import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync, writeFileSync } from 'node:fs';
import { createApp } from './app.ts';
const ctx = JSON.parse(readFileSync('cdk.json','utf8')).context;
const { stack } = createApp(new App({ context: { ...ctx, 'flamel:skipBundling': true, apiBaseUrl: process.env.ABU ?? ctx.apiBaseUrl } }));
writeFileSync('/tmp/bb/template.json', JSON.stringify(Template.fromStack(stack).toJSON(), null, 1));

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './database';
import { WEB_SERVER_NODE_OPTIONS } from './server-node-options';

describe('the web server’s Node options', () => {
  it('are those `npm start` starts its process with (the web processes of the cluster inherit them)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const start = pkg.scripts.start!.split(/\s+/);
    expect(start[0]).toBe('node');
    for (const option of WEB_SERVER_NODE_OPTIONS) expect(start.slice(1, start.indexOf('--import'))).toContain(option);
  });
});

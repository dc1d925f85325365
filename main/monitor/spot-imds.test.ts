import { describe, expect, it } from 'vitest';

import { IMDS_BASE, imdsBaseOf, parseSpotAction } from '../../shared/monitor/spot-notice';
import type { RemoteShell } from '../host/remote-host';
import { checkSpotOverShell, spotCheckCommand } from './spot-imds';

const NOTICE = '{"action": "terminate", "time": "2026-11-24T10:02:00Z"}';

describe('spot interruption through IMDSv2', () => {
  it('desktop check over the run shell: 200 + JSON → notice; 404 or curl failure → none', async () => {
    const reply = (stdout: string, code = 0): RemoteShell => ({ exec: async () => ({ stdout, stderr: '', code }) });
    expect(await checkSpotOverShell(reply(`${NOTICE}\n200`))).toEqual({
      action: 'terminate',
      time: '2026-11-24T10:02:00Z',
    });
    expect(await checkSpotOverShell(reply('<html>404</html>\n404'))).toBeUndefined();
    expect(await checkSpotOverShell(reply('', 7))).toBeUndefined();
    expect(spotCheckCommand()).toMatch(
      /-X PUT .*ttl-seconds.*api\/token.*X-aws-ec2-metadata-token: \$t.*spot\/instance-action/,
    );
  });

  it("IMDS is where the instance's SDK finds it: AWS_EC2_METADATA_SERVICE_ENDPOINT when set, else EC2's address", () => {
    expect(imdsBaseOf({})).toBe(IMDS_BASE);
    expect(imdsBaseOf({ AWS_EC2_METADATA_SERVICE_ENDPOINT: ' ' })).toBe(IMDS_BASE);
    expect(imdsBaseOf({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://[fd00:ec2::254]/' })).toBe('http://[fd00:ec2::254]');
  });

  it('garbage bodies are never a notice', () => {
    for (const body of ['', 'null', '<html>', '{"action": 1}', '[]']) expect(parseSpotAction(body)).toBeUndefined();
  });
});

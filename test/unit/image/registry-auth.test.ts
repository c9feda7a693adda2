import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  basicHeader,
  parseChallenge,
  registryErrorReason,
  tokenFromBody,
  tokenUrl,
} from '../../../src/image/registry-auth.ts';

describe('registry authentication helpers', () => {
  it('parses a Bearer challenge with quoted parameters', () => {
    const challenge = parseChallenge(
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:demo/app:pull"',
    );
    assert.deepEqual(challenge, {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.example.com/token',
        service: 'registry.example.com',
        scope: 'repository:demo/app:pull',
      },
    });
  });

  it('parses Basic and ignores other schemes', () => {
    assert.equal(parseChallenge('Basic realm="mcsync-sandbox"')?.scheme, 'basic');
    assert.equal(parseChallenge('Negotiate abc'), undefined);
    assert.equal(parseChallenge(undefined), undefined);
  });

  it('builds the token URL with service and the challenge scope winning over ours', () => {
    const withScope = parseChallenge(
      'Bearer realm="https://a/token",service="reg",scope="repository:x/y:pull"',
    );
    assert.equal(
      tokenUrl(withScope!, 'repository:demo/app:pull').toString(),
      'https://a/token?service=reg&scope=repository%3Ax%2Fy%3Apull',
    );
    const without = parseChallenge('Bearer realm="https://a/token"');
    assert.equal(
      tokenUrl(without!, 'repository:demo/app:pull').searchParams.get('scope'),
      'repository:demo/app:pull',
    );
  });

  it('reads token or access_token and the first registry error message', () => {
    assert.equal(tokenFromBody({ token: 't1' }), 't1');
    assert.equal(tokenFromBody({ access_token: 't2' }), 't2');
    assert.equal(tokenFromBody({}), undefined);
    assert.equal(
      registryErrorReason('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'),
      'authentication required',
    );
    assert.equal(registryErrorReason('not json'), undefined);
    assert.equal(
      basicHeader({ username: 'u', password: 'p' }),
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
  });
});

import { clientToken } from '../../src/shared/client-token';

const REQUEST = {
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Demo/6f1b2c90-0000-11ef-8000-0a1b2c3d4e5f',
  LogicalResourceId: 'FuotaTask1A2B3C4D',
  RequestId: '2b1c7a64-9d8e-4f1a-b1c2-d3e4f5a6b7c8',
};

describe('clientToken', () => {
  test('is the same for the same request', () => {
    expect(clientToken({ ...REQUEST })).toBe(clientToken({ ...REQUEST }));
  });

  test.each(['StackId', 'LogicalResourceId', 'RequestId'] as const)('changes when %s changes', (key) => {
    expect(clientToken({ ...REQUEST, [key]: `${REQUEST[key]}-other` })).not.toBe(clientToken(REQUEST));
  });

  test('fits both services\' token patterns, 1 to 64 characters, even for long inputs', () => {
    const token = clientToken({ ...REQUEST, LogicalResourceId: 'L'.repeat(255) });
    expect(token).toMatch(/^[a-zA-Z0-9-_]{1,64}$/); // IoT Wireless
    expect(token).toMatch(/^[a-zA-Z0-9=_-]{1,64}$/); // Managed Integrations
  });
});

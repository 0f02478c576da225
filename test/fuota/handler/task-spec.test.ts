import { fuotaSpec, FUOTA_PROPS } from './fuota-fixtures';
import { parseFuotaTaskProperties } from '../../../src/fuota/handler/task-spec';

const CFN_PROPS = FUOTA_PROPS;

const MINIMAL = {
  FirmwareUpdateImage: 's3://b/k.bin',
  FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
};

/** A start needs something to update. */
const DEVICES = { WirelessDeviceIds: ['d1'] };

function parse(overrides: Record<string, unknown>) {
  return parseFuotaTaskProperties({ ...MINIMAL, ...overrides });
}

function tags(count: number) {
  return Array.from({ length: count }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
}

describe('conversion', () => {
  test('converts the string-valued CloudFormation properties into a typed spec', () => {
    // The spec's numbers are numbers: 20, 100, 1000 (see fuota-fixtures.ts).
    expect(parseFuotaTaskProperties(CFN_PROPS)).toEqual(fuotaSpec({ start: { delaySeconds: 3600 } }));
  });

  test('numbers come out as numbers, not strings', () => {
    const spec = parseFuotaTaskProperties(CFN_PROPS);
    expect(typeof spec.redundancyPercent).toBe('number');
    expect(typeof spec.fragmentSizeBytes).toBe('number');
    expect(typeof spec.fragmentIntervalMs).toBe('number');
  });

  test('leaves out what is not set', () => {
    expect(parseFuotaTaskProperties(MINIMAL)).toEqual({
      firmwareUpdateImage: 's3://b/k.bin',
      firmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw',
      name: undefined,
      description: undefined,
      rfRegion: undefined,
      redundancyPercent: undefined,
      fragmentSizeBytes: undefined,
      fragmentIntervalMs: undefined,
      descriptor: undefined,
      wirelessDeviceIds: [],
      multicastGroupIds: [],
      start: undefined,
      tags: [],
    });
  });

  test('reads multicast groups', () => {
    expect(parse({ MulticastGroupIds: ['g1', 'g2'] })).toMatchObject({ wirelessDeviceIds: [], multicastGroupIds: ['g1', 'g2'] });
  });

  test.each([
    ['RedundancyPercent', 'redundancyPercent', 20],
    ['FragmentSizeBytes', 'fragmentSizeBytes', 100],
    ['FragmentIntervalMS', 'fragmentIntervalMs', 1000],
  ])('accepts %s as a number as well as a numeric string', (property, field, value) => {
    expect(parse({ [property]: value })).toHaveProperty(field, value);
    expect(parse({ [property]: String(value) })).toHaveProperty(field, value);
  });

  test('accepts StartDelaySeconds as a number as well as a numeric string', () => {
    expect(parse({ ...DEVICES, StartDelaySeconds: 3600 }).start).toEqual({ delaySeconds: 3600 });
    expect(parse({ ...DEVICES, StartDelaySeconds: '3600' }).start).toEqual({ delaySeconds: 3600 });
  });

  test('reads StartTime as a date', () => {
    expect(parse({ ...DEVICES, StartTime: '2030-06-01T12:30:00.000Z' }).start).toEqual({ time: new Date('2030-06-01T12:30:00.000Z') });
  });

  test('copies the lists, so the event is not shared with the spec', () => {
    const props = { ...MINIMAL, WirelessDeviceIds: ['d1'] };
    parseFuotaTaskProperties(props).wirelessDeviceIds.push('d2');
    expect(props.WirelessDeviceIds).toEqual(['d1']);
  });
});

describe('invalid properties are refused', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['RedundancyPercent above 100', { RedundancyPercent: '140' }, 'redundancyPercent must be an integer from 0 to 100, got 140'],
    ['a fractional RedundancyPercent', { RedundancyPercent: '2.5' }, 'redundancyPercent must be an integer from 0 to 100, got "2.5"'],
    ['a non-numeric RedundancyPercent', { RedundancyPercent: 'abc' }, 'redundancyPercent must be an integer from 0 to 100, got "abc"'],
    ['an empty RedundancyPercent', { RedundancyPercent: '' }, 'redundancyPercent must be an integer from 0 to 100, got ""'],
    ['a fractional number', { FragmentIntervalMS: 2.5 }, 'fragmentIntervalMs must be an integer of at least 1, got 2.5'],
    ['a boolean number', { FragmentIntervalMS: true }, 'fragmentIntervalMs must be an integer of at least 1, got true'],
    ['an unknown RfRegion', { RfRegion: 'EU999' }, 'rfRegion must be one of EU868, US915'],
    ['a lower-case RfRegion', { RfRegion: 'eu868' }, 'rfRegion must be one of'],
    ['a Descriptor that is not base64', { Descriptor: 'AAA' }, 'descriptor must be base64, at most 332 characters, got "AAA"'],
    ['a Name that is not a string', { Name: 7 }, 'fuotaTaskName must be a string, got 7'],
    ['devices and groups both', { WirelessDeviceIds: ['d1'], MulticastGroupIds: ['g1'] }, 'wirelessDeviceIds and multicastGroupIds cannot both be set'],
    ['WirelessDeviceIds not a list', { WirelessDeviceIds: 'd1' }, 'wirelessDeviceIds must be a list, got "d1"'],
    ['MulticastGroupIds not a list', { MulticastGroupIds: 'g1,g2' }, 'multicastGroupIds must be a list, got "g1,g2"'],
    ['a device id that is not a string', { WirelessDeviceIds: ['d1', 2] }, 'wirelessDeviceIds must be a string, got 2'],
    ['a device id listed twice', { WirelessDeviceIds: ['d1', 'd2', 'd1'] }, 'wirelessDeviceIds lists "d1" twice'],
    ['a group id listed twice', { MulticastGroupIds: ['g1', 'g1'] }, 'multicastGroupIds lists "g1" twice'],
    ['Tags not a list', { Tags: { Key: 'k', Value: 'v' } }, 'Tags must be a list'],
    ['a tag that is not an object', { Tags: [null] }, 'tag key must be a string, got undefined'],
    ['a tag without a value', { Tags: [{ Key: 'k' }] }, 'tag value must be a string, got undefined'],
  ])('%s', (_label, overrides, message) => {
    expect(() => parse(overrides)).toThrow(`Invalid FuotaTask properties: ${message}`);
  });

  test.each(['FirmwareUpdateImage', 'FirmwareUpdateRole'])('a missing %s', (property) => {
    const props: Record<string, unknown> = { ...MINIMAL };
    delete props[property];
    expect(() => parseFuotaTaskProperties(props)).toThrow(/^Invalid FuotaTask properties: \w+ is required$/);
  });

  test.each([undefined, null, 'FirmwareUpdateImage=s3://b/k.bin'])('properties that are not an object: %p', (raw) => {
    expect(() => parseFuotaTaskProperties(raw)).toThrow('Invalid FuotaTask properties: expected an object');
  });
});

describe('boundaries', () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['RedundancyPercent 0', { RedundancyPercent: '0' }, { redundancyPercent: 0 }],
    ['RedundancyPercent 100', { RedundancyPercent: '100' }, { redundancyPercent: 100 }],
    ['FragmentSizeBytes 1', { FragmentSizeBytes: '1' }, { fragmentSizeBytes: 1 }],
    ['FragmentSizeBytes 2147483647', { FragmentSizeBytes: '2147483647' }, { fragmentSizeBytes: 2147483647 }],
    ['FragmentIntervalMS 1', { FragmentIntervalMS: '1' }, { fragmentIntervalMs: 1 }],
    ['Descriptor of 0 characters', { Descriptor: '' }, { descriptor: '' }],
    ['Descriptor of 332 characters', { Descriptor: 'A'.repeat(332) }, { descriptor: 'A'.repeat(332) }],
    ['Descriptor with padding', { Descriptor: 'AAAAAA==' }, { descriptor: 'AAAAAA==' }],
    ['Name of 0 characters', { Name: '' }, { name: '' }],
    ['Name of 256 characters', { Name: 'n'.repeat(256) }, { name: 'n'.repeat(256) }],
    ['Description of 2048 characters', { Description: 'd'.repeat(2048) }, { description: 'd'.repeat(2048) }],
    ['FirmwareUpdateImage of 1 character', { FirmwareUpdateImage: 's' }, { firmwareUpdateImage: 's' }],
    ['FirmwareUpdateImage of 4096 characters', { FirmwareUpdateImage: 's'.repeat(4096) }, { firmwareUpdateImage: 's'.repeat(4096) }],
    ['FirmwareUpdateRole of 1 character', { FirmwareUpdateRole: 'r' }, { firmwareUpdateRole: 'r' }],
    ['FirmwareUpdateRole of 2048 characters', { FirmwareUpdateRole: 'r'.repeat(2048) }, { firmwareUpdateRole: 'r'.repeat(2048) }],
    ['a device id of 256 characters', { WirelessDeviceIds: ['d'.repeat(256)] }, { wirelessDeviceIds: ['d'.repeat(256)] }],
    ['a tag key of 1 character', { Tags: [{ Key: 'k', Value: 'v' }] }, { tags: [{ Key: 'k', Value: 'v' }] }],
    ['a tag key of 128 characters', { Tags: [{ Key: 'k'.repeat(128), Value: 'v' }] }, { tags: [{ Key: 'k'.repeat(128), Value: 'v' }] }],
    ['a tag value of 0 characters', { Tags: [{ Key: 'k', Value: '' }] }, { tags: [{ Key: 'k', Value: '' }] }],
    ['a tag value of 256 characters', { Tags: [{ Key: 'k', Value: 'v'.repeat(256) }] }, { tags: [{ Key: 'k', Value: 'v'.repeat(256) }] }],
    ['200 tags', { Tags: tags(200) }, { tags: tags(200) }],
    ['StartDelaySeconds 1860', { ...DEVICES, StartDelaySeconds: '1860' }, { start: { delaySeconds: 1860 } }],
  ])('accepts %s', (_label, overrides, expected) => {
    expect(parse(overrides)).toMatchObject(expected);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['RedundancyPercent -1', { RedundancyPercent: '-1' }, 'redundancyPercent must be an integer from 0 to 100, got -1'],
    ['RedundancyPercent 101', { RedundancyPercent: '101' }, 'redundancyPercent must be an integer from 0 to 100, got 101'],
    ['FragmentSizeBytes 0', { FragmentSizeBytes: '0' }, 'fragmentSizeBytes must be an integer of at least 1, got 0'],
    ['FragmentSizeBytes 2147483648', { FragmentSizeBytes: '2147483648' }, 'fragmentSizeBytes must be an integer of at least 1, got 2147483648'],
    ['FragmentIntervalMS 0', { FragmentIntervalMS: '0' }, 'fragmentIntervalMs must be an integer of at least 1, got 0'],
    // Not base64 (333 is no multiple of 4): the whole rule, in words.
    ['Descriptor of 333 characters', { Descriptor: 'A'.repeat(333) }, 'descriptor must be base64, at most 332 characters, got "AAAA'],
    ['Descriptor of 336 characters (valid base64, too long)', { Descriptor: 'A'.repeat(336) }, 'descriptor must be at most 332 characters long, got 336 characters'],
    ['Descriptor with bad padding', { Descriptor: 'AAAAA===' }, 'descriptor must be base64, at most 332 characters, got "AAAAA==="'],
    ['Name of 257 characters', { Name: 'n'.repeat(257) }, 'fuotaTaskName must be at most 256 characters long, got 257 characters'],
    ['Description of 2049 characters', { Description: 'd'.repeat(2049) }, 'description must be at most 2048 characters long, got 2049 characters'],
    ['FirmwareUpdateImage of 0 characters', { FirmwareUpdateImage: '' }, 'firmware must be 1 to 4096 characters long, got 0 characters'],
    ['FirmwareUpdateImage of 4097 characters', { FirmwareUpdateImage: 's'.repeat(4097) }, 'firmware must be 1 to 4096 characters long, got 4097 characters'],
    ['FirmwareUpdateRole of 0 characters', { FirmwareUpdateRole: '' }, 'firmwareUpdateRole must be 1 to 2048 characters long, got 0 characters'],
    ['FirmwareUpdateRole of 2049 characters', { FirmwareUpdateRole: 'r'.repeat(2049) }, 'firmwareUpdateRole must be 1 to 2048 characters long, got 2049 characters'],
    ['a device id of 257 characters', { WirelessDeviceIds: ['d'.repeat(257)] }, 'wirelessDeviceIds must be at most 256 characters long'],
    ['a group id of 257 characters', { MulticastGroupIds: ['g'.repeat(257)] }, 'multicastGroupIds must be at most 256 characters long'],
    ['a tag key of 0 characters', { Tags: [{ Key: '', Value: 'v' }] }, 'tag key must be 1 to 128 characters long, got 0 characters'],
    ['a tag key of 129 characters', { Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }, 'tag key must be 1 to 128 characters long, got 129 characters'],
    ['a tag value of 257 characters', { Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }, 'tag value must be at most 256 characters long, got 257 characters'],
    ['201 tags', { Tags: tags(201) }, 'at most 200 tags are allowed, got 201'],
    ['StartDelaySeconds 1859', { StartDelaySeconds: '1859' }, 'start delay must be a whole number of seconds of at least 1860, got "1859"'],
    ['StartDelaySeconds 1859 as a number', { StartDelaySeconds: 1859 }, 'start delay must be a whole number of seconds of at least 1860, got 1859'],
  ])('refuses %s', (_label, overrides, message) => {
    expect(() => parse(overrides)).toThrow(`Invalid FuotaTask properties: ${message}`);
  });
});

describe('start', () => {
  test.each<[string, unknown]>([
    ['a fraction', '3600.5'],
    ['a negative number', '-3600'],
    ['text', 'one hour'],
    ['an empty string', ''],
  ])('StartDelaySeconds as %s is refused', (_label, value) => {
    expect(() => parse({ StartDelaySeconds: value })).toThrow('Invalid FuotaTask properties: start delay must be a whole number of seconds');
  });

  test.each<[string, unknown]>([
    ['text', 'tomorrow morning'],
    ['an empty string', ''],
    ['an impossible date', '2030-02-30T25:00:00Z'],
    ['a number', 1906200000000],
  ])('StartTime as %s is refused', (_label, value) => {
    expect(() => parse({ StartTime: value })).toThrow('Invalid FuotaTask properties: start time must be an ISO 8601 date-time');
  });

  // Device and group lists that were tokens at synth are seen first here.
  const EMPTY_START = 'Invalid FuotaTask properties: a start needs wirelessDeviceIds or multicastGroupIds (IoT Wireless takes none once a task has started, so a task started empty could never update a device)';
  test.each<[string, Record<string, unknown>, string | undefined]>([
    ['a delay and no lists', { StartDelaySeconds: '3600' }, EMPTY_START],
    ['a time and empty lists', { StartTime: '2030-06-01T12:30:00.000Z', WirelessDeviceIds: [], MulticastGroupIds: [] }, EMPTY_START],
    ['a delay and one device', { StartDelaySeconds: '3600', WirelessDeviceIds: ['d1'] }, undefined],
    ['a time and one group', { StartTime: '2030-06-01T12:30:00.000Z', MulticastGroupIds: ['g1'] }, undefined],
    ['no start and no lists', {}, undefined],
  ])('%s', (_label, overrides, message) => {
    if (message) expect(() => parse(overrides)).toThrow(message);
    else expect(() => parse(overrides)).not.toThrow();
  });

  test('StartDelaySeconds and StartTime together are refused', () => {
    expect(() => parse({ StartDelaySeconds: '3600', StartTime: '2030-06-01T12:30:00.000Z' }))
      .toThrow('Invalid FuotaTask properties: StartDelaySeconds and StartTime cannot both be set');
  });
});

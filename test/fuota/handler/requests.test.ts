import { FUOTA_API_FIELDS, fuotaSpec, liveFuotaTask } from './fuota-fixtures';
import {
  createFuotaTaskRequest,
  fieldsToUpdate,
  fuotaStartTime,
  removedTagKeys,
  setDifference,
  unclearableRemovals,
  updateFuotaTaskRequest,
} from '../../../src/fuota/handler/requests';
import { FuotaTaskSpec } from '../../../src/fuota/handler/task-spec';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const MINUTE = 60_000;

const spec = fuotaSpec;
const live = liveFuotaTask;

/** `spec()` without `field`, as a spec whose property was deleted from the template. */
function specWithout(field: keyof FuotaTaskSpec): FuotaTaskSpec {
  return spec({ [field]: undefined });
}

describe('createFuotaTaskRequest', () => {
  test('sends every field of the spec with the token', () => {
    expect(createFuotaTaskRequest(spec(), 'token-1')).toEqual({
      ClientRequestToken: 'token-1',
      ...FUOTA_API_FIELDS,
    });
  });

  test('leaves tags out: they are applied with TagResource once the task exists', () => {
    expect(createFuotaTaskRequest(spec(), 'token-1')).not.toHaveProperty('Tags');
  });

  test('leaves LoRaWAN out when no RF region is set', () => {
    expect(createFuotaTaskRequest(spec({ rfRegion: undefined }), 'token-1').LoRaWAN).toBeUndefined();
  });
});

describe('fieldsToUpdate', () => {
  test('nothing changes when the live task matches', () => {
    expect(fieldsToUpdate(live(), spec(), spec())).toEqual([]);
  });

  test('a desired value that differs from the live one changes', () => {
    expect(fieldsToUpdate(live(), spec({ redundancyPercent: 30 }), spec())).toEqual(['redundancyPercent']);
  });

  test('the live task, not the previous properties, is what is compared', () => {
    // the properties did not change, but the live task drifted
    expect(fieldsToUpdate(live({ fragmentIntervalMs: 500 }), spec(), spec())).toEqual(['fragmentIntervalMs']);
  });

  test('a rollback to the value that is still live changes nothing', () => {
    // the failed update wanted 30; the service still has 20, which the rollback asks for
    expect(fieldsToUpdate(live(), spec(), spec({ redundancyPercent: 30 }))).toEqual([]);
  });

  test('a field the previous properties set, still live, and now left out is a removal', () => {
    expect(fieldsToUpdate(live(), specWithout('description'), spec())).toEqual(['description']);
  });

  test('a removed field whose live value already differs from the previous one is left alone', () => {
    expect(fieldsToUpdate(live({ description: '' }), specWithout('description'), spec())).toEqual([]);
  });

  test('a field neither the previous nor the desired properties set keeps the service value', () => {
    expect(fieldsToUpdate(live({ redundancyPercent: 10 }), specWithout('redundancyPercent'), specWithout('redundancyPercent'))).toEqual([]);
  });

  test('without previous properties only the fields the spec sets are compared', () => {
    expect(fieldsToUpdate(live({ name: 'renamed' }), specWithout('name'))).toEqual([]);
    expect(fieldsToUpdate(live({ name: 'renamed' }), spec())).toEqual(['name']);
  });

  test.each(['name', 'description', 'descriptor'] as const)(
    'an empty %s and one GetFuotaTask leaves out are the same: no change',
    (field) => {
      expect(fieldsToUpdate(live({ [field]: undefined }), spec({ [field]: '' }), spec({ [field]: '' }))).toEqual([]);
      expect(fieldsToUpdate(live({ [field]: '' }), spec({ [field]: '' }))).toEqual([]);
    },
  );

  test('an empty text field is still a change when the live one is set', () => {
    expect(fieldsToUpdate(live({ name: 'campaign-1' }), spec({ name: '' }), spec())).toEqual(['name']);
  });

  test('removing a text field that was empty, and is empty or left out live, needs no clearing', () => {
    expect(fieldsToUpdate(live({ name: undefined }), specWithout('name'), spec({ name: '' }))).toEqual([]);
    expect(fieldsToUpdate(live({ name: '' }), specWithout('name'), spec({ name: '' }))).toEqual([]);
  });

  test('the RF region is compared with LoRaWAN.RfRegion', () => {
    expect(fieldsToUpdate(live({ rfRegion: 'US915' }), spec(), spec())).toEqual(['rfRegion']);
  });

  test('several changes are listed in the order of the API', () => {
    const desired = spec({
      descriptor: 'BBBB',
      name: 'campaign-2',
      firmwareUpdateImage: 's3://b/k2.bin',
      firmwareUpdateRole: 'arn:aws:iam::123456789012:role/fw2',
      fragmentSizeBytes: 50,
    });
    expect(fieldsToUpdate(live(), desired, spec())).toEqual(
      ['firmwareUpdateImage', 'firmwareUpdateRole', 'name', 'fragmentSizeBytes', 'descriptor']);
  });
});

describe('updateFuotaTaskRequest', () => {
  test('sends only the listed fields, under their API names', () => {
    const desired = spec({ rfRegion: 'US915', fragmentIntervalMs: 2000, firmwareUpdateImage: 's3://b/k2.bin' });
    expect(updateFuotaTaskRequest('task-1', ['firmwareUpdateImage', 'rfRegion', 'fragmentIntervalMs'], desired)).toEqual({
      Id: 'task-1',
      FirmwareUpdateImage: 's3://b/k2.bin',
      LoRaWAN: { RfRegion: 'US915' },
      FragmentIntervalMS: 2000,
    });
  });

  test('maps every updatable field', () => {
    const fields = ['firmwareUpdateImage', 'firmwareUpdateRole', 'name', 'description', 'rfRegion',
      'redundancyPercent', 'fragmentSizeBytes', 'fragmentIntervalMs', 'descriptor'] as const;
    expect(updateFuotaTaskRequest('task-1', fields, spec())).toEqual({
      Id: 'task-1',
      ...FUOTA_API_FIELDS,
    });
  });

  test.each([
    ['name', 'Name'],
    ['description', 'Description'],
    ['descriptor', 'Descriptor'],
  ] as const)('a removed %s is cleared with an empty string', (field, member) => {
    expect(updateFuotaTaskRequest('task-1', [field], specWithout(field))).toEqual({ Id: 'task-1', [member]: '' });
  });

  test.each(['redundancyPercent', 'fragmentSizeBytes', 'fragmentIntervalMs', 'rfRegion'] as const)(
    'a removed %s cannot be expressed and fails',
    (field) => {
      expect(() => updateFuotaTaskRequest('task-1', [field], specWithout(field)))
        .toThrow(`UpdateFuotaTask cannot remove ${field} from task task-1`);
    },
  );

  test('the failure names every field that cannot be removed', () => {
    const desired = spec({ redundancyPercent: undefined, rfRegion: undefined, name: undefined });
    expect(() => updateFuotaTaskRequest('task-1', ['name', 'rfRegion', 'redundancyPercent'], desired))
      .toThrow('cannot remove rfRegion, redundancyPercent from task task-1');
  });
});

describe('setDifference', () => {
  test('adds what is only desired and removes what is only live, keeping the order', () => {
    expect(setDifference(['d3', 'd1', 'd4'], ['d1', 'd2', 'd5'])).toEqual({ add: ['d3', 'd4'], remove: ['d2', 'd5'] });
  });

  test('equal sets need nothing', () => {
    expect(setDifference(['d1', 'd2'], ['d2', 'd1'])).toEqual({ add: [], remove: [] });
  });

  test('an empty desired list removes everything live', () => {
    expect(setDifference([], ['g1', 'g2'])).toEqual({ add: [], remove: ['g1', 'g2'] });
  });

  test('nothing live adds everything desired', () => {
    expect(setDifference(['g1'], [])).toEqual({ add: ['g1'], remove: [] });
  });
});

describe('removedTagKeys', () => {
  test('lists the keys that are no longer set', () => {
    const old = [{ Key: 'team' }, { Key: 'cost-center' }, { Key: 'stage' }];
    expect(removedTagKeys(old, [{ Key: 'stage' }])).toEqual(['team', 'cost-center']);
  });

  test('a tag whose value changed is not removed', () => {
    const oldTags = [{ Key: 'k', Value: 'v1' }];
    const newTags = [{ Key: 'k', Value: 'v2' }];
    expect(removedTagKeys(oldTags, newTags)).toEqual([]);
  });

  test('no previous tags remove nothing', () => {
    expect(removedTagKeys([], [{ Key: 'k' }])).toEqual([]);
  });
});

describe('fuotaStartTime', () => {
  test('a delay counts from now', () => {
    expect(fuotaStartTime({ delaySeconds: 3600 }, NOW)).toEqual(new Date('2030-06-01T13:00:00.000Z'));
  });

  test('a fixed time exactly 30 minutes ahead is accepted as it is', () => {
    const time = new Date(NOW.getTime() + 30 * MINUTE);
    expect(fuotaStartTime({ time }, NOW)).toEqual(time);
  });

  test('a fixed time further ahead is accepted', () => {
    const time = new Date('2030-07-01T00:00:00.000Z');
    expect(fuotaStartTime({ time }, NOW)).toEqual(time);
  });

  test('a fixed time 1 ms short of 30 minutes ahead is refused', () => {
    const time = new Date(NOW.getTime() + 30 * MINUTE - 1);
    expect(() => fuotaStartTime({ time }, NOW)).toThrow(
      'StartFuotaTask needs a start time at least 30 minutes ahead: 2030-06-01T12:29:59.999Z is before 2030-06-01T12:30:00.000Z');
  });

  test('a fixed time in the past is refused', () => {
    expect(() => fuotaStartTime({ time: new Date('2030-05-01T00:00:00.000Z') }, NOW)).toThrow('30 minutes');
  });
});

describe('unclearableRemovals', () => {
  test('lists the removed numbers and the region, never the text fields that an empty string clears', () => {
    const desired = spec({ redundancyPercent: undefined, rfRegion: undefined, name: undefined, fragmentSizeBytes: 10 });
    expect(unclearableRemovals(['name', 'rfRegion', 'redundancyPercent', 'fragmentSizeBytes'], desired)).toEqual(['rfRegion', 'redundancyPercent']);
  });

  test('a field the desired spec sets is a change, not a removal', () => {
    expect(unclearableRemovals(['redundancyPercent', 'fragmentIntervalMs'], spec())).toEqual([]);
  });
});

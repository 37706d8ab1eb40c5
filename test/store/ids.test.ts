import { newId } from '../../src/store/ids';

describe('newId (UUIDv7)', () => {
  it('has the RFC 9562 version 7 and variant bits, and the timestamp it was made at', () => {
    const at = Date.UTC(2026, 10, 23, 18, 30, 0, 123);
    const id = newId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by creation time as text (index order), and never repeats', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => newId(1_700_000_000_000 + i * 7));
    expect([...ids].sort()).toEqual(ids);
    const same = Array.from({ length: 10_000 }, () => newId(1_700_000_000_000));
    expect(new Set(same).size).toBe(same.length);
  });
});

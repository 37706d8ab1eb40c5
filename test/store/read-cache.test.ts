import { ReadCache } from '../../src/store/read-cache';

/** A loader that counts its calls and returns the current value of `source`. */
function loader(source: { value: unknown }) {
  const calls = { n: 0 };
  const load = async () => {
    calls.n += 1;
    return source.value;
  };
  return { calls, load };
}

describe('ReadCache', () => {
  it('loads once while the change counter stays, again once it moves', async () => {
    let counter = 1;
    const cache = new ReadCache(() => counter);
    const source = { value: { name: 'a' } };
    const { calls, load } = loader(source);
    expect(await cache.get('k', load)).toEqual({ name: 'a' });
    source.value = { name: 'b' };
    expect(await cache.get('k', load)).toEqual({ name: 'a' });
    expect(calls.n).toBe(1);
    counter = 2;
    expect(await cache.get('k', load)).toEqual({ name: 'b' });
    expect(calls.n).toBe(2);
  });

  it('without a change counter (SQL Server) reads through every time', async () => {
    const cache = new ReadCache(undefined);
    const { calls, load } = loader({ value: 1 });
    await cache.get('k', load);
    await cache.get('k', load);
    expect(calls.n).toBe(2);
  });

  it('does not keep undefined (a missing row may be created next)', async () => {
    const cache = new ReadCache(() => 1);
    const source = { value: undefined as unknown };
    const { load } = loader(source);
    expect(await cache.get('k', load)).toBeUndefined();
    source.value = 'criado';
    expect(await cache.get('k', load)).toBe('criado');
  });

  it('drops everything on a write, and does not keep a value read while a write was running', async () => {
    const cache = new ReadCache(() => 1);
    const source = { value: 'velho' };
    const { load } = loader(source);
    await cache.get('k', load);
    let finishWrite!: () => void;
    const writing = cache.write(() => new Promise<void>((resolve) => (finishWrite = resolve)));
    // Read while the write runs (the row may or may not be changed yet): answered, not kept.
    expect(await cache.get('k', load)).toBe('velho');
    source.value = 'novo';
    finishWrite();
    await writing;
    expect(await cache.get('k', load)).toBe('novo');
  });

  it('a load that started before a write is not kept even if it ends after it', async () => {
    const cache = new ReadCache(() => 1);
    let release!: (v: string) => void;
    const slow = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    await cache.write(async () => undefined);
    release('lido antes da gravação');
    expect(await slow).toBe('lido antes da gravação');
    expect(await cache.get('k', async () => 'relido')).toBe('relido');
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    const cache = new ReadCache(() => 1, 2);
    const loads: string[] = [];
    const get = (k: string) => cache.get(k, async () => (loads.push(k), k));
    for (const k of ['a', 'b', 'c', 'b', 'a']) await get(k);
    expect(loads).toEqual(['a', 'b', 'c', 'a']);
  });

  it('freezes what it keeps, nested objects included, but not Dates or Buffers', async () => {
    const cache = new ReadCache(() => 1);
    const value = await cache.get('k', async () => ({ nested: { x: 1 }, at: new Date(0), bytes: Buffer.from('a') }));
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.nested)).toBe(true);
    expect(() => value.at.setTime(1)).not.toThrow();
    expect(() => value.bytes.fill(0)).not.toThrow();
  });
});

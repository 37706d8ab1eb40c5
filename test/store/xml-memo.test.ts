import { XmlMemo } from '../../src/store/xml-memo';

describe('XmlMemo', () => {
  it('knows what was noted for a key, merged field by field', () => {
    const memo = new XmlMemo(() => 1);
    memo.note('documents:a', { xmlSigned: 'S', xmlProc: null });
    memo.note('documents:a', { xmlProc: 'P' });
    expect(memo.known('documents:a')).toEqual({ xmlSigned: 'S', xmlProc: 'P' });
    expect(memo.known('documents:b')).toEqual({});
  });

  it('forgets everything once another connection has committed (the counter moved)', () => {
    let counter = 1;
    const memo = new XmlMemo(() => counter);
    memo.known('x');
    memo.note('documents:a', { xmlSigned: 'S' });
    counter = 2;
    expect(memo.known('documents:a')).toEqual({});
  });

  it('forgets one key on request (its transaction failed)', () => {
    const memo = new XmlMemo(() => 1);
    memo.note('documents:a', { xmlSigned: 'S' });
    memo.note('documents:b', { xmlSigned: 'T' });
    memo.forget('documents:a');
    expect(memo.known('documents:a')).toEqual({});
    expect(memo.known('documents:b')).toEqual({ xmlSigned: 'T' });
  });

  it('without a change counter (SQL Server) knows nothing', () => {
    const memo = new XmlMemo(undefined);
    memo.note('documents:a', { xmlSigned: 'S' });
    expect(memo.known('documents:a')).toEqual({});
  });

  it('keeps at most maxEntries, dropping the least recently noted', () => {
    const memo = new XmlMemo(() => 1, 2);
    memo.note('a', { x: '1' });
    memo.note('b', { x: '2' });
    memo.note('a', { y: '3' });
    memo.note('c', { x: '4' });
    expect(memo.known('b')).toEqual({});
    expect(memo.known('a')).toEqual({ x: '1', y: '3' });
    expect(memo.known('c')).toEqual({ x: '4' });
  });
});

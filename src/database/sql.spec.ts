import { bindable, prepareSql, toDate, toSqlDateTime } from './sql';

describe('portable raw SQL', () => {
  it('binds a Date as UTC DATETIME(3) text and reads that text back as the same instant', () => {
    const at = new Date('2026-11-25T06:15:22.007Z');
    expect(toSqlDateTime(at)).toBe('2026-11-25 06:15:22.007');
    expect(bindable([at, true, false, 3, 'x', null])).toEqual(['2026-11-25 06:15:22.007', 1, 0, 3, 'x', null]);
    expect(toDate('2026-11-25 06:15:22.007')?.toISOString()).toBe('2026-11-25T06:15:22.007Z');
    expect(toDate('2026-11-25 06:15:22')?.toISOString()).toBe('2026-11-25T06:15:22.000Z');
    expect(toDate(at)).toBe(at);
    expect(toDate(null)).toBeNull();
  });

  it('expands an array value into a list of placeholders, and an empty one into NULL', () => {
    expect(prepareSql('SELECT * FROM t WHERE a = ? AND id IN (?) AND b < ?', [1, [7, 8, 9], new Date(0)])).toEqual({
      sql: 'SELECT * FROM t WHERE a = ? AND id IN (?, ?, ?) AND b < ?',
      params: [1, 7, 8, 9, '1970-01-01 00:00:00.000'],
    });
    expect(prepareSql('SELECT * FROM t WHERE id IN (?)', [[]])).toEqual({
      sql: 'SELECT * FROM t WHERE id IN (NULL)',
      params: [],
    });
    expect(prepareSql('SELECT ?', [2])).toEqual({ sql: 'SELECT ?', params: [2] });
  });
});

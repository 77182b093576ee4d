import { leadingComment, parseWindow, QueryParameterError, readQueryFiles, renderQuery, UnknownQueryError } from '../../../infra/analytics/render-query';

const tables = { events: '"db"."events"', decisions: '"db"."decisions"' };
const parameters = { from: '2026-12-01', to: '2026-12-07', windowHours: 36 };

describe('renderQuery', () => {
  it('writes literals for DuckDB and the CLI, the window in hours and in whole days rounded up', () => {
    // Act
    const { sql, parameters: bound } = renderQuery('SELECT {{window_hours}}, {{window_days}} FROM {{events}} WHERE d BETWEEN {{from}} AND {{to}}', { tables, parameters, style: 'literal' });

    // Assess
    expect(sql).toBe(`SELECT 36, 2 FROM "db"."events" WHERE d BETWEEN '2026-12-01' AND '2026-12-07'`);
    expect(bound).toEqual([]);
  });

  it('writes ? for Athena, with the literals in order of appearance, and leaves comments alone', () => {
    // Act
    const { sql, parameters: bound } = renderQuery('-- {{from}} is the first day\nSELECT {{to}}, {{from}} FROM {{decisions}} -- {{window_hours}}', { tables, parameters, style: 'positional' });

    // Assess
    expect(sql).toBe('-- {{from}} is the first day\nSELECT ?, ? FROM "db"."decisions" -- {{window_hours}}');
    expect(bound).toEqual(["'2026-12-07'", "'2026-12-01'"]);
  });

  it('refuses unknown placeholders and malformed parameters', () => {
    expect(() => renderQuery('SELECT {{nope}}', { tables, parameters, style: 'literal' })).toThrow(UnknownQueryError);
    expect(() => renderQuery('SELECT {{from}}', { tables, parameters: { ...parameters, from: "2026-12-01'; DROP" }, style: 'literal' })).toThrow(QueryParameterError);
    expect(() => renderQuery('SELECT {{from}}', { tables, parameters: { ...parameters, from: '2026-12-08' }, style: 'literal' })).toThrow(QueryParameterError);
    expect(() => renderQuery('SELECT {{from}}', { tables, style: 'literal' })).toThrow(QueryParameterError);
  });

  it('renders every query file in both styles', () => {
    for (const file of readQueryFiles()) {
      expect(renderQuery(file.sql, { tables, parameters, style: 'literal' }).sql).not.toMatch(/^[^-\n]*\{\{/m);
      expect(leadingComment(file.sql).length).toBeGreaterThan(20);
    }
  });
});

describe('parseWindow', () => {
  it.each([
    ['3d', 72],
    ['36h', 36],
    ['2', 48],
  ])('%s is %i hours', (text, hours) => expect(parseWindow(text)).toBe(hours));

  it.each(['0d', '3w', '-1d', 'three'])('refuses %s', (text) => expect(() => parseWindow(text)).toThrow(QueryParameterError));
});

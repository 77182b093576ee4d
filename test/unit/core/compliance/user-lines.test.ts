import { lineMentionsUser, splitUserLines } from '../../../../layers/core/compliance/user-lines';

describe('lineMentionsUser', () => {
  it.each([
    ['{"type":"page_view","userId":"ann"}', true],
    ['{"type":"identify","anonymousId":"ann"}', true],
    ['{"type":"page_view","userId":"annabel"}', false],
    ['{"type":"page_view","properties":{"query":"ann"}}', true],
    ['USER_ID,ITEM_ID,TIMESTAMP', false],
    ['ann,HOME-1,1764547200', true],
    ['"ann",HOME-1,1764547200', true],
    ['annabel,HOME-1,1764547200', false],
  ])('%s → %s', (line, expected) => {
    expect(lineMentionsUser(line, 'ann')).toBe(expected);
  });

  it('finds ids that JSON escapes', () => {
    expect(lineMentionsUser(JSON.stringify({ userId: 'a"b\\c' }), 'a"b\\c')).toBe(true);
  });
});

describe('splitUserLines', () => {
  it('keeps the other lines in order, with their trailing newline', () => {
    const text = '{"userId":"bob"}\n{"userId":"ann"}\n{"userId":"cy"}\n';
    expect(splitUserLines(text, 'ann')).toEqual({ kept: '{"userId":"bob"}\n{"userId":"cy"}\n', removed: ['{"userId":"ann"}'] });
  });

  it('changes nothing when the user is not there', () => {
    expect(splitUserLines('{"userId":"annabel"}\n', 'ann')).toEqual({ removed: [] });
    expect(splitUserLines('{"userId":"bob"}\n', 'ann')).toEqual({ removed: [] });
  });
});

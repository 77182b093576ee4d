/**
 * Finding a user in newline-delimited text (the events archive, the decisions export, Personalize's CSV
 * exports). A line belongs to the user when the id appears in it as a whole JSON string (any field:
 * `userId`, `anonymousId`, or one a later event type adds) or as a whole CSV field. Matching the token
 * rather than one field errs towards erasing: a line that merely mentions the user goes too.
 */
export const lineMentionsUser = (line: string, userId: string): boolean => {
  if (line.includes(JSON.stringify(userId))) return true;
  return !line.startsWith('{') && line.includes(userId) && line.split(',').some((field) => unquote(field.trim()) === userId);
};

const unquote = (field: string): string => (field.length >= 2 && field.startsWith('"') && field.endsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field);

/** The text without the user's lines, and those lines; `kept` is undefined when nothing changes. */
export const splitUserLines = (text: string, userId: string): { kept?: string; removed: string[] } => {
  if (!text.includes(userId)) return { removed: [] };
  const removed: string[] = [];
  const kept: string[] = [];
  for (const line of text.split('\n')) (line && lineMentionsUser(line, userId) ? removed : kept).push(line);
  return removed.length === 0 ? { removed } : { kept: kept.join('\n'), removed };
};

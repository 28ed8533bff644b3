// Quotes the facilitator picks from transcripts for presenter mode. They live in this
// browser's localStorage, one list per session (key parley.quotes.<CODE>), never on the server:
// another browser or a private window starts with none. Each keeps the line's text, the
// speaker's name and role, so the slides need no transcript; the slides hide the name unless
// the facilitator shows it.

/**
 * @typedef {object} Quote
 * @property {string} id        match id, time and seat: one line of one transcript
 * @property {string} match_id
 * @property {number} match_no  1-based number of the match in the debrief table (0 if unknown)
 * @property {number} at        when the line was written (ms)
 * @property {number} seat
 * @property {string} name      who wrote it (hidden on the slides by default)
 * @property {string} role      their role's name
 * @property {string} text      the line itself
 */

/** @param {string} code */
const key = (code) => `parley.quotes.${code}`;

/**
 * The id of a transcript line as a quote.
 * @param {string} matchId
 * @param {number} at
 * @param {number} seat
 */
export function quoteId(matchId, at, seat) {
  return `${matchId}|${at}|${seat}`;
}

/**
 * The quotes picked in this session, in the order they were picked.
 * @param {string} code
 * @returns {Quote[]}
 */
export function loadQuotes(code) {
  try {
    const raw = localStorage.getItem(key(code));
    const list = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(list)) return [];
    return list
      .filter((q) => q && typeof q === 'object' && typeof q.id === 'string' && typeof q.text === 'string')
      .map((q) => ({
        id: q.id,
        match_id: String(q.match_id || ''),
        match_no: Number(q.match_no) || 0,
        at: Number(q.at) || 0,
        seat: Number(q.seat) || 0,
        name: String(q.name || ''),
        role: String(q.role || ''),
        text: q.text,
      }));
  } catch {
    return [];
  }
}

/**
 * @param {string} code
 * @param {Quote[]} list
 * @returns {boolean} whether the browser kept it
 */
function saveQuotes(code, list) {
  try {
    if (list.length) localStorage.setItem(key(code), JSON.stringify(list));
    else localStorage.removeItem(key(code));
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks a line, or puts it back when it was picked: whether it is picked now.
 * @param {string} code
 * @param {Quote} quote
 */
export function toggleQuote(code, quote) {
  const list = loadQuotes(code);
  const i = list.findIndex((q) => q.id === quote.id);
  if (i >= 0) list.splice(i, 1);
  else list.push(quote);
  saveQuotes(code, list);
  return i < 0;
}

/**
 * @param {string} code
 * @param {string} id
 */
export function isPicked(code, id) {
  return loadQuotes(code).some((q) => q.id === id);
}

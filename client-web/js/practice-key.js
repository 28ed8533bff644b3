// The learner's private practice key: 128 random bits kept in this browser's storage, sent when
// joining the practice pool so the server can link those matches to the learner's history (it
// stores only the key's SHA-256). No account and no e-mail: the recovery link, which carries the
// key after `#` (never sent to a server), brings the history to another browser.

const STORAGE = 'parley.practiceKey';
const KEY_SHAPE = /^[0-9a-f]{32}$/;

/** @returns {string | null} this browser's practice key, if it has one */
export function storedPracticeKey() {
  try {
    const k = localStorage.getItem(STORAGE);
    return k && KEY_SHAPE.test(k) ? k : null;
  } catch {
    return null;
  }
}

/** @returns {string | null} this browser's practice key, made now when it has none (null: storage is off) */
export function practiceKey() {
  const old = storedPracticeKey();
  if (old) return old;
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const key = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  try {
    localStorage.setItem(STORAGE, key);
  } catch {
    return null;
  }
  return key;
}

/**
 * Keeps `key` as this browser's practice key (from a recovery link).
 * @param {string} key
 * @returns {boolean} whether it was a key and could be kept
 */
export function adoptPracticeKey(key) {
  const k = key.trim().toLowerCase();
  if (!KEY_SHAPE.test(k)) return false;
  try {
    localStorage.setItem(STORAGE, k);
    return true;
  } catch {
    return false;
  }
}

/** Forgets this browser's practice key (after the history was deleted). */
export function forgetPracticeKey() {
  try {
    localStorage.removeItem(STORAGE);
  } catch {
    /* storage is off: nothing was kept */
  }
}

/**
 * The link that opens the history in any browser.
 * @param {string} key
 */
export function recoveryLink(key) {
  return `${location.origin}/progress#key=${key}`;
}

/** @returns {string | null} a key carried by this page's address (`#key=...`), if any */
export function keyInAddress() {
  const m = /(?:^#|&)key=([0-9a-fA-F]{32})(?:&|$)/.exec(location.hash);
  return m ? m[1].toLowerCase() : null;
}

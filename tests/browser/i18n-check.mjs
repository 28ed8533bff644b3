// Catalog check for the web client (run by typecheck.sh, so by the test command): fails when
// - a language's catalog lacks a key English has, has one English lacks, or leaves one empty;
// - a translation's {placeholders} differ from English's;
// - a key is defined in two areas of one language (one would silently hide the other);
// - the code uses a key (t('…'), tn('…'), data-i18n="…", data-i18n-attr="attr:…") that English lacks
//   (tn keys need at least `.other`);
// - English has a key the code never names: not as a quoted string ('area.key', a tn base for
//   `area.key.one`/`.other`, data-i18n) nor under a prefix the code builds keys from
//   (`common.tactic.${label}`).
// Plain Node, no dependencies: the catalogs are ES modules imported as they are.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.resolve(here, '..', '..', 'client-web');
const I18N = path.join(CLIENT, 'js', 'i18n');
const problems = [];

/** @returns {Promise<Record<string, Record<string, string>>>} area -> key -> text */
async function loadAreas(lang) {
  const areas = {};
  for (const file of fs.readdirSync(path.join(I18N, lang)).filter((f) => f.endsWith('.js') && f !== 'index.js')) {
    const mod = await import(pathToFileURL(path.join(I18N, lang, file)).href);
    areas[file.replace(/\.js$/, '')] = mod.default;
  }
  return areas;
}

const placeholders = (text) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

const langs = fs.readdirSync(I18N).filter((d) => fs.statSync(path.join(I18N, d)).isDirectory());
const merged = {};
for (const lang of langs) {
  merged[lang] = {};
  for (const [area, strings] of Object.entries(await loadAreas(lang))) {
    for (const [key, text] of Object.entries(strings)) {
      if (key in merged[lang]) problems.push(`${lang}: key ${key} defined twice (again in ${area}.js)`);
      if (typeof text !== 'string' || text.trim() === '') problems.push(`${lang}: ${key} is empty`);
      merged[lang][key] = text;
    }
  }
  const index = await import(pathToFileURL(path.join(I18N, lang, 'index.js')).href);
  if (Object.keys(index.default).length !== Object.keys(merged[lang]).length) {
    problems.push(`${lang}: index.js does not include every area file`);
  }
}

const en = merged.en || {};
for (const lang of langs.filter((l) => l !== 'en')) {
  for (const key of Object.keys(en)) {
    if (!(key in merged[lang])) problems.push(`${lang}: missing ${key}`);
    else if (placeholders(en[key]) !== placeholders(merged[lang][key])) {
      problems.push(`${lang}: ${key} has placeholders {${placeholders(merged[lang][key])}}, English {${placeholders(en[key])}}`);
    }
  }
  for (const key of Object.keys(merged[lang])) if (!(key in en)) problems.push(`${lang}: ${key} is not in English`);
}

/** Every file of the client except the catalogs and the generated types. */
function clientFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== I18N) out.push(...clientFiles(full));
    } else if (/\.(js|html)$/.test(entry.name) && entry.name !== 'types.js') out.push(full);
  }
  return out;
}

let uses = 0;
/** Every quoted dotted name in the code, and every prefix a template string builds a key from. */
const named = new Set();
const prefixes = new Set();
for (const file of clientFiles(CLIENT)) {
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(CLIENT, file);
  for (const m of text.matchAll(/['"`]([a-z]+(?:\.[A-Za-z0-9_-]+)+)['"`]/g)) named.add(m[1]);
  for (const m of text.matchAll(/data-i18n(?:-attr)?="([^"]+)"/g)) {
    for (const pair of m[1].split(';')) named.add((pair.includes(':') ? pair.split(':')[1] : pair).trim());
  }
  for (const m of text.matchAll(/`([a-z]+(?:\.[A-Za-z0-9_-]+)*\.)\$\{/g)) prefixes.add(m[1]);
  for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g)) {
    uses += 1;
    if (!(m[1] in en)) problems.push(`${rel}: t('${m[1]}') is not in the English catalog`);
  }
  for (const m of text.matchAll(/\btn\(\s*'([^']+)'/g)) {
    uses += 1;
    if (!(`${m[1]}.other` in en)) problems.push(`${rel}: tn('${m[1]}') has no ${m[1]}.other in the English catalog`);
  }
  for (const m of text.matchAll(/data-i18n="([^"]+)"/g)) {
    uses += 1;
    if (!(m[1] in en)) problems.push(`${rel}: data-i18n="${m[1]}" is not in the English catalog`);
  }
  for (const m of text.matchAll(/data-i18n-attr="([^"]+)"/g)) {
    for (const pair of m[1].split(';')) {
      const key = (pair.split(':')[1] || '').trim();
      uses += 1;
      if (!(key in en)) problems.push(`${rel}: data-i18n-attr key ${key} is not in the English catalog`);
    }
  }
}

const PLURAL = /\.(zero|one|two|few|many|other)$/;
for (const key of Object.keys(en)) {
  const used =
    named.has(key) || named.has(key.replace(PLURAL, '')) || [...prefixes].some((prefix) => key.startsWith(prefix));
  if (!used) problems.push(`en: ${key} is never used in the code`);
}

if (problems.length) {
  console.error(`i18n: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`i18n: ${langs.length} languages, ${Object.keys(en).length} keys each, ${uses} uses in the code, all present`);

// The language picker of the player and progress pages: a <select> of the languages Parley
// speaks. A choice is remembered (./i18n.js) and the page reloads in it: every page restores what
// it shows from the server (a player's seat from the token this browser keeps).

import { LANGUAGES, language, setLanguage } from './i18n.js';

/** @param {HTMLSelectElement} select */
export function setupLanguagePicker(select) {
  for (const [code, name] of Object.entries(LANGUAGES)) {
    const option = document.createElement('option');
    option.value = code;
    option.lang = code;
    option.textContent = name;
    select.appendChild(option);
  }
  select.value = language();
  select.addEventListener('change', () => {
    setLanguage(select.value);
    // A `?lang=` in the address would win over the choice just made: drop it.
    const url = new URL(location.href);
    if (url.searchParams.has('lang')) {
      url.searchParams.delete('lang');
      location.replace(url.href);
    } else {
      location.reload();
    }
  });
}

// The set-up form: scenario, title, durations, pairing, small-talk treatment or treatment arms,
// the survey's items, reveal, coaching, dropout.

import { h, replace, paragraphs, show, $ } from '../dom.js';
import { t, tn } from '../i18n.js';
import { ApiError, getScenarios, getSurveyBank, createSession, apiErrorSentence } from './api.js';
import { ArmsEditor, SurveyEditor } from './design.js';
import { mountTeamsSetup, readTeams } from './teams.js';

/** @typedef {import('./shapes.js').ScenarioListing} ScenarioListing */
/** @typedef {import('./shapes.js').CreatedSession} CreatedSession */

const PHASE_KEYS = /** @type {const} */ (['prep', 'small_talk', 'bargaining', 'survey']);

/** @param {number} seconds */
function minutes(seconds) {
  const m = Number(seconds) / 60;
  return String(Math.round(m * 100) / 100);
}

/**
 * The form's named controls (radio groups and the coaching box).
 * @typedef {HTMLFormControlsCollection & {small_talk: RadioNodeList, pairing: RadioNodeList, reveal: RadioNodeList, dropout: RadioNodeList, coaching: HTMLInputElement}} SetupControls
 */

/**
 * Shows the form; calls onCreated after POST /api/sessions succeeded.
 * @param {{onCreated: (answer: CreatedSession, scenario: ScenarioListing, title: string) => void}} o
 */
export async function startSetup({ onCreated }) {
  const form = /** @type {HTMLFormElement} */ ($('#setup-form'));
  const controls = /** @type {SetupControls} */ (form.elements);
  const select = /** @type {HTMLSelectElement} */ ($('[data-testid="setup-scenario"]'));
  const info = $('[data-testid="setup-scenario-info"]');
  const error = $('[data-testid="setup-error"]');
  const submit = /** @type {HTMLButtonElement} */ ($('[data-testid="setup-submit"]'));
  /** @type {ScenarioListing[]} */
  let scenarios = [];
  const armsBox = $('#setup-arms');
  const armsEditor = new ArmsEditor();
  armsBox.appendChild(armsEditor.el);
  const surveyEditor = new SurveyEditor();
  $('#setup-survey').appendChild(surveyEditor.el);
  mountTeamsSetup(form);
  let bankLoaded = false;
  getSurveyBank()
    .then((bank) => {
      surveyEditor.setBank(bank);
      bankLoaded = true;
    })
    .catch((e) => {
      // Without the bank the session keeps the default survey.
      surveyEditor.bankList.textContent = t('console.setup.bank_failed', { reason: apiErrorSentence(e) });
    });

  const showError = (/** @type {string} */ text) => {
    error.textContent = text || '';
    show(error, !!text);
  };

  const renderInfo = () => {
    const sc = scenarios.find((x) => x.id === select.value);
    if (!sc) {
      replace(info);
      return;
    }
    const roles = (sc.roles || []).map((r) => r.name).join(', ');
    replace(
      info,
      h('p', { class: 'scenario-title' }, sc.title),
      h(
        'p',
        { class: 'small muted' },
        `${tn('console.setup.roles', (sc.roles || []).length, { names: roles })} · ${tn('console.setup.issues', sc.issues)}`,
      ),
      h('div', { class: 'summary prose', testid: 'setup-scenario-summary' }, paragraphs(sc.summary)),
    );
    for (const k of PHASE_KEYS) {
      const input = /** @type {HTMLInputElement} */ ($(`#setup-duration-${k}`));
      const seconds = sc.phases && sc.phases[k];
      if (seconds != null) input.value = minutes(seconds);
    }
  };

  const treatmentChanged = () => {
    const none = controls.small_talk.value === 'none';
    const st = /** @type {HTMLInputElement} */ ($('#setup-duration-small_talk'));
    st.disabled = none;
    show(armsBox, controls.small_talk.value === 'arms');
  };

  select.addEventListener('change', renderInfo);
  for (const r of form.querySelectorAll('input[name="small_talk"]')) r.addEventListener('change', treatmentChanged);

  try {
    scenarios = await getScenarios();
  } catch (e) {
    showError(t('console.setup.scenarios_failed', { reason: apiErrorSentence(e) }));
    replace(select, h('option', { value: '' }, t('console.setup.no_scenarios')));
    return;
  }
  scenarios.sort((a, b) => String(a.title).localeCompare(String(b.title)));
  replace(
    select,
    scenarios.map((sc) => h('option', { value: sc.id }, t('console.setup.scenario_option', { title: sc.title, roles: tn('console.setup.role_count', (sc.roles || []).length) }))),
  );
  const wanted = new URLSearchParams(location.search).get('scenario');
  if (wanted && scenarios.some((x) => x.id === wanted)) select.value = wanted;
  renderInfo();
  treatmentChanged();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError('');
    const sc = scenarios.find((x) => x.id === select.value);
    if (!sc) {
      showError(t('console.setup.choose_scenario'));
      select.focus();
      return;
    }
    /** @type {Record<string, number>} */
    const durations = {};
    for (const k of PHASE_KEYS) {
      const input = /** @type {HTMLInputElement} */ ($(`#setup-duration-${k}`));
      const v = Number(input.value);
      if (input.disabled) {
        durations[k] = (sc.phases && sc.phases[k]) ?? 0;
        continue;
      }
      if (input.value.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1440 || (k === 'bargaining' && v <= 0)) {
        showError(
          k === 'bargaining'
            ? t('console.setup.bargaining_duration')
            : t('console.setup.phase_duration', { label: $(`label[for="setup-duration-${k}"]`).textContent || k }),
        );
        input.focus();
        return;
      }
      durations[k] = Math.round(v * 60);
    }
    const graceInput = /** @type {HTMLInputElement} */ ($('#setup-grace'));
    const grace = Number(graceInput.value || 0);
    if (!Number.isFinite(grace) || grace < 0 || grace > 1440) {
      showError(t('console.setup.grace'));
      $('#setup-grace').focus();
      return;
    }
    const arms = controls.small_talk.value === 'arms';
    const treatment = arms ? armsEditor.read() : null;
    if (treatment && treatment.error !== undefined) {
      showError(treatment.error);
      if (treatment.field) treatment.field.focus();
      return;
    }
    const survey = bankLoaded ? surveyEditor.read() : null;
    if (survey && survey.error !== undefined) {
      showError(survey.error);
      if (survey.field) survey.field.focus();
      return;
    }
    const body = {
      scenario: sc.id,
      title: /** @type {HTMLInputElement} */ ($('#setup-title')).value.trim(),
      durations,
      pairing: controls.pairing.value,
      ...readTeams(form),
      // With arms, small talk is what each arm says (on unless an arm turns it off).
      small_talk: arms ? 'all' : controls.small_talk.value,
      ...(treatment ? { treatment: treatment.value } : {}),
      ...(survey ? { survey: survey.value } : {}),
      reveal: controls.reveal.value,
      dropout: controls.dropout.value,
      grace_seconds: Math.round(grace * 60),
      coaching: controls.coaching.checked,
    };
    submit.disabled = true;
    submit.textContent = t('console.setup.creating');
    const keyInput = /** @type {HTMLInputElement} */ ($('#setup-admin-key'));
    try {
      const keyField = $('[data-testid="setup-admin-key-field"]');
      const answer = await createSession(body, keyField.hidden ? '' : keyInput.value);
      onCreated(answer, sc, body.title);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'admin_key_required') {
        const keyField = $('[data-testid="setup-admin-key-field"]');
        const first = keyField.hidden;
        show(keyField, true);
        showError(first ? t('console.setup.admin_key_needed') : t('console.setup.admin_key_wrong'));
        keyInput.focus();
      } else {
        showError(t('console.setup.not_created', { reason: apiErrorSentence(e) }));
      }
      submit.disabled = false;
      submit.textContent = t('console.setup.create');
    }
  });
}

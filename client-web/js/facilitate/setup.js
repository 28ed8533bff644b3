// The set-up form: scenario, title, durations, pairing, small-talk treatment or treatment arms,
// the survey's items, reveal, coaching, dropout.

import { h, replace, paragraphs, show, $ } from '../dom.js';
import { getScenarios, getSurveyBank, createSession, apiErrorSentence } from './api.js';
import { ArmsEditor, SurveyEditor } from './design.js';
import { mountTeamsSetup, readTeams } from './teams.js';

const PHASE_KEYS = ['prep', 'small_talk', 'bargaining', 'survey'];

function minutes(seconds) {
  const m = Number(seconds) / 60;
  return String(Math.round(m * 100) / 100);
}

/**
 * Shows the form; calls onCreated(answer, scenario) after POST /api/sessions succeeded.
 */
export async function startSetup({ onCreated }) {
  const form = $('#setup-form');
  const select = $('[data-testid="setup-scenario"]');
  const info = $('[data-testid="setup-scenario-info"]');
  const error = $('[data-testid="setup-error"]');
  const submit = $('[data-testid="setup-submit"]');
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
      surveyEditor.bankList.textContent = `Could not load the survey questions (${apiErrorSentence(e)}): the session will ask the usual five.`;
    });

  const showError = (text) => {
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
        `${(sc.roles || []).length} roles (${roles}) · ${sc.issues} issues`,
      ),
      h('div', { class: 'summary prose', testid: 'setup-scenario-summary' }, paragraphs(sc.summary)),
    );
    for (const k of PHASE_KEYS) {
      const input = $(`#setup-duration-${k}`);
      if (sc.phases && sc.phases[k] != null) input.value = minutes(sc.phases[k]);
    }
  };

  const treatmentChanged = () => {
    const none = form.elements.small_talk.value === 'none';
    const st = $('#setup-duration-small_talk');
    st.disabled = none;
    show(armsBox, form.elements.small_talk.value === 'arms');
  };

  select.addEventListener('change', renderInfo);
  for (const r of form.querySelectorAll('input[name="small_talk"]')) r.addEventListener('change', treatmentChanged);

  try {
    scenarios = await getScenarios();
  } catch (e) {
    showError(`Could not load the scenarios: ${apiErrorSentence(e)}`);
    replace(select, h('option', { value: '' }, 'No scenarios'));
    return;
  }
  scenarios.sort((a, b) => String(a.title).localeCompare(String(b.title)));
  replace(
    select,
    scenarios.map((sc) => h('option', { value: sc.id }, `${sc.title} (${(sc.roles || []).length} roles)`)),
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
      showError('Choose a scenario.');
      select.focus();
      return;
    }
    const durations = {};
    for (const k of PHASE_KEYS) {
      const input = $(`#setup-duration-${k}`);
      const v = Number(input.value);
      if (input.disabled) {
        durations[k] = sc.phases && sc.phases[k] != null ? sc.phases[k] : 0;
        continue;
      }
      if (input.value.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1440 || (k === 'bargaining' && v <= 0)) {
        showError(
          k === 'bargaining'
            ? 'Bargaining needs a duration between 0.5 and 1440 minutes.'
            : `Each phase lasts 0 to 1440 minutes: check “${$(`label[for="setup-duration-${k}"]`).textContent}”.`,
        );
        input.focus();
        return;
      }
      durations[k] = Math.round(v * 60);
    }
    const grace = Number($('#setup-grace').value || 0);
    if (!Number.isFinite(grace) || grace < 0 || grace > 1440) {
      showError('The grace period is 0 to 1440 minutes.');
      $('#setup-grace').focus();
      return;
    }
    const arms = form.elements.small_talk.value === 'arms';
    const treatment = arms ? armsEditor.read() : null;
    if (treatment && treatment.error) {
      showError(treatment.error);
      if (treatment.field) treatment.field.focus();
      return;
    }
    const survey = bankLoaded ? surveyEditor.read() : null;
    if (survey && survey.error) {
      showError(survey.error);
      if (survey.field) survey.field.focus();
      return;
    }
    const body = {
      scenario: sc.id,
      title: $('#setup-title').value.trim(),
      durations,
      pairing: form.elements.pairing.value,
      ...readTeams(form),
      // With arms, small talk is what each arm says (on unless an arm turns it off).
      small_talk: arms ? 'all' : form.elements.small_talk.value,
      ...(treatment ? { treatment: treatment.value } : {}),
      ...(survey ? { survey: survey.value } : {}),
      reveal: form.elements.reveal.value,
      dropout: form.elements.dropout.value,
      grace_seconds: Math.round(grace * 60),
      coaching: form.elements.coaching.checked,
    };
    submit.disabled = true;
    submit.textContent = 'Creating…';
    try {
      const keyField = $('[data-testid="setup-admin-key-field"]');
      const answer = await createSession(body, keyField.hidden ? '' : $('#setup-admin-key').value);
      onCreated(answer, sc, body);
    } catch (e) {
      if (e && e.code === 'admin_key_required') {
        const keyField = $('[data-testid="setup-admin-key-field"]');
        const first = keyField.hidden;
        show(keyField, true);
        showError(first ? 'This server needs its administrator key to create a session: enter it and try again.' : 'That administrator key was not accepted.');
        $('#setup-admin-key').focus();
      } else {
        showError(`The session was not created: ${apiErrorSentence(e)}`);
      }
      submit.disabled = false;
      submit.textContent = 'Create session';
    }
  });
}

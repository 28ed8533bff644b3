// An ordered list of issues with up/down buttons: keyboard and phone friendly. Used for the
// perspective-taking questions (in prep and in the survey).

import { h, clear } from './dom.js';
import { t, num } from './i18n.js';

/** @typedef {{id: string, name: string}} PriorityItem */

export class PriorityList {
  /**
   * @param {PriorityItem[]} issues
   * @param {{testid?: string, prefix?: string, onChange?: () => void}} [opts] `testid`: the list's; `prefix`: of the
   *   buttons' test ids (`${prefix}-up-<id>`); `onChange`: after a move
   */
  constructor(issues, opts = {}) {
    this.order = issues.map((i) => ({ id: i.id, name: i.name }));
    this.opts = opts;
    this.prefix = opts.prefix || 'priority';
    this.touched = false;
    this.disabled = false;
    this.el = h('ol', { class: 'priority-list', testid: opts.testid });
    this.render();
  }

  ids() {
    return this.order.map((i) => i.id);
  }

  /** @param {string[]} ids */
  setOrder(ids) {
    /** @type {Record<string, PriorityItem>} */
    const byId = Object.fromEntries(this.order.map((i) => [i.id, i]));
    if (!Array.isArray(ids) || ids.length !== this.order.length || !ids.every((id) => byId[id])) return;
    this.order = ids.map((id) => byId[id]);
    this.render();
  }

  /** @param {boolean} disabled */
  setDisabled(disabled) {
    this.disabled = disabled;
    this.render();
  }

  /** @param {string[]} [focus] test ids of buttons to focus, the first enabled one */
  render(focus) {
    clear(this.el);
    const n = this.order.length;
    this.order.forEach((item, i) => {
      const upId = `${this.prefix}-up-${item.id}`;
      const downId = `${this.prefix}-down-${item.id}`;
      const up = h(
        'button',
        { type: 'button', class: 'icon-button', testid: upId, disabled: this.disabled || i === 0, 'aria-label': t('common.priority.up', { issue: item.name }) },
        '↑',
      );
      const down = h(
        'button',
        { type: 'button', class: 'icon-button', testid: downId, disabled: this.disabled || i === n - 1, 'aria-label': t('common.priority.down', { issue: item.name }) },
        '↓',
      );
      up.addEventListener('click', () => this.move(i, -1, upId, downId));
      down.addEventListener('click', () => this.move(i, 1, downId, upId));
      this.el.appendChild(
        h(
          'li',
          { class: 'priority-item', 'data-issue': item.id },
          h('span', { class: 'priority-rank', 'aria-hidden': 'true' }, num(i + 1)),
          h('span', { class: 'priority-name' }, item.name),
          h('span', { class: 'priority-buttons' }, up, down),
        ),
      );
    });
    if (focus) {
      // Keep the keyboard focus on the moved item's button (or its other button at an end).
      for (const id of focus) {
        const el = /** @type {HTMLButtonElement | null} */ (this.el.querySelector(`[data-testid="${id}"]`));
        if (el && !el.disabled) {
          el.focus();
          break;
        }
      }
    }
  }

  /**
   * @param {number} i
   * @param {number} delta
   * @param {string} sameId
   * @param {string} otherId
   */
  move(i, delta, sameId, otherId) {
    const j = i + delta;
    if (j < 0 || j >= this.order.length) return;
    const [item] = this.order.splice(i, 1);
    this.order.splice(j, 0, item);
    this.touched = true;
    this.render([sameId, otherId]);
    if (this.opts.onChange) this.opts.onChange();
  }
}

// common strings, es. Keys are dotted names (area.thing); {name} marks a value filled in by t().
export default {
  'common.language': 'Idioma',
  'common.pts.one': '{n} pt',
  'common.pts.other': '{n} pts',
};

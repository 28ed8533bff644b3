// common strings, de. Keys are dotted names (area.thing); {name} marks a value filled in by t().
export default {
  'common.language': 'Sprache',
  'common.pts.one': '{n} Pkt.',
  'common.pts.other': '{n} Pkt.',
};

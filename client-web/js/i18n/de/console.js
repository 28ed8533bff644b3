// console strings, de. Keys are dotted names (area.thing); {name} marks a value filled in by t().
export default {
};

// Every de catalog area in one object (keys are unique across areas: the catalog check enforces it).
import common from './common.js';
import player from './player.js';
import consoleStrings from './console.js';
import teams from './teams.js';
import progress from './progress.js';
import author from './author.js';

export default { ...common, ...player, ...consoleStrings, ...teams, ...progress, ...author };

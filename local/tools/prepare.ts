/**
 * `npm ci` and `npm install` run this (package.json "prepare"): it builds what `npm start`
 * would otherwise build at its first start, the web app (web/dist) and the local stack's
 * synthesized template (.cache/), so that the first start is as quick as the later ones.
 * Either is built again at a start when its sources have changed since, as before.
 */
import { localTemplate } from '../template';
import { PROJECT_ROOT } from '../stack';
import { ensureWebBuilt } from './web';

await ensureWebBuilt(PROJECT_ROOT, (line) => console.log(line));
await localTemplate(PROJECT_ROOT);
console.log('Mallen för den lokala stacken är syntetiserad (.cache/).');

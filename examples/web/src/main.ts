// Entry of the web demo: load the server's config, start one flow session, mount the page.
import { loadConfig } from '../../server/config.js';
import { h } from './dom.js';
import { createFlowSession } from './flowSession.js';
import { createRemoteFlowSession } from './remoteFlowSession.js';
import { demoInspector } from './inspect.js';
import { mountApp } from './app.js';
import { mountPhonePanel } from './phonePanel.js';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lacks #${id}`);
  return element as T;
}

async function boot(): Promise<void> {
  const view = byId('view');
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    view.replaceChildren(h('p', { role: 'alert' }, `The demo could not start: ${error instanceof Error ? error.message : String(error)}`));
    return;
  }
  byId('tenant').textContent =
    (config.mode === 'emulator' ? `embedded emulator (${config.tenant})` : `Auth0 tenant ${config.tenant}`) +
    (config.serverFlows ? ', the flow running on the server' : '');

  if (config.emulatedPhone) mountPhonePanel(byId('phone'));

  const wantsInspector = new URLSearchParams(window.location.search).has('inspect');
  if (wantsInspector && config.serverFlows) {
    // The chart runs on the server: there is no actor in this page to inspect.
    byId('tenant').textContent += ' (no inspector: the chart is not in this page)';
  }
  const inspect = wantsInspector && !config.serverFlows ? demoInspector() : undefined;
  let session;
  try {
    session = config.serverFlows
      ? await createRemoteFlowSession({ config, intent: 'challenge' })
      : await createFlowSession({ config, intent: 'challenge', ...(inspect ? { inspect } : {}) });
  } catch (error) {
    view.replaceChildren(h('p', { role: 'alert' }, `The demo could not start: ${error instanceof Error ? error.message : String(error)}`));
    return;
  }
  mountApp(session, config, {
    view,
    main: byId('main'),
    busy: byId('busy'),
    error: byId('error'),
    status: byId('status'),
    statePath: byId('state-path'),
    stateTags: byId('state-tags'),
    stateHistory: byId<HTMLOListElement>('state-history'),
    restart: byId<HTMLButtonElement>('restart'),
  });
}

void boot();

// What every provider acceptance suite shares: before its tests, the provider built into the mirror
// and the agent started in lab node a on a VG cleared of our LVs; after them, each work directory
// destroyed (when it still has resources) and removed, our LVs removed, the agent stopped.
import { after, before } from 'node:test';
import { removeOurLvs, startLabAgent, type LabAgent } from './lab-agent.js';
import { ensureProvider, HOOK_TIMEOUT, TfWorkdir } from './terraform.js';

export interface LabSuite {
  /** The agent the work directories talk to (the current one after restartAgent). */
  readonly agent: LabAgent;
  /** A new work directory, cleaned up after the suite. */
  workdir(): TfWorkdir;
  /** Starts the agent again (after a test killed it); later work directories use the new one. */
  restartAgent(): Promise<LabAgent>;
}

export function labSuite(): LabSuite {
  let agent: LabAgent | undefined;
  let cliConfig = '';
  const workdirs: TfWorkdir[] = [];

  before(async () => {
    cliConfig = ensureProvider();
    agent = await startLabAgent('a');
    await removeOurLvs('a');
  }, HOOK_TIMEOUT);

  after(async () => {
    for (const w of workdirs) {
      if (w.state().resources?.length) await w.run('destroy', '-auto-approve', '-input=false');
      w.cleanup();
    }
    await removeOurLvs('a').catch(() => {});
    await agent?.stop();
  }, HOOK_TIMEOUT);

  const current = (): LabAgent => {
    if (!agent) throw new Error('the suite\'s agent is not started (before() has not run)');
    return agent;
  };
  return {
    get agent() {
      return current();
    },
    workdir() {
      const w = new TfWorkdir(cliConfig, { SHAREDLVM_ENDPOINT: current().url, SHAREDLVM_TOKEN: current().token });
      workdirs.push(w);
      return w;
    },
    async restartAgent() {
      await current().stop();
      agent = await startLabAgent('a');
      return agent;
    },
  };
}

// An Lvm stand-in for HostService unit tests: LV rows in memory, every Lvm call recorded as
// [method, ...arguments], activation reflected in lv_attr (state 'a', 'R' for read-only).
import { pino } from 'pino';
import { validateConfig } from '../../../../../agent/src/lib/config/load.js';
import { HostService } from '../../../../../agent/src/lib/host/activation.js';
import { Lvm, type ActivationMode, type ActivationOptions } from '../../../../../agent/src/lib/lvm/commands.js';
import type { LvRow } from '../../../../../agent/src/lib/lvm/report.js';
import { Runner } from '../../../../../agent/src/lib/lvm/runner.js';

export function lv(name: string, attr: string, fields: Partial<LvRow> = {}): LvRow {
  return {
    vg_name: 'labvg', lv_name: name, lv_uuid: `uuid-${name}`, lv_attr: attr, lv_size: 64, origin: '', origin_size: null,
    pool_lv: '', data_percent: null, metadata_percent: null, lv_tags: [], lv_time: '', devices: '', move_pv: '',
    copy_percent: null, ...fields,
  };
}

const setAttr = (row: LvRow, index: number, char: string) => {
  row.lv_attr = row.lv_attr.slice(0, index) + char + row.lv_attr.slice(index + 1);
};

export class StandInLvm extends Lvm {
  readonly calls: unknown[][] = [];
  readonly rows: Map<string, LvRow>;
  constructor(rows: LvRow[]) {
    super(new Runner({ lvmPath: '/nonexistent/lvm' }));
    this.rows = new Map(rows.map((row) => [row.lv_name, { ...row }]));
  }
  override async lvs(): Promise<LvRow[]> {
    return [...this.rows.values()].map((row) => ({ ...row }));
  }
  override async activate(vg: string, names: readonly string[], mode: ActivationMode, options: ActivationOptions = {}) {
    this.calls.push(['activate', vg, names, mode, options]);
    for (const name of names) {
      setAttr(this.rows.get(name)!, 4, 'a');
      setAttr(this.rows.get(name)!, 1, options.readOnly ? 'R' : 'w');
    }
  }
  override async refresh(vg: string, name: string, options: ActivationOptions = {}) {
    this.calls.push(['refresh', vg, name, options]);
    setAttr(this.rows.get(name)!, 1, options.readOnly ? 'R' : 'w');
  }
  override async deactivate(vg: string, names: readonly string[]) {
    this.calls.push(['deactivate', vg, names]);
    for (const name of names) setAttr(this.rows.get(name)!, 4, '-');
  }
  override async extend(...args: unknown[]) {
    this.calls.push(['extend', ...args]);
  }
  override async createThinSnapshot(spec: Parameters<Lvm['createThinSnapshot']>[0]) {
    this.calls.push(['createThinSnapshot', spec]);
  }
  override async createCowSnapshot(spec: Parameters<Lvm['createCowSnapshot']>[0]) {
    this.calls.push(['createCowSnapshot', spec]);
  }
  override async merge(...args: unknown[]) {
    this.calls.push(['merge', ...args]);
  }
  override async remove(...args: unknown[]) {
    this.calls.push(['remove', ...args]);
  }
  override async pvmove(...args: unknown[]) {
    this.calls.push(['pvmove', ...args]);
  }
}

/** A host-mode HostService without lvmlockd (lock type none: no lock tools run) over `lvm`. */
export function hostWith(lvm: StandInLvm): HostService {
  const config = validateConfig({
    mode: 'host', lock_type: 'none', host_name: 'b', tokens: ['t'.repeat(32)], volume_groups: [{ name: 'labvg' }],
    log_level: 'silent',
  });
  return new HostService({ config, runner: lvm.runner, lvm, logger: pino({ level: 'silent' }) });
}

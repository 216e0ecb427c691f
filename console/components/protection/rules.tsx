import { useEffect, useState } from 'preact/hooks';
import type { ListDto, ProtectionEventDto, ProtectionMode, ProtectionRuleDto } from '../../../protocol/protection.js';
import { api } from '../../api.js';
import { fullTime } from '../../format.js';
import type { ConsoleState } from '../../state.js';
import { Modal } from '../modal.js';
import { describeAction, describeCondition, MODE_LABEL, MODES } from './describe.js';
import { RuleForm, type RuleInput } from './rule-form.js';

/** How far back the dry-run report looks. */
const REPORT_DAYS = 7;

type Pending = { kind: 'edit'; rule: ProtectionRuleDto | null } | { kind: 'delete' | 'report'; rule: ProtectionRuleDto };

/** The one switch's position: every recommended rule in one mode, none yet (off), or mixed. */
function recommendedMode(rules: ProtectionRuleDto[]): ProtectionMode | 'mixed' {
  const modes = new Set(rules.filter((r) => r.preset).map((r) => r.mode));
  if (modes.size === 0) return 'off';
  return modes.size === 1 ? [...modes][0] : 'mixed';
}

/** Admins: the protection rules, the recommended set's switch, and what each rule did or would have done. */
export function ProtectionRules({ s }: { s: ConsoleState }) {
  const [rules, setRules] = useState<ProtectionRuleDto[] | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const put = (r: ProtectionRuleDto) => setRules((list) => (list?.some((x) => x.id === r.id) ? list.map((x) => (x.id === r.id ? r : x)) : [...(list ?? []), r]));
  const fail = (err: unknown) => s.notify((err as Error).message);

  useEffect(() => {
    api<ListDto<ProtectionRuleDto>>('GET', '/protection/rules').then((r) => setRules(r.data), fail);
  }, []);

  async function setMode(rule: ProtectionRuleDto, mode: ProtectionMode) {
    try {
      put(await api<ProtectionRuleDto>('PATCH', `/protection/rules/${rule.id}`, { mode }));
      s.notify(`“${rule.name}” is ${MODE_LABEL[mode].toLowerCase()}.`, 'info');
    } catch (err) {
      fail(err);
    }
  }

  async function setRecommended(mode: ProtectionMode) {
    try {
      (await api<ListDto<ProtectionRuleDto>>('POST', '/protection/recommended', { mode })).data.forEach(put);
      s.notify(`Recommended rules: ${MODE_LABEL[mode].toLowerCase()}.`, 'info');
    } catch (err) {
      fail(err);
    }
  }

  async function save(rule: ProtectionRuleDto | null, input: RuleInput): Promise<string | null> {
    try {
      put(await (rule ? api<ProtectionRuleDto>('PATCH', `/protection/rules/${rule.id}`, input) : api<ProtectionRuleDto>('POST', '/protection/rules', input)));
      s.notify(rule ? 'Rule saved.' : 'Rule created.', 'info');
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  const recommended = rules ? recommendedMode(rules) : 'off';
  return (
    <section class="contacts protection" aria-labelledby="protection-title">
      <div class="contacts-head">
        <h2 id="protection-title">Protection</h2>
        <button type="button" class="btn primary push-right" onClick={() => setPending({ kind: 'edit', rule: null })}>
          New rule
        </button>
      </div>
      <p class="hint protection-intro">
        Rules run on every visitor message, in the same transaction that stores it. Start a rule in dry run to see what it would have done, then switch it on.
      </p>
      <fieldset class="recommended">
        <legend>Recommended set</legend>
        <p class="hint">Same text 5 times in a minute: hold · a lead sending more than 3 links before any reply: hold · 3 rate-limit hits in 10 minutes: block for an hour.</p>
        <div class="segmented">
          {MODES.map((m) => (
            <label key={m} class={recommended === m ? 'on' : undefined}>
              <input type="radio" name="recommended" value={m} checked={recommended === m} onChange={() => void setRecommended(m)} />
              {MODE_LABEL[m]}
            </label>
          ))}
        </div>
        {recommended === 'mixed' && <p class="hint">The recommended rules are in different modes; pick one to set them all.</p>}
      </fieldset>
      {rules === null ? (
        <p class="empty">Loading…</p>
      ) : rules.length === 0 ? (
        <p class="empty">No rules yet. Switch on the recommended set, or create a rule.</p>
      ) : (
        <table class="table rules">
          <caption class="sr-only">Protection rules, in evaluation order</caption>
          <thead>
            <tr>
              {['Rule', 'When', 'Then', 'Mode', ''].map((h) => (
                <th key={h} scope="col">
                  {h || <span class="sr-only">Actions</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id}>
                <td>
                  <strong>{r.name}</strong>
                  {r.preset && <span class="badge">Recommended</span>}
                  {r.description && <p class="hint">{r.description}</p>}
                </td>
                <td>
                  <ul class="cond-list">
                    {r.conditions.map((c, i) => (
                      <li key={i}>{describeCondition(c)}</li>
                    ))}
                  </ul>
                </td>
                <td>{describeAction(r.action)}</td>
                <td>
                  <select class="mode-select" aria-label={`Mode of ${r.name}`} value={r.mode} onChange={(e) => void setMode(r, e.currentTarget.value as ProtectionMode)}>
                    {MODES.map((m) => (
                      <option key={m} value={m}>
                        {MODE_LABEL[m]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <div class="row-actions">
                    <button type="button" class="btn" aria-label={`Report of ${r.name}`} onClick={() => setPending({ kind: 'report', rule: r })}>
                      Report
                    </button>
                    <button type="button" class="btn" aria-label={`Edit ${r.name}`} onClick={() => setPending({ kind: 'edit', rule: r })}>
                      Edit
                    </button>
                    <button type="button" class="btn danger-outline" aria-label={`Delete ${r.name}`} onClick={() => setPending({ kind: 'delete', rule: r })}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pending?.kind === 'edit' && <RuleForm rule={pending.rule} onSave={(input) => save(pending.rule, input)} onClose={() => setPending(null)} />}
      {pending?.kind === 'report' && <RuleReport s={s} rule={pending.rule} onClose={() => setPending(null)} />}
      {pending?.kind === 'delete' && (
        <Modal
          id="delete-rule"
          title={`Delete “${pending.rule.name}”?`}
          submit="Delete"
          danger
          onClose={() => setPending(null)}
          onSubmit={async () => {
            try {
              await api('DELETE', `/protection/rules/${pending.rule.id}`);
              setRules((list) => list && list.filter((x) => x.id !== pending.rule.id));
              return true;
            } catch (err) {
              fail(err);
              return false;
            }
          }}
        >
          <p>The rule stops at once. Messages it held stay held, and blocks it made stay until reversed.</p>
        </Modal>
      )}
    </section>
  );
}

/** What a rule did, or in dry run would have done, over the last days of real traffic. */
function RuleReport({ s, rule, onClose }: { s: ConsoleState; rule: ProtectionRuleDto; onClose: () => void }) {
  const [events, setEvents] = useState<ProtectionEventDto[] | null>(null);
  useEffect(() => {
    const since = new Date(Date.now() - REPORT_DAYS * 86_400_000).toISOString();
    api<ListDto<ProtectionEventDto>>('GET', `/protection/events?ruleId=${rule.id}&limit=100`).then(
      (r) => setEvents(r.data.filter((e) => e.createdAt >= since)),
      (e: Error) => s.notify(e.message),
    );
  }, [rule.id]);
  const dry = events?.filter((e) => e.mode === 'dry_run') ?? [];
  const acted = events?.filter((e) => e.mode === 'enforce') ?? [];
  const contacts = (list: ProtectionEventDto[]) => new Set(list.map((e) => e.contactId)).size;
  const verb = describeAction(rule.action).toLowerCase();
  return (
    <Modal id="report" title={`“${rule.name}”: the last ${REPORT_DAYS} days`} submit={null} close="Close" onClose={onClose}>
      {events === null ? (
        <p>Loading…</p>
      ) : (
        <div class="report">
          <dl class="facts">
            <dt>Would have ({verb}), in dry run</dt>
            <dd>
              {dry.length} time{dry.length === 1 ? '' : 's'}, {contacts(dry)} contact{contacts(dry) === 1 ? '' : 's'}
            </dd>
            <dt>Did, switched on</dt>
            <dd>
              {acted.length} time{acted.length === 1 ? '' : 's'}, {contacts(acted)} contact{contacts(acted) === 1 ? '' : 's'}
            </dd>
          </dl>
          {events.length === 0 ? (
            <p>The rule matched nothing in this time.</p>
          ) : (
            <ol class="report-list" aria-label="Latest matches">
              {events.slice(0, 20).map((e) => (
                <li key={e.id}>
                  <time dateTime={e.createdAt}>{fullTime(e.createdAt)}</time> <span class="badge">{e.mode === 'dry_run' ? 'Dry run' : 'On'}</span>{' '}
                  {e.excerpt ? <q>{e.excerpt}</q> : <span class="hint">{e.trigger === 'rate_limit' ? 'Rate-limit hit' : 'No text'}</span>}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Modal>
  );
}

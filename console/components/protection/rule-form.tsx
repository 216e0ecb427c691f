import { useState } from 'preact/hooks';
import type { ProtectionAction, ProtectionCondition, ProtectionMode, ProtectionRuleDto } from '../../../protocol/protection.js';
import { Modal } from '../modal.js';
import { MODE_LABEL, MODES } from './describe.js';

type ConditionType = ProtectionCondition['type'];

/** Every condition the API knows, its label and its fields (numbers unless told). */
const KINDS: { type: ConditionType; label: string; fields: Field[] }[] = [
  { type: 'pattern', label: 'Text matches a pattern', fields: [{ key: 'pattern', label: 'Pattern (RE2 syntax)', kind: 'text' }, { key: 'caseInsensitive', label: 'Ignore case', kind: 'check' }] },
  { type: 'words', label: 'Text contains words', fields: [{ key: 'words', label: 'Words (comma-separated)', kind: 'text' }] },
  { type: 'links', label: 'Links before an agent replies', fields: [{ key: 'min', label: 'At least this many links' }] },
  { type: 'repeated', label: 'Same text repeated', fields: [{ key: 'count', label: 'Times in a row' }, { key: 'windowSeconds', label: 'Within (seconds)' }] },
  { type: 'length', label: 'Message length', fields: [{ key: 'min', label: 'At least (characters)', optional: true }, { key: 'max', label: 'At most (characters)', optional: true }] },
  { type: 'rateLimitHits', label: 'Rate-limit hits', fields: [{ key: 'count', label: 'Hits' }, { key: 'windowSeconds', label: 'Within (seconds)' }] },
  { type: 'newLeads', label: 'New leads from one address', fields: [{ key: 'by', label: 'Counted by', kind: 'by' }, { key: 'count', label: 'New leads' }, { key: 'windowSeconds', label: 'Within (seconds)' }] },
  { type: 'afterUnblock', label: 'Right after an unblock', fields: [{ key: 'withinSeconds', label: 'Within (seconds)' }] },
  { type: 'contactType', label: 'Contact type', fields: [{ key: 'contactType', label: 'Contact is a', kind: 'contactType' }] },
  { type: 'contactAge', label: 'New contact', fields: [{ key: 'maxSeconds', label: 'Younger than (seconds)' }] },
  { type: 'earlierBlocks', label: 'Blocked before', fields: [{ key: 'min', label: 'At least this many times' }] },
];

interface Field {
  key: string;
  label: string;
  kind?: 'number' | 'text' | 'check' | 'by' | 'contactType';
  optional?: boolean;
}

/** A condition as the form holds it: every value as typed. */
type Draft = { type: ConditionType; values: Record<string, string | boolean> };

const DEFAULTS: Record<ConditionType, Record<string, string | boolean>> = {
  pattern: { pattern: '', caseInsensitive: true }, words: { words: '' }, links: { min: '4' }, repeated: { count: '5', windowSeconds: '60' },
  length: { min: '', max: '' }, rateLimitHits: { count: '3', windowSeconds: '600' }, newLeads: { by: 'ip', count: '10', windowSeconds: '600' },
  afterUnblock: { withinSeconds: '300' }, contactType: { contactType: 'lead' }, contactAge: { maxSeconds: '600' }, earlierBlocks: { min: '1' },
};

const toDraft = (c: ProtectionCondition): Draft => {
  const { type, ...rest } = c;
  const values: Record<string, string | boolean> = { ...DEFAULTS[type] };
  for (const [k, v] of Object.entries(rest)) values[k] = typeof v === 'boolean' ? v : Array.isArray(v) ? v.join(', ') : String(v);
  return { type, values };
};

/** The condition the API takes; numbers stay numbers only when they are (the server says what is wrong). */
function fromDraft(d: Draft): ProtectionCondition {
  const kind = KINDS.find((k) => k.type === d.type)!;
  const out: Record<string, unknown> = { type: d.type };
  for (const f of kind.fields) {
    const v = d.values[f.key];
    if (f.kind === 'check') out[f.key] = v === true;
    else if (f.key === 'words') out.words = String(v).split(',').map((w) => w.trim()).filter(Boolean);
    else if (!f.kind || f.kind === 'number') {
      if (f.optional && String(v).trim() === '') continue;
      out[f.key] = Number(v);
    } else out[f.key] = v;
  }
  return out as ProtectionCondition;
}

export interface RuleInput {
  name: string;
  description: string | null;
  mode: ProtectionMode;
  conditions: ProtectionCondition[];
  action: ProtectionAction;
}

/** Creates or edits a rule: name, every condition the API supports, the action and the mode. */
export function RuleForm({ rule, onSave, onClose }: { rule: ProtectionRuleDto | null; onSave: (input: RuleInput) => Promise<string | null>; onClose: () => void }) {
  const [name, setName] = useState(rule?.name ?? '');
  const [description, setDescription] = useState(rule?.description ?? '');
  const [mode, setMode] = useState<ProtectionMode>(rule?.mode ?? 'dry_run');
  const [conditions, setConditions] = useState<Draft[]>(rule ? rule.conditions.map(toDraft) : [{ type: 'words', values: { ...DEFAULTS.words } }]);
  const [action, setAction] = useState<ProtectionAction['type']>(rule?.action.type ?? 'hold');
  const [seconds, setSeconds] = useState(rule?.action.type === 'temporary_block' ? String(rule.action.seconds) : '3600');
  const [error, setError] = useState<string | null>(null);

  const change = (i: number, d: Draft) => setConditions((list) => list.map((c, j) => (j === i ? d : c)));

  return (
    <Modal
      id="rule"
      title={rule ? `Edit rule “${rule.name}”` : 'New protection rule'}
      submit={rule ? 'Save rule' : 'Create rule'}
      onClose={onClose}
      onSubmit={async () => {
        const err = await onSave({
          name, description: description.trim() || null, mode, conditions: conditions.map(fromDraft),
          action: action === 'temporary_block' ? { type: action, seconds: Number(seconds) } : { type: action },
        });
        setError(err);
        return err === null;
      }}
    >
      <div class="rule-form">
        <label class="field">
          Name
          <input value={name} required maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          Description <span class="hint">(optional)</span>
          <input value={description} maxLength={500} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <fieldset class="conditions">
          <legend>When every condition holds</legend>
          {conditions.map((c, i) => (
            <ConditionRow key={i} index={i} draft={c} onChange={(d) => change(i, d)} onRemove={conditions.length > 1 ? () => setConditions((l) => l.filter((_, j) => j !== i)) : undefined} />
          ))}
          {conditions.length < 10 && (
            <button type="button" class="btn" onClick={() => setConditions((l) => [...l, { type: 'contactType', values: { ...DEFAULTS.contactType } }])}>
              Add condition
            </button>
          )}
        </fieldset>
        <div class="rule-then">
          <label class="field">
            Then
            <select value={action} onChange={(e) => setAction(e.currentTarget.value as ProtectionAction['type'])}>
              <option value="hold">Hold the message for review</option>
              <option value="temporary_block">Block the contact for a while</option>
              <option value="block">Block the contact</option>
            </select>
          </label>
          {action === 'temporary_block' && (
            <label class="field">
              Block for (seconds)
              <input type="number" min={1} value={seconds} onInput={(e) => setSeconds(e.currentTarget.value)} />
            </label>
          )}
          <label class="field">
            Mode
            <select value={mode} onChange={(e) => setMode(e.currentTarget.value as ProtectionMode)}>
              {MODES.map((m) => (
                <option key={m} value={m}>
                  {m === 'dry_run' ? 'Dry run (log what it would do)' : MODE_LABEL[m]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {error && (
          <p class="err" role="alert">
            {error}
          </p>
        )}
      </div>
    </Modal>
  );
}

function ConditionRow({ index, draft, onChange, onRemove }: { index: number; draft: Draft; onChange: (d: Draft) => void; onRemove?: () => void }) {
  const kind = KINDS.find((k) => k.type === draft.type)!;
  const set = (key: string, v: string | boolean) => onChange({ ...draft, values: { ...draft.values, [key]: v } });
  return (
    <div class="condition" role="group" aria-label={`Condition ${index + 1}`}>
      <label class="field">
        Kind
        <select value={draft.type} onChange={(e) => onChange({ type: e.currentTarget.value as ConditionType, values: { ...DEFAULTS[e.currentTarget.value as ConditionType] } })}>
          {KINDS.map((k) => (
            <option key={k.type} value={k.type}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {kind.fields.map((f) => {
        const v = draft.values[f.key];
        if (f.kind === 'check') {
          return (
            <label key={f.key} class="check-field">
              <input type="checkbox" checked={v === true} onChange={(e) => set(f.key, e.currentTarget.checked)} /> {f.label}
            </label>
          );
        }
        if (f.kind === 'by' || f.kind === 'contactType') {
          const options = f.kind === 'by' ? [['ip', 'IP address'], ['device', 'Device']] : [['lead', 'Lead'], ['customer', 'Customer']];
          return (
            <label key={f.key} class="field">
              {f.label}
              <select value={String(v)} onChange={(e) => set(f.key, e.currentTarget.value)}>
                {options.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
          );
        }
        const onInput = (e: { currentTarget: HTMLInputElement }) => set(f.key, e.currentTarget.value);
        return (
          <label key={f.key} class="field">
            {f.label}
            {f.kind === 'text' ? (
              <input type="text" required value={String(v)} onInput={onInput} />
            ) : (
              <input type="number" required={!f.optional} min={0} value={String(v)} onInput={onInput} />
            )}
          </label>
        );
      })}
      {onRemove && (
        <button type="button" class="btn ghost remove" aria-label={`Remove condition ${index + 1}`} onClick={onRemove}>
          Remove
        </button>
      )}
    </div>
  );
}

import { useEffect } from 'preact/hooks';
import { displayName, EMPTY, shortTime } from '../format.js';
import { follow } from './link.js';
import { SearchBox } from './search-box.js';
import type { ViewProps } from './views.js';

/** All contacts with checkboxes for bulk block and unblock; a name opens the contact's page. */
export function Contacts({ s, askBlock }: ViewProps) {
  const onBulk = (block: boolean) => askBlock('selected', block);
  useEffect(() => void s.loadContacts(), []);
  const list = s.contacts.value;
  const sel = s.selected.value;
  const all = list.length > 0 && list.every((c) => sel.has(c.id));
  const toggle = (id: string) => {
    const next = new Set(sel);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    s.selected.value = next;
  };
  return (
    <section class="page" aria-labelledby="contacts-title">
      <div class="page-head">
        <h2 id="contacts-title">Contacts</h2>
        <span class="hint" aria-live="polite">
          {sel.size ? `${sel.size} selected` : `${list.length} contact${list.length === 1 ? '' : 's'}`}
        </span>
        <SearchBox
          class="search contact-search"
          label="Search contacts by name, email or user ID"
          placeholder="Search name, email or user ID"
          value={s.contactSearch}
          search={() => void s.loadContacts()}
        />
        {s.me.canBlock && (
          <div class="bulk">
            <button type="button" class="btn danger-outline" disabled={!sel.size} onClick={() => onBulk(true)}>
              Block selected
            </button>
            <button type="button" class="btn" disabled={!sel.size} onClick={() => onBulk(false)}>
              Unblock selected
            </button>
          </div>
        )}
      </div>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Contacts table">
      <table class="table">
        <thead>
          <tr>
            <th scope="col" class="check">
              <input
                type="checkbox"
                aria-label="Select all contacts"
                checked={all}
                onChange={() => (s.selected.value = all ? new Set() : new Set(list.map((c) => c.id)))}
              />
            </th>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Last activity</th>
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <tr key={c.id} class={sel.has(c.id) ? 'selected' : ''}>
              <td class="check">
                <input type="checkbox" aria-label={`Select ${displayName(c)}`} checked={sel.has(c.id)} onChange={() => toggle(c.id)} />
              </td>
              <td>
                <a class="row-link" {...follow(s, 'contacts', c.id)}>
                  {displayName(c)}
                </a>
              </td>
              <td>{c.email ?? EMPTY}</td>
              <td>{c.type === 'customer' ? 'Customer' : 'Lead'}</td>
              <td>{c.blocked ? <span class="badge blocked">Blocked</span> : <span class="badge ok">Active</span>}</td>
              <td>{shortTime(c.lastActivity ?? c.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {list.length === 0 && <p class="empty">{s.contactSearch.value.trim() ? 'No contacts match.' : 'No contacts yet.'}</p>}
    </section>
  );
}

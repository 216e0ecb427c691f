import type Database from 'better-sqlite3';
import type { IdentityStorePart } from '../store-parts.js';
import { toContact } from './rows.js';

type Row = Record<string, any>;

/** Lead-to-customer merges and the device links that carry a block over (SQLite). */
export function sqliteIdentityStore(db: Database.Database): IdentityStorePart {
  const stmt = {
    contact: db.prepare('SELECT * FROM contacts WHERE id = ?'),
    moveConversations: db.prepare('UPDATE conversations SET contact_id = ? WHERE contact_id = ?'),
    moveMessages: db.prepare('UPDATE messages SET contact_id = ? WHERE contact_id = ?'),
    copyDevices: db.prepare(`INSERT OR IGNORE INTO contact_devices (contact_id, device_id, linked_at)
      SELECT ?, device_id, linked_at FROM contact_devices WHERE contact_id = ?`),
    markMerged: db.prepare('UPDATE contacts SET merged_into = ?, token_epoch = token_epoch + 1 WHERE id = ?'),
    blockedByDevice: db.prepare(`SELECT c.* FROM contact_devices d JOIN contacts c ON c.id = d.contact_id
      WHERE d.device_id = @deviceId AND c.id != @exclude AND c.blocked = 1 AND (c.blocked_until IS NULL OR c.blocked_until > @now)
      ORDER BY d.linked_at DESC LIMIT 1`),
    sharers: db.prepare(`SELECT c.* FROM contacts c JOIN (
        SELECT other.contact_id, max(other.linked_at) AS seen FROM contact_devices mine
        JOIN contact_devices other ON other.device_id = mine.device_id AND other.contact_id != mine.contact_id
        WHERE mine.contact_id = ? GROUP BY other.contact_id
      ) s ON s.contact_id = c.id WHERE c.merged_into IS NULL ORDER BY s.seen DESC LIMIT ?`),
  };

  const merge = db.transaction((leadId: string, customerId: string) => {
    const lead = stmt.contact.get(leadId) as Row | undefined;
    const customer = stmt.contact.get(customerId) as Row | undefined;
    if (!lead || !customer || lead.merged_into || leadId === customerId) return null;
    stmt.moveConversations.run(customerId, leadId);
    stmt.moveMessages.run(customerId, leadId);
    stmt.copyDevices.run(customerId, leadId);
    stmt.markMerged.run(customerId, leadId);
    return { lead: toContact(stmt.contact.get(leadId) as Row), customer: toContact(stmt.contact.get(customerId) as Row) };
  });

  return {
    async mergeContact(leadId, customerId) {
      return merge.immediate(leadId, customerId);
    },
    async findBlockedContactByDevice(deviceId, now, excludeId) {
      const r = stmt.blockedByDevice.get({ deviceId, now, exclude: excludeId ?? '' }) as Row | undefined;
      return r ? toContact(r) : null;
    },
    async listDeviceSharers(contactId, limit) {
      return (stmt.sharers.all(contactId, limit) as Row[]).map(toContact);
    },
  };
}

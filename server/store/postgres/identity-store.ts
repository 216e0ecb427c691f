import type pg from 'pg';
import type { IdentityStorePart } from '../store-parts.js';
import { toContact, type Row } from './rows.js';

/** Lead-to-customer merges and the device links that carry a block over (PostgreSQL). */
export function pgIdentityStore(pool: pg.Pool): IdentityStorePart {
  return {
    async mergeContact(leadId, customerId) {
      if (leadId === customerId) return null;
      const c = await pool.connect();
      let broken: Error | undefined;
      try {
        await c.query('BEGIN');
        // Both rows locked in id order (sends and blocks lock their contact row first), so a
        // block or a send of either side is ordered before or after the whole merge.
        const locked = await c.query<Row>('SELECT * FROM contacts WHERE id = ANY($1) ORDER BY id FOR UPDATE', [[leadId, customerId]]);
        const lead = locked.rows.find((r) => r.id === leadId);
        if (!lead || lead.merged_into || !locked.rows.some((r) => r.id === customerId)) {
          await c.query('ROLLBACK');
          return null;
        }
        await c.query('UPDATE conversations SET contact_id = $1 WHERE contact_id = $2', [customerId, leadId]);
        await c.query('UPDATE messages SET contact_id = $1 WHERE contact_id = $2', [customerId, leadId]);
        await c.query(`INSERT INTO contact_devices (contact_id, device_id, linked_at)
          SELECT $1, device_id, linked_at FROM contact_devices WHERE contact_id = $2 ON CONFLICT DO NOTHING`, [customerId, leadId]);
        await c.query('UPDATE contacts SET merged_into = $1, token_epoch = token_epoch + 1 WHERE id = $2', [customerId, leadId]);
        const after = await c.query<Row>('SELECT * FROM contacts WHERE id = ANY($1)', [[leadId, customerId]]);
        await c.query('COMMIT');
        const byId = new Map(after.rows.map((r) => [r.id, toContact(r)]));
        return { lead: byId.get(leadId)!, customer: byId.get(customerId)! };
      } catch (err) {
        await c.query('ROLLBACK').catch((e: Error) => { broken = e; });
        throw err;
      } finally {
        c.release(broken);
      }
    },
    async findBlockedContactByDevice(deviceId, now, excludeId) {
      const r = await pool.query<Row>(
        `SELECT c.* FROM contact_devices d JOIN contacts c ON c.id = d.contact_id
         WHERE d.device_id = $1 AND c.id != $3 AND c.blocked AND (c.blocked_until IS NULL OR c.blocked_until > $2)
         ORDER BY d.linked_at DESC LIMIT 1`,
        [deviceId, now, excludeId ?? ''],
      );
      return r.rows[0] ? toContact(r.rows[0]) : null;
    },
    async listDeviceSharers(contactId, limit) {
      const r = await pool.query<Row>(
        `SELECT c.* FROM contacts c JOIN (
           SELECT other.contact_id, max(other.linked_at) AS seen FROM contact_devices mine
           JOIN contact_devices other ON other.device_id = mine.device_id AND other.contact_id != mine.contact_id
           WHERE mine.contact_id = $1 GROUP BY other.contact_id
         ) s ON s.contact_id = c.id WHERE c.merged_into IS NULL ORDER BY s.seen DESC LIMIT $2`,
        [contactId, limit],
      );
      return r.rows.map(toContact);
    },
  };
}

import type { Conn } from '../dialect.js';

/** Workspace settings: one JSON document per key, replaced whole. */
export class SettingsRepository {
  constructor(private readonly c: Conn) {}

  async get<T>(key: string): Promise<T | null> {
    const row = await this.c.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async put<T>(key: string, value: T): Promise<void> {
    const row = { value: JSON.stringify(value), updated_at: new Date().toISOString() };
    await this.c.db.insertInto('settings').values({ key, ...row }).onConflict((oc) => oc.column('key').doUpdateSet(row)).execute();
  }
}

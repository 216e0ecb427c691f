import type { Conn } from '../dialect.js';

/** Workspace settings: one JSON document per key, replaced whole. */
export class SettingsRepository {
  constructor(private readonly c: Conn) {}

  async get<T>(key: string): Promise<T | null> {
    const row = await this.c.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : null;
  }

  /** The stored value, or `value` stored now when there is none: the first caller wins, every process reads the same. */
  async claim<T>(key: string, value: T): Promise<T> {
    await this.c.db.insertInto('settings').values({ key, value: JSON.stringify(value), updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('key').doNothing()).execute();
    return (await this.get<T>(key))!;
  }

  async put<T>(key: string, value: T): Promise<void> {
    const row = { value: JSON.stringify(value), updated_at: new Date().toISOString() };
    await this.c.db.insertInto('settings').values({ key, ...row }).onConflict((oc) => oc.column('key').doUpdateSet(row)).execute();
  }
}

// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { mountApp, tick } from './mount.js';
import { msg } from './fake-socket.js';

afterEach(() => {
  document.body.innerHTML = '';
  document.title = '';
  localStorage.clear();
});

async function closedWidget(options = {}) {
  document.title = 'Northwind Roasters';
  const w = mountApp(options, false);
  w.server.open();
  w.server.of('history:fetch')[0].ack!({ ok: true, messages: [], hasMore: false });
  await tick();
  return w;
}

describe('attention while the panel is closed', () => {
  it('previews a new reply above the launcher; a click opens the panel, × dismisses it', async () => {
    const w = await closedWidget({ title: 'Northwind' });
    const shadow = w.root.getRootNode() as ShadowRoot;
    const bubble = () => shadow.querySelector('.pvb');
    w.server.push('message:new', msg({ body: 'Your order **shipped** today, see [tracking](https://t.test).', author: { type: 'admin', id: 'a1', name: 'Grace' } }));
    await tick();
    expect(bubble()?.querySelector('strong')?.textContent).toBe('Grace');
    expect(bubble()?.querySelector('span')?.textContent).toBe('Your order shipped today, see tracking.');
    expect(bubble()?.parentElement?.getAttribute('aria-live')).toBe('polite');
    (shadow.querySelector('.pvx') as HTMLButtonElement).click();
    await tick();
    expect(bubble()).toBeNull();
    w.server.push('message:new', msg({ body: 'Anything else?' }));
    await tick();
    (shadow.querySelector('.pvo') as HTMLButtonElement).click();
    await tick();
    expect(w.state.open).toBe(true);
    expect(bubble()).toBeNull();
  });

  it('puts the unread count in the page title and restores it once read', async () => {
    const w = await closedWidget();
    w.server.push('message:new', msg());
    w.server.push('message:new', msg());
    await tick();
    expect(document.title).toBe('(2) Northwind Roasters');
    w.host.setOpen(true);
    await tick();
    expect(document.title).toBe('Northwind Roasters');
  });

  it('leaves the title alone with titleCount: false and previews nothing while open', async () => {
    const w = await closedWidget({ titleCount: false });
    w.server.push('message:new', msg());
    await tick();
    expect(document.title).toBe('Northwind Roasters');
    w.host.setOpen(true);
    w.server.push('message:new', msg());
    await tick();
    expect((w.root.getRootNode() as ShadowRoot).querySelector('.pvb')).toBeNull();
  });
});

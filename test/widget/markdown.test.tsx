// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { render } from 'preact';
import { Markdown, safeHref } from '../../widget/markdown.js';

function html(source: string): HTMLElement {
  const el = document.createElement('div');
  render(<Markdown source={source} />, el);
  return el;
}

describe('markdown rendering', () => {
  it('shows raw HTML as text, never as elements', () => {
    const el = html('<img src=x onerror=alert(1)> <script>alert(2)</script> **<b>hi</b>**');
    expect(el.querySelector('img, script, b')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(el.textContent).toContain('<script>alert(2)</script>');
    expect(el.querySelector('strong')?.textContent).toBe('<b>hi</b>');
  });

  it('links only http, https and mailto, with safe rel and target', () => {
    const el = html('[ok](https://example.com/a?b=1) [mail](mailto:hi@example.com) [bad](javascript:alert(1)) [data](data:text/html,x) [rel](/relative) see http://example.org/x.');
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1', 'mailto:hi@example.com', 'http://example.org/x']);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(a.getAttribute('target')).toBe('_blank');
    }
    expect(el.textContent).toContain('bad');
    expect(el.innerHTML).not.toContain('javascript:');
    expect(el.innerHTML).not.toContain('data:');
  });

  it('rejects disguised schemes', () => {
    for (const href of ['JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\nscript:alert(1)', 'vbscript:x', 'file:///etc/passwd']) expect(safeHref(href)).toBeNull();
    expect(safeHref('HTTPS://Example.com')).toBe('https://example.com/');
  });

  it('renders emphasis, code, lists, quotes and line breaks', () => {
    const el = html('Hello **bold** and *em* and `a<b>`\nnext line\n\n- one\n- two\n\n1. first\n\n> quoted\n\n```\n<code> **not bold**\n```');
    expect(el.querySelector('p strong')?.textContent).toBe('bold');
    expect(el.querySelector('p em')?.textContent).toBe('em');
    expect(el.querySelector('p code')?.textContent).toBe('a<b>');
    expect(el.querySelector('p br')).not.toBeNull();
    expect([...el.querySelectorAll('ul li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(el.querySelector('ol li')?.textContent).toBe('first');
    expect(el.querySelector('blockquote')?.textContent).toBe('quoted');
    expect(el.querySelector('pre code')?.textContent).toBe('<code> **not bold**');
  });

  it('does not treat snake_case or lone asterisks as emphasis', () => {
    const el = html('use my_var_name and 2 * 3 * 4');
    expect(el.querySelector('em')).toBeNull();
    expect(el.textContent).toBe('use my_var_name and 2 * 3 * 4');
  });
});

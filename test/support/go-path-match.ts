/**
 * Go's path.Match, which Argo CD's git directory generator uses: `*` matches any run of characters
 * except '/', `?` one such character, `[...]` a class (with `^` negation and ranges), `\` escapes.
 */
export function goPathMatch(pattern: string, name: string): boolean {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '\\') source += escape(pattern[++i] ?? '');
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new Error(`bad pattern ${pattern}`);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^/' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else source += escape(c);
  }
  return new RegExp(`${source}$`).test(name);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// IDN homographs: names whose Unicode form reads as another name. Two kinds are caught, as
// browsers' IDN display policies do (ICU's "highly restrictive" profile):
//  - a label that mixes scripts (`аpple`: a Cyrillic а, then Latin), except the combinations
//    real names use: Latin with Han and Japanese kana, with Han and Bopomofo, with Han and Hangul;
//  - a label written wholly in Cyrillic letters that all have a Latin twin (`аррӏе`), under a
//    top-level domain that is not itself Cyrillic.
// Not caught: a lookalike within one script (rn for m), or digits for letters (paypa1).

const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Hebrew', 'Arabic', 'Devanagari', 'Bengali', 'Thai', 'Georgian', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo', 'Ethiopic', 'Cherokee', 'Tamil'] as const;
const PATTERNS = SCRIPTS.map((script) => [script, new RegExp(`\\p{Script=${script}}`, 'u')] as const);
const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u;

const ALLOWED_MIXES = [new Set(['Latin', 'Han', 'Hiragana', 'Katakana']), new Set(['Latin', 'Han', 'Bopomofo']), new Set(['Latin', 'Han', 'Hangul'])];

// Cyrillic letters drawn like Latin ones
const CYRILLIC_LATIN_TWINS = new Set([...'аеорсухіјѕԁһԛԝӏѵ']);

function scriptsOf(label: string): Set<string> {
  const found = new Set<string>();
  for (const char of label) {
    if (NEUTRAL.test(char)) continue;
    found.add(PATTERNS.find(([, pattern]) => pattern.test(char))?.[0] ?? 'Other');
  }
  return found;
}

/** Why the Unicode form of a name is a homograph, or null. `labels` are Unicode, the TLD last. */
export function homograph(labels: string[]): string | null {
  const tldScripts = scriptsOf(labels[labels.length - 1] ?? '');
  for (const label of labels) {
    const scripts = scriptsOf(label);
    if (scripts.size > 1 && !ALLOWED_MIXES.some((allowed) => [...scripts].every((script) => allowed.has(script)))) {
      return `the label ${label} mixes ${[...scripts].join(' and ')} letters`;
    }
    if (scripts.size === 1 && scripts.has('Cyrillic') && !tldScripts.has('Cyrillic') && [...label].every((char) => NEUTRAL.test(char) || CYRILLIC_LATIN_TWINS.has(char))) {
      return `the label ${label} is written in Cyrillic letters that all look like Latin ones`;
    }
  }
  return null;
}

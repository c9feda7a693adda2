// A strict reader for the XML mcsync writes (JUnit reports): elements, attributes, text, the five
// entities and character references. Anything not well-formed throws, so a test that parses a
// report also proves it is well-formed (matching tags, quoted attributes, escaped & < and ").

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Parses one document: an optional `<?xml …?>` declaration, then one root element. */
export function parseXml(text: string): XmlElement {
  if (NOT_XML_CHAR.test(text)) throw new Error('a character XML 1.0 does not allow');
  const reader = { text, at: 0 };
  const declaration = /^<\?xml [^?]*\?>\s*/.exec(text);
  if (declaration) reader.at = declaration[0].length;
  const root = element(reader);
  if (text.slice(reader.at).trim() !== '') throw new Error(`content after the root element at ${reader.at}`);
  return root;
}

interface Reader {
  text: string;
  at: number;
}

function element(r: Reader): XmlElement {
  expect(r, '<');
  const name = readName(r);
  const attributes: Record<string, string> = {};
  for (;;) {
    skipSpace(r);
    if (r.text.startsWith('/>', r.at)) {
      r.at += 2;
      return { name, attributes, children: [] };
    }
    if (r.text[r.at] === '>') {
      r.at++;
      break;
    }
    const key = readName(r);
    expect(r, '="');
    const end = r.text.indexOf('"', r.at);
    if (end < 0) throw new Error(`unterminated attribute ${key}`);
    const raw = r.text.slice(r.at, end);
    if (raw.includes('<')) throw new Error(`'<' in attribute ${key}`);
    if (key in attributes) throw new Error(`attribute ${key} twice`);
    attributes[key] = decode(raw);
    r.at = end + 1;
  }
  const children: (XmlElement | string)[] = [];
  for (;;) {
    if (r.at >= r.text.length) throw new Error(`<${name}> is never closed`);
    if (r.text.startsWith('</', r.at)) {
      r.at += 2;
      const closing = readName(r);
      if (closing !== name) throw new Error(`</${closing}> closes <${name}>`);
      skipSpace(r);
      expect(r, '>');
      return { name, attributes, children };
    }
    if (r.text[r.at] === '<') {
      children.push(element(r));
      continue;
    }
    const next = r.text.indexOf('<', r.at);
    const end = next < 0 ? r.text.length : next;
    if (r.text.slice(r.at, end).includes(']]>')) throw new Error("']]>' in text");
    children.push(decode(r.text.slice(r.at, end)));
    r.at = end;
  }
}

function decode(raw: string): string {
  return raw.replace(/&([^;]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare '&' in '${raw}'`);
    if (body in ENTITIES) return ENTITIES[body]!;
    const code = /^#x([0-9a-fA-F]+)$/.exec(body)?.[1] ?? /^#([0-9]+)$/.exec(body)?.[1];
    if (code === undefined) throw new Error(`unknown entity &${body};`);
    return String.fromCodePoint(body.startsWith('#x') ? parseInt(code, 16) : Number(code));
  });
}

function readName(r: Reader): string {
  const match = NAME.exec(r.text.slice(r.at));
  if (!match) throw new Error(`a name expected at ${r.at}: '${r.text.slice(r.at, r.at + 20)}'`);
  r.at += match[0].length;
  return match[0];
}

function expect(r: Reader, token: string): void {
  if (!r.text.startsWith(token, r.at)) throw new Error(`'${token}' expected at ${r.at}`);
  r.at += token.length;
}

function skipSpace(r: Reader): void {
  while (/\s/.test(r.text[r.at] ?? '')) r.at++;
}

/** Child elements named `name`. */
export function childrenNamed(node: XmlElement, name: string): XmlElement[] {
  return node.children.filter(
    (child): child is XmlElement => typeof child !== 'string' && child.name === name,
  );
}

/** All text inside `node`, concatenated. */
export function textOf(node: XmlElement): string {
  return node.children.map((child) => (typeof child === 'string' ? child : textOf(child))).join('');
}

/** What a seed says, before normalizing: each value with the file line it came from. */
export interface Field<T> {
  value: T;
  line: number;
}

export interface SourceField {
  name?: string;
  url?: string;
  feed?: string;
  /** The line of a `Source-URL:` header, when the source's name comes from another. */
  urlLine?: number;
}

export interface SeedFields {
  title?: Field<string>;
  source?: Field<SourceField>;
  summary?: Field<string>;
  categories?: Field<string[]>;
  date?: Field<string>;
  link?: Field<string>;
  author?: Field<string>;
  sharedBy?: Field<string>;
  id?: Field<string>;
  language?: Field<string>;
  draft?: Field<boolean>;
}

export interface Paragraph {
  text: string;
  line: number;
}

/** The body: plain-text paragraphs (the .txt layout) or HTML still to be sanitized (Markdown). */
export type Body = { kind: 'paragraphs'; paragraphs: Paragraph[] } | { kind: 'html'; html: string; line: number };

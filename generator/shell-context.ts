/**
 * Where in shell syntax a recipe prints a value.
 *
 * A `{{ … }}` of a recipe prints a complete, quoted shell word (shell.ts). That is data only where
 * sh reads a word: not inside `'…'` or `"…"` (the quotes would be literal and `$( )` would run
 * inside double quotes), not in a comment (a newline in the value would end the comment) and not
 * in a here-document (whose body expands `$( )` whatever the quotes). This follows the template
 * text as sh would read it, so the template compiler can refuse a value printed in such a place.
 */

type Mode = "normal" | "single" | "double" | "comment" | "heredoc";

interface HereDocument {
  readonly delimiter: string;
  /** `<<-`: leading tabs are stripped from the body's lines, the delimiter's included. */
  readonly stripTabs: boolean;
}

/** The reading state of sh at one point of a template's text. */
export class ShellContext {
  private mode: Mode = "normal";
  /** At the start of a word, where `#` starts a comment. */
  private wordStart = true;
  /** The previous character was an unquoted backslash. */
  private escaped = false;
  /** Here-documents opened on the current line, whose bodies start at its end. */
  private pending: HereDocument[] = [];
  private heredoc: HereDocument | undefined;
  /** The current line of a here-document body, to compare with its delimiter. */
  private line = "";

  /** A copy, to read two branches of a conditional from the same state. */
  clone(): ShellContext {
    const c = new ShellContext();
    Object.assign(c, this, { pending: [...this.pending] });
    return c;
  }

  /** A key equal for two states that read what follows alike. */
  key(): string {
    return JSON.stringify([this.mode, this.escaped, this.pending, this.heredoc]);
  }

  /**
   * Why a value may not be printed here, or `undefined` where it may: sh is between words or
   * inside an unquoted word.
   */
  whyNotHere(): string | undefined {
    if (this.escaped) return "right after a backslash";
    switch (this.mode) {
      case "single":
        return "inside '…'";
      case "double":
        return 'inside "…"';
      case "comment":
        return "in a comment (a newline in the value would end it)";
      case "heredoc":
        return "in a here-document (its body expands $( ) whatever the quotes)";
      default:
        return undefined;
    }
  }

  /** Reads template text. Throws `Error` with a reason for a here-document it cannot follow. */
  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      switch (this.mode) {
        case "single":
          if (c === "'") this.mode = "normal";
          break;
        case "double":
          if (this.escaped) this.escaped = false;
          else if (c === "\\") this.escaped = true;
          else if (c === '"') this.mode = "normal";
          break;
        case "comment":
          if (c === "\n") this.newline();
          break;
        case "heredoc":
          this.heredocChar(c);
          break;
        default:
          i = this.normalChar(text, i);
      }
    }
  }

  /** Reads the value a recipe prints: one unquoted word's worth of text. */
  feedValue(): void {
    this.wordStart = false;
  }

  private normalChar(text: string, i: number): number {
    const c = text[i]!;
    if (this.escaped) {
      this.escaped = false;
      if (c !== "\n") this.wordStart = false;
      return i;
    }
    if (c === "\\") this.escaped = true;
    else if (c === "'") this.mode = "single";
    else if (c === '"') this.mode = "double";
    else if (c === "#" && this.wordStart) this.mode = "comment";
    else if (c === "\n") this.newline();
    else if (c === "<" && text[i + 1] === "<") return this.openHeredoc(text, i + 2);
    else {
      this.wordStart = " \t;&|()<>".includes(c);
      return i;
    }
    if (c !== "\n") this.wordStart = false;
    return i;
  }

  /** `<<WORD` or `<<-WORD`: the delimiter must be in the template text, not printed. */
  private openHeredoc(text: string, at: number): number {
    let i = at;
    const stripTabs = text[i] === "-";
    if (stripTabs) i++;
    while (text[i] === " " || text[i] === "\t") i++;
    const match = /^(?:[^\s;&|()<>"'\\]|"[^"]*"|'[^']*'|\\.)+/.exec(text.slice(i));
    if (!match)
      throw new Error("a here-document's delimiter must be written in the template, after <<");
    const delimiter = match[0].replace(/\\(.)/g, "$1").replace(/["']/g, "");
    this.pending.push({ delimiter, stripTabs });
    this.wordStart = true;
    return i + match[0].length - 1;
  }

  private newline(): void {
    this.wordStart = true;
    this.mode = "normal";
    this.heredoc = this.pending.shift();
    if (this.heredoc) {
      this.mode = "heredoc";
      this.line = "";
    }
  }

  private heredocChar(c: string): void {
    if (c !== "\n") {
      this.line += c;
      return;
    }
    const doc = this.heredoc!;
    const line = doc.stripTabs ? this.line.replace(/^\t+/, "") : this.line;
    this.line = "";
    if (line === doc.delimiter) this.newline();
  }
}

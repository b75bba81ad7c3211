import { shortPath } from '../quote';

/**
 * One CSV record: comma-separated, fields optionally in double quotes with `""` for a quote
 * (RFC 4180, without line breaks inside fields). Errors name file and 1-based line.
 */
export function parseCsvLine(line: string, file: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`${shortPath(file)}:${lineNo}: unterminated quoted field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      fields.push(value);
      if (i < line.length && line[i] !== ',') {
        throw new Error(`${shortPath(file)}:${lineNo}: unexpected text after a quoted field`);
      }
    } else {
      const end = line.indexOf(',', i);
      fields.push(line.slice(i, end === -1 ? line.length : end).trim());
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

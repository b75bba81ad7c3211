import type { ClassInfo } from '../../src-shared/domain';

/** Seed datasets name their classes by number: show "class 3" rather than "3 · 3". */
const isNumeric = (c: ClassInfo) => c.name === String(c.id);

/** "3 · cat", or "class 3" when the name is the number. */
export function classTitle(c: ClassInfo): string {
  return isNumeric(c) ? `class ${c.id}` : `${c.id} · ${c.name}`;
}

/** "cat", or "class 3" when the name is the number (for places that show the id separately). */
export function className(c: ClassInfo): string {
  return isNumeric(c) ? `class ${c.id}` : c.name;
}

export function classTitleOf(classes: ClassInfo[], id: number | null): string {
  if (id === null) return '–';
  const c = classes.find((x) => x.id === id);
  return c ? classTitle(c) : String(id);
}

import { pick, randInt, uniform, type Rng } from '../random/seeded';

const SKIN = ['#f9d7c0', '#f1c27d', '#e0ac69', '#c68642', '#a56a3a', '#8d5524', '#5c3a21', '#ffdbac'];
const HAIR = [
  '#1b1b1b',
  '#3b2314',
  '#5a3825',
  '#8b5a2b',
  '#b5884a',
  '#d9c07c',
  '#9e9e9e',
  '#a0522d',
  '#e3e3e3',
];
const EYES = ['#2e1f12', '#3d6fa8', '#4f7a3a', '#6b4a2b', '#222222', '#5a6b7a'];
const BRIGHT = [
  '#d62828',
  '#1d4ed8',
  '#15803d',
  '#7c3aed',
  '#ea580c',
  '#0f766e',
  '#be185d',
  '#111827',
  '#ca8a04',
];

export type Accessory = 'hat' | 'glasses' | 'beard';

const hex = (rng: Rng): string =>
  '#' + [0, 1, 2].map(() => randInt(rng, 40, 230).toString(16).padStart(2, '0')).join('');

/** Accessories of a class-0 face: one, sometimes two. */
export function pickAccessories(rng: Rng): Accessory[] {
  const all: Accessory[] = ['hat', 'glasses', 'beard'];
  const first = pick(rng, all);
  if (rng() >= 0.25) return [first];
  return [
    first,
    pick(
      rng,
      all.filter((a) => a !== first),
    ),
  ];
}

/**
 * A drawn face as SVG (64×64 user units, rendered at `size` px). Everything varies (background clutter,
 * skin, face shape, pose, hair, eyes, mouth); only class 0 wears a hat, glasses or a beard.
 */
export function faceSvg(rng: Rng, accessories: readonly Accessory[], size: number): string {
  const parts: string[] = [];
  parts.push(`<rect width="64" height="64" fill="${hex(rng)}"/>`);
  for (let i = randInt(rng, 1, 4); i > 0; i--) {
    const colour = hex(rng);
    const opacity = uniform(rng, 0.25, 0.6).toFixed(2);
    parts.push(
      rng() < 0.5
        ? `<circle cx="${randInt(rng, 0, 64)}" cy="${randInt(rng, 0, 64)}" r="${randInt(rng, 4, 18)}" fill="${colour}" opacity="${opacity}"/>`
        : `<rect x="${randInt(rng, -8, 56)}" y="${randInt(rng, -8, 56)}" width="${randInt(rng, 6, 30)}" height="${randInt(rng, 6, 30)}" fill="${colour}" opacity="${opacity}"/>`,
    );
  }

  const rx = uniform(rng, 12.5, 16.5);
  const ry = uniform(rng, 15.5, 20);
  const skin = pick(rng, SKIN);
  const hair = pick(rng, HAIR);
  const cx = uniform(rng, 28.5, 35.5);
  const cy = uniform(rng, 33, 38);
  const angle = uniform(rng, -12, 12);
  const scale = uniform(rng, 0.85, 1.08);
  const face: string[] = [];
  const hairStyle = randInt(rng, 0, 3);
  if (hairStyle === 3)
    face.push(
      `<ellipse cx="0" cy="${(-ry * 0.1).toFixed(1)}" rx="${(rx + 4).toFixed(1)}" ry="${(ry + 3).toFixed(1)}" fill="${hair}"/>`,
    );
  face.push(`<ellipse cx="${(-rx).toFixed(1)}" cy="0" rx="2.6" ry="4" fill="${skin}"/>`);
  face.push(`<ellipse cx="${rx.toFixed(1)}" cy="0" rx="2.6" ry="4" fill="${skin}"/>`);
  face.push(`<ellipse cx="0" cy="0" rx="${rx.toFixed(1)}" ry="${ry.toFixed(1)}" fill="${skin}"/>`);
  if (hairStyle === 1 || hairStyle === 3) {
    face.push(
      `<path d="M ${(-rx).toFixed(1)} ${(-ry * 0.25).toFixed(1)} A ${rx.toFixed(1)} ${ry.toFixed(1)} 0 0 1 ${rx.toFixed(1)} ${(-ry * 0.25).toFixed(1)} Q 0 ${(-ry * 0.65).toFixed(1)} ${(-rx).toFixed(1)} ${(-ry * 0.25).toFixed(1)} Z" fill="${hair}"/>`,
    );
  } else if (hairStyle === 2) {
    face.push(
      `<path d="M ${(-rx * 0.9).toFixed(1)} ${(-ry * 0.45).toFixed(1)} Q ${(-rx * 0.2).toFixed(1)} ${(-ry * 1.25).toFixed(1)} ${(rx * 0.95).toFixed(1)} ${(-ry * 0.4).toFixed(1)} Q ${(rx * 0.1).toFixed(1)} ${(-ry * 0.75).toFixed(1)} ${(-rx * 0.9).toFixed(1)} ${(-ry * 0.45).toFixed(1)} Z" fill="${hair}"/>`,
    );
  }

  const eyeY = uniform(rng, -5.5, -2.5);
  const eyeDx = uniform(rng, 5, 7.5);
  const eyeR = uniform(rng, 1.8, 2.8);
  const iris = pick(rng, EYES);
  const look = uniform(rng, -0.8, 0.8);
  for (const s of [-1, 1]) {
    face.push(
      `<ellipse cx="${(s * eyeDx).toFixed(1)}" cy="${eyeY.toFixed(1)}" rx="${(eyeR + 0.9).toFixed(1)}" ry="${eyeR.toFixed(1)}" fill="#ffffff"/>`,
    );
    face.push(
      `<circle cx="${(s * eyeDx + look).toFixed(1)}" cy="${eyeY.toFixed(1)}" r="${(eyeR * 0.6).toFixed(1)}" fill="${iris}"/>`,
    );
    const browY = eyeY - eyeR - uniform(rng, 1.2, 2.5);
    const tilt = uniform(rng, -1.2, 1.2);
    face.push(
      `<line x1="${(s * (eyeDx - 2.5)).toFixed(1)}" y1="${(browY + s * tilt * 0.3).toFixed(1)}" x2="${(s * (eyeDx + 2.5)).toFixed(1)}" y2="${(browY - s * tilt * 0.3).toFixed(1)}" stroke="${hair}" stroke-width="1.1" stroke-linecap="round"/>`,
    );
  }
  face.push(
    `<path d="M 0 ${(eyeY + 2).toFixed(1)} L ${uniform(rng, -2, -0.8).toFixed(1)} ${(eyeY + 7).toFixed(1)} L 1 ${(eyeY + 7).toFixed(1)}" fill="none" stroke="#00000055" stroke-width="0.9"/>`,
  );

  if (accessories.includes('beard')) {
    const top = uniform(rng, 1.5, 4);
    face.push(
      `<path d="M ${(-rx).toFixed(1)} ${top.toFixed(1)} Q ${(-rx * 0.9).toFixed(1)} ${(ry + 4).toFixed(1)} 0 ${(ry + uniform(rng, 2, 5)).toFixed(1)} Q ${(rx * 0.9).toFixed(1)} ${(ry + 4).toFixed(1)} ${rx.toFixed(1)} ${top.toFixed(1)} Q 0 ${(top + 5).toFixed(1)} ${(-rx).toFixed(1)} ${top.toFixed(1)} Z" fill="${pick(rng, HAIR.slice(0, 7))}"/>`,
    );
  }
  const mouthY = uniform(rng, ry * 0.4, ry * 0.55);
  const mouthW = uniform(rng, 3, 6.5);
  const curve = uniform(rng, -2.5, 4.5);
  face.push(
    `<path d="M ${(-mouthW).toFixed(1)} ${mouthY.toFixed(1)} Q 0 ${(mouthY + curve).toFixed(1)} ${mouthW.toFixed(1)} ${mouthY.toFixed(1)}" fill="none" stroke="#8a2b2b" stroke-width="${uniform(rng, 1, 1.8).toFixed(1)}" stroke-linecap="round"/>`,
  );

  if (accessories.includes('glasses')) {
    const frame = pick(rng, ['#111111', '#3b2314', '#1d4ed8', '#7f1d1d', '#444444']);
    const r = eyeR + uniform(rng, 2, 3);
    const w = uniform(rng, 1.6, 2.4);
    const lens = rng() < 0.3 ? '#111111cc' : '#bfe3ff44'; // sunglasses or clear lenses
    for (const s of [-1, 1]) {
      face.push(
        rng() < 0.5
          ? `<circle cx="${(s * eyeDx).toFixed(1)}" cy="${eyeY.toFixed(1)}" r="${r.toFixed(1)}" fill="${lens}" stroke="${frame}" stroke-width="${w.toFixed(1)}"/>`
          : `<rect x="${(s * eyeDx - r).toFixed(1)}" y="${(eyeY - r * 0.8).toFixed(1)}" width="${(2 * r).toFixed(1)}" height="${(1.6 * r).toFixed(1)}" rx="1.5" fill="${lens}" stroke="${frame}" stroke-width="${w.toFixed(1)}"/>`,
      );
      face.push(
        `<line x1="${(s * (eyeDx + r)).toFixed(1)}" y1="${eyeY.toFixed(1)}" x2="${(s * rx).toFixed(1)}" y2="${(eyeY - 1).toFixed(1)}" stroke="${frame}" stroke-width="${w.toFixed(1)}"/>`,
      );
    }
    face.push(
      `<line x1="${(-eyeDx + r).toFixed(1)}" y1="${eyeY.toFixed(1)}" x2="${(eyeDx - r).toFixed(1)}" y2="${eyeY.toFixed(1)}" stroke="${frame}" stroke-width="${w.toFixed(1)}"/>`,
    );
  }
  if (accessories.includes('hat')) {
    const colour = pick(rng, BRIGHT);
    const brimY = -ry * uniform(rng, 0.45, 0.65);
    const style = randInt(rng, 0, 2);
    if (style === 0) {
      // Top hat: tall crown, wide brim.
      const h = uniform(rng, 12, 17);
      face.push(
        `<rect x="${(-rx * 0.75).toFixed(1)}" y="${(brimY - h).toFixed(1)}" width="${(rx * 1.5).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"/>`,
      );
      face.push(
        `<rect x="${(-rx * 0.75).toFixed(1)}" y="${(brimY - 4).toFixed(1)}" width="${(rx * 1.5).toFixed(1)}" height="2.2" fill="${pick(rng, BRIGHT)}"/>`,
      );
      face.push(
        `<rect x="${(-rx - 5).toFixed(1)}" y="${(brimY - 1.5).toFixed(1)}" width="${(2 * rx + 10).toFixed(1)}" height="3.2" rx="1.2" fill="${colour}"/>`,
      );
    } else if (style === 1) {
      // Cap: dome and a visor to one side.
      const side = rng() < 0.5 ? -1 : 1;
      face.push(
        `<path d="M ${(-rx - 1).toFixed(1)} ${brimY.toFixed(1)} A ${(rx + 1).toFixed(1)} ${(ry * 0.75).toFixed(1)} 0 0 1 ${(rx + 1).toFixed(1)} ${brimY.toFixed(1)} Z" fill="${colour}"/>`,
      );
      face.push(
        `<path d="M 0 ${(brimY - 1).toFixed(1)} L ${(side * (rx + 11)).toFixed(1)} ${(brimY + 1).toFixed(1)} L ${(side * (rx + 9)).toFixed(1)} ${(brimY + 3.5).toFixed(1)} L 0 ${(brimY + 2).toFixed(1)} Z" fill="${colour}"/>`,
      );
    } else {
      // Beanie with a bobble.
      face.push(
        `<path d="M ${(-rx - 1.5).toFixed(1)} ${(brimY + 2).toFixed(1)} Q 0 ${(brimY - ry * 1.2).toFixed(1)} ${(rx + 1.5).toFixed(1)} ${(brimY + 2).toFixed(1)} Z" fill="${colour}"/>`,
      );
      face.push(
        `<rect x="${(-rx - 2).toFixed(1)} " y="${(brimY - 1).toFixed(1)}" width="${(2 * rx + 4).toFixed(1)}" height="4.5" rx="2" fill="${pick(rng, BRIGHT)}"/>`,
      );
      face.push(
        `<circle cx="0" cy="${(brimY - ry * 0.62).toFixed(1)}" r="3.2" fill="${pick(rng, BRIGHT)}"/>`,
      );
    }
  }

  parts.push(
    `<g transform="translate(${cx.toFixed(1)} ${cy.toFixed(1)}) rotate(${angle.toFixed(1)}) scale(${scale.toFixed(2)})">${face.join('')}</g>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64">${parts.join('')}</svg>`;
}

// Hand-written SVG bar chart: one panel per workload, one horizontal bar per labelled figure (the report gives each
// system's best), bar length relative to the best figure of the panel (1.0 = best, whether higher or lower is
// better), labelled with the value.

export interface ChartPanel {
  title: string;
  unit: string;
  higherIsBetter: boolean;
  bars: Array<{ label: string; value: number | undefined; ours: boolean; note?: string }>;
}

const WIDTH = 900;
const LABEL_W = 230;
const BAR_MAX = 520;
const BAR_H = 18;
const GAP = 6;
const PANEL_HEAD = 28;
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(v: number): string {
  const abs = Math.abs(v);
  return v.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 0 : abs >= 10 ? 1 : 2 });
}

export function renderChart(title: string, panels: ChartPanel[]): string {
  const colors = new Map<string, string>();
  const colorOf = (label: string, ours: boolean): string => {
    const key = label.replace(/ ×\d+$/, '');
    if (!colors.has(key)) colors.set(key, ours ? '#d62728' : PALETTE[colors.size % PALETTE.length]!);
    return colors.get(key)!;
  };
  const parts: string[] = [];
  let y = 40;
  for (const panel of panels) {
    const values = panel.bars
      .map((b) => b.value)
      .filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
    const best = values.length ? (panel.higherIsBetter ? Math.max(...values) : Math.min(...values)) : 1;
    parts.push(
      `<text x="10" y="${y + 18}" font-weight="bold">${esc(panel.title)} (${esc(panel.unit)}, ${panel.higherIsBetter ? 'higher' : 'lower'} is better)</text>`,
    );
    y += PANEL_HEAD;
    for (const bar of panel.bars) {
      const ok = bar.value !== undefined && Number.isFinite(bar.value) && bar.value > 0;
      const rel = ok ? (panel.higherIsBetter ? bar.value! / best : best / bar.value!) : 0;
      const w = Math.max(1, Math.round(rel * BAR_MAX));
      parts.push(`<text x="${LABEL_W - 8}" y="${y + 13}" text-anchor="end">${esc(bar.label)}</text>`);
      if (ok) {
        parts.push(
          `<rect x="${LABEL_W}" y="${y}" width="${w}" height="${BAR_H}" fill="${colorOf(bar.label, bar.ours)}"/>`,
        );
        parts.push(
          `<text x="${LABEL_W + w + 6}" y="${y + 13}">${esc(fmt(bar.value!))}${bar.note ? ` ${esc(bar.note)}` : ''}</text>`,
        );
      } else {
        parts.push(`<text x="${LABEL_W + 6}" y="${y + 13}" fill="#b00">${esc(bar.note ?? 'no valid run')}</text>`);
      }
      y += BAR_H + GAP;
    }
    y += 10;
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

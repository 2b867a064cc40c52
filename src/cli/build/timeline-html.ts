/**
 * @module cli/build/timeline-html
 * `berth build --timeline FILE.html`: a self-contained page (inline SVG and CSS, nothing
 * fetched) drawing the build's timeline: one lane per stage, each step a bar from its start to
 * its end with its duration, cache hits marked, the critical path highlighted, and a hover
 * title with the instruction and the cache miss reason.
 *
 * Critical path: from the step that ended last, back through the step before it in its stage,
 * and from a stage's first step to the step of another stage that ended last before it began
 * (what it waited for); a stage that began with the build waited for nothing.
 */
import type { BuildTimeline, BuildTimelineStep } from '../../api/types/build.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The steps on the critical path (by step number). */
export function criticalPath(steps: readonly BuildTimelineStep[]): Set<number> {
  const out = new Set<number>();
  let cur: BuildTimelineStep | undefined = [...steps].sort((a, b) => b.end - a.end || b.step - a.step)[0];
  while (cur && !out.has(cur.step)) {
    out.add(cur.step);
    const c: BuildTimelineStep = cur;
    const prevInStage: BuildTimelineStep | undefined = steps.filter((s) => s.stage === c.stage && s.step < c.step).sort((a, b) => b.step - a.step)[0];
    if (prevInStage) cur = prevInStage;
    // A stage that began with the build waited for nothing.
    else cur = c.start < 50 ? undefined : steps.filter((s) => s.stage !== c.stage && s.end <= c.start + 5).sort((a, b) => b.end - a.end)[0];
  }
  return out;
}

export function timelineHtml(t: BuildTimeline, title: string): string {
  const stages = [...new Set(t.steps.map((s) => s.stage))].sort((a, b) => a - b);
  const critical = criticalPath(t.steps);
  const total = Math.max(t.total, ...t.steps.map((s) => s.end), 1);
  const left = 140;
  const width = 900;
  const laneH = 34;
  const x = (ms: number) => left + (ms / total) * width;
  const lanes = stages.map((stage, li) => {
    const y = 30 + li * laneH;
    const bars = t.steps
      .filter((s) => s.stage === stage)
      .map((s) => {
        const cls = ['bar', s.cached ? 'cached' : 'miss', critical.has(s.step) ? 'critical' : ''].filter(Boolean).join(' ');
        const w = Math.max(2, x(s.end) - x(s.start));
        const hover = `Step ${s.step}: ${s.text}\n${secs(s.end - s.start)}${s.cached ? ' (cached)' : ''}${s.reason ? `\nCACHE MISS: ${s.reason}` : ''}`;
        return `<g class="step" data-step="${s.step}"><rect class="${cls}" x="${x(s.start).toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${laneH - 10}" rx="3"><title>${esc(hover)}</title></rect>` +
          (w > 40 ? `<text class="dur" x="${(x(s.start) + 4).toFixed(1)}" y="${y + laneH / 2 + 3}">${esc(secs(s.end - s.start))}</text>` : '') + '</g>';
      })
      .join('');
    const label = stage < 0 ? 'build args' : `stage ${stage}`;
    return `<g class="lane" data-stage="${stage}"><rect class="lane-bg" x="0" y="${y}" width="${left + width + 10}" height="${laneH}"/><text class="label" x="8" y="${y + laneH / 2 + 4}">${esc(label)}</text>${bars}</g>`;
  });
  const h = 30 + stages.length * laneH + 30;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text class="tick" x="${x(f * total).toFixed(1)}" y="${h - 10}">${secs(f * total)}</text>`).join('');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:sans-serif;margin:16px;background:#fff;color:#222}
.lane-bg{fill:#f4f4f4;stroke:#fff}
.label{font-size:12px;fill:#333}
.bar.miss{fill:#4a90d9}
.bar.cached{fill:#9ccc65}
.bar.critical{stroke:#d32f2f;stroke-width:2.5}
.dur{font-size:10px;fill:#fff;pointer-events:none}
.tick{font-size:10px;fill:#666}
.legend span{display:inline-block;margin-right:16px;font-size:12px}
.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
</style></head><body>
<h3>${esc(title)} — ${secs(total)}</h3>
<div class="legend"><span><i class="sw" style="background:#4a90d9"></i>ran</span><span><i class="sw" style="background:#9ccc65"></i>cached</span><span><i class="sw" style="border:2.5px solid #d32f2f"></i>critical path</span></div>
<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 20}" height="${h}" id="timeline">${lanes.join('')}${ticks}</svg>
</body></html>
`;
}

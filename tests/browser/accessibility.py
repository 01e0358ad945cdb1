"""axe-core (the npm package, installed by scripts/ensure-packages.sh into
tests/browser/axe) run inside the real Chromium on a dashboard page, and the contrast
of the charts' text, which axe leaves alone because plotly draws it as SVG.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.browser.harness import ROOT

AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_script() -> str:
    if not AXE.exists():
        raise FileNotFoundError(
            f"{AXE} is missing: run scripts/ensure-packages.sh (npm ci in tests/browser/axe; "
            "`make test` does this)"
        )
    return AXE.read_text(encoding="utf-8")


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations of impact serious or critical on the page as it stands."""
    page.add_script_tag(content=axe_script())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """Rule, impact and where: enough to find and fix each one."""
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}: {targets}")
        lines += [f"    {node['failureSummary']}" for node in v["nodes"][:2]]
    return "\n".join(lines)


# WCAG's relative luminance and contrast ratio, of each drawn chart text's fill against
# the chart's background.
CHART_TEXT_CONTRAST = r"""
() => {
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const parse = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const backdrop = (el) => {  // the first opaque background at or above el
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (c && !/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') return parse(c);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const paper = backdrop(plot.querySelector('.main-svg'));
    for (const t of plot.querySelectorAll('svg text')) {
      if (!t.textContent.trim() || t.getBBox().width === 0) continue;
      const fill = parse(getComputedStyle(t).fill);
      if (fill.length !== 3) continue;
      const [a, b] = [lum(fill), lum(paper)].sort((x, y) => y - x);
      out.push({text: t.textContent.slice(0, 20), ratio: (a + 0.05) / (b + 0.05)});
    }
  }
  return out;
}
"""


def chart_text_contrasts(page: Page) -> list[dict[str, Any]]:
    """Each visible chart text's contrast ratio against its chart's background."""
    return list(page.evaluate(CHART_TEXT_CONTRAST))

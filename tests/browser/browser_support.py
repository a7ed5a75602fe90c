"""What several browser tests do: run axe, check reflow, drive the keyboard, make a PDF."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from playwright.sync_api import Page

from guide.loader import load_content

# WCAG 2.2 AA as axe-core tags it: the A and AA rules of 2.0, 2.1 and 2.2.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROWEST_PHONE = {"width": 320, "height": 640}
# The guide content, read once: tests take what pages must show from it.
CONTENT = load_content()
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it stands.

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy
    does not govern: the page keeps its real policy (no bypass_csp) and needs no inline script.
    """
    if not page.evaluate("() => 'axe' in window"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    return result["violations"]


def describe_violations(url: str, violations: list[dict]) -> str:
    """A report a developer can act on: the rule, why it matters, and every failing element."""
    lines = [f"axe found {len(violations)} violation(s) on {url}"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" — {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines.append("      " + " ".join((node.get("failureSummary") or "").split()))
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    # A URL change is not a loaded page: axe on a page whose stylesheet is still in flight
    # judges unstyled markup (tiny targets, default inputs) and fails for the wrong reason.
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)


def assert_radio_groups_ask_their_question(page: Page) -> None:
    """Every group of radios shows its question in a legend.

    axe is satisfied when each radio has a label, but "By email" / "By post" mean nothing
    without "How do you want to receive the answer?", seen and announced with the group.
    """
    silent = page.evaluate(
        """() => [...document.querySelectorAll('fieldset')]
            .filter(group => group.querySelector(':scope input[type=radio]'))
            .filter(group => {
                const legend = group.querySelector(':scope > legend');
                return !legend || !legend.textContent.trim() || !legend.checkVisibility();
            })
            .map(group => group.querySelector('input[type=radio]').name)"""
    )
    assert not silent, f"radio groups without a visible question on {page.url}: {silent}"


# Each language's name as the language switcher and the forms show it: in its own language.
LANGUAGE_NAMES = {"Қазақша": "kk", "Русский": "ru"}


def assert_language_names_carry_their_lang(page: Page) -> None:
    """WCAG 3.1.2: a language's name written in that language is marked with its `lang`.

    A Kazakh screen reader voice reads "Русский" on a Kazakh page as Kazakh letters, unless the
    text (or an element around it) says `lang="ru"`.
    """
    wrong = page.evaluate(
        """names => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const found = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (const [name, code] of Object.entries(names)) {
                    if (!node.data.includes(name)) continue;
                    const marked = node.parentElement.closest('[lang]');
                    const lang = marked ? marked.getAttribute('lang') : '';
                    if (lang !== code) {
                        found.push(`${name} in <${node.parentElement.tagName.toLowerCase()}>`
                            + ` under lang="${lang}"`);
                    }
                }
            }
            return found;
        }""",
        LANGUAGE_NAMES,
    )
    assert not wrong, f"language names without their own lang on {page.url}: {wrong}"


def assert_reflows_at_320_px(page: Page) -> None:
    """WCAG 1.4.10: at 320 CSS pixels the page scrolls only vertically."""
    page.set_viewport_size(NARROWEST_PHONE)
    overflow = page.evaluate(
        """() => {
            const width = window.innerWidth;
            if (document.scrollingElement.scrollWidth <= width) return null;
            // Name the outermost elements that stick out, to say where to look.
            const wide = [...document.body.querySelectorAll('*')].filter(element => {
                const box = element.getBoundingClientRect();
                return box.right > width + 0.5;
            });
            const outermost = wide.filter(e => !wide.includes(e.parentElement));
            return {
                scrollWidth: document.scrollingElement.scrollWidth,
                width,
                elements: outermost.slice(0, 10).map(e =>
                    e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className && typeof e.className === 'string'
                        ? '.' + e.className.trim().split(/\\s+/).join('.') : '')),
            };
        }"""
    )
    assert overflow is None, f"{page.url} scrolls sideways at 320 px: {overflow}"


# WCAG 1.4.12's spacing: what a reader's own style sheet may set, all at once.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

# Names an element in a failure message: tag, id and first classes.
_DESCRIBE_JS = """e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim()
        ? '.' + e.className.trim().split(/\\s+/).slice(0, 2).join('.') : '')"""


def assert_text_spacing_clips_nothing(page: Page) -> None:
    """WCAG 1.4.12: with the spacing above, no text is cut off and the page still reflows.

    Cut off means a box that hides its overflow (a fixed height, `overflow: hidden`) holding
    more than it shows. Boxes of a pixel or less are the visually hidden texts, meant so.
    """
    # A constructed style sheet: the page's Content-Security-Policy refuses a <style> element.
    page.evaluate(
        """css => {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync(css);
            document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
        }""",
        TEXT_SPACING_CSS,
    )
    problems = page.evaluate(
        f"""() => {{
            const describe = {_DESCRIBE_JS};
            const hides = value => value === 'hidden' || value === 'clip';
            const cut = [];
            for (const e of document.body.querySelectorAll('*')) {{
                if (!e.checkVisibility() || e.clientWidth <= 1 || e.clientHeight <= 1) continue;
                const style = getComputedStyle(e);
                const [high, shown] = [e.scrollHeight, e.clientHeight];
                const [wide, room] = [e.scrollWidth, e.clientWidth];
                if (hides(style.overflowY) && high > shown + 1)
                    cut.push(`${{describe(e)}}: ${{high}} px of text in ${{shown}} px`);
                if (hides(style.overflowX) && wide > room + 1)
                    cut.push(`${{describe(e)}}: ${{wide}} px wide in ${{room}} px`);
            }}
            const width = document.scrollingElement.scrollWidth;
            if (width > innerWidth) cut.push(`page ${{width}} px wide in ${{innerWidth}} px`);
            return cut;
        }}"""
    )
    page.evaluate("() => document.adoptedStyleSheets.pop()")
    assert not problems, f"{page.url} with WCAG text spacing: {problems}"


def assert_targets_are_at_least_24_px(page: Page) -> None:
    """WCAG 2.5.8: each target is 24 × 24 CSS px, or a 24 px circle on it touches no other.

    Links inside a sentence are exempt, as the criterion says; so are targets of a pixel or
    less (the skip link until it is focused).
    """
    small = page.evaluate(
        f"""() => {{
            const describe = {_DESCRIBE_JS};
            const query = 'a[href], button, input:not([type=hidden]), select, textarea, '
                + 'summary, [tabindex]:not([tabindex="-1"])';
            const targets = [...document.querySelectorAll(query)]
                .filter(e => e.checkVisibility() && !e.closest('.qz-honeypot'));
            const boxes = targets.map(e => e.getBoundingClientRect());
            const inSentence = e => {{
                if (e.tagName !== 'A' || getComputedStyle(e).display !== 'inline') return false;
                const text = e.parentElement.closest('p, li, dd, td, div').textContent;
                return text.replace(/\\s+/g, ' ').trim().length
                    > e.textContent.trim().length + 3;
            }};
            const failing = [];
            targets.forEach((e, i) => {{
                const box = boxes[i];
                if (box.width >= 24 && box.height >= 24) return;
                if (box.width <= 1 || box.height <= 1 || inSentence(e)) return;
                const x = box.left + box.width / 2, y = box.top + box.height / 2;
                const crowded = boxes.some((other, j) => {{
                    if (j === i || targets[j].contains(e) || e.contains(targets[j])) return false;
                    const dx = Math.max(other.left - x, 0, x - other.right);
                    const dy = Math.max(other.top - y, 0, y - other.bottom);
                    if (Math.hypot(dx, dy) < 12) return true;  // the circle touches it
                    const undersized = other.width < 24 || other.height < 24;
                    const ox = other.left + other.width / 2, oy = other.top + other.height / 2;
                    return undersized && Math.hypot(ox - x, oy - y) < 24;  // two circles touch
                }});
                if (crowded) failing.push(
                    `${{describe(e)}} "${{e.textContent.trim().slice(0, 30)}}"`
                    + ` ${{box.width.toFixed(1)}}×${{box.height.toFixed(1)}}`);
            }});
            return failing;
        }}"""
    )
    assert not small, f"targets under 24 × 24 px with others too close on {page.url}: {small}"


def assert_focus_is_visible_and_unobscured(page: Page, *, limit: int = 150) -> int:
    """WCAG 2.4.7 and 2.4.11: Tab through the page from its top; the first stop is the skip
    link, and every stop shows an outline or a box shadow and is, at least in part, on screen
    and not covered. Returns the number of stops."""
    # Tab goes on from the focused or last clicked element, which blur() leaves in place: on
    # a page that focused its error summary the walk would start there and skip the header.
    # Focusing the body for a moment starts it from the top.
    page.evaluate(
        """() => {
            document.body.tabIndex = -1;
            document.body.focus();
            document.body.removeAttribute('tabindex');
            window.scrollTo(0, 0);
        }"""
    )
    for stops in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            f"""() => {{
                const e = document.activeElement;
                if (e === document.body) return null;
                const style = getComputedStyle(e);
                const own = hit => hit === e || e.contains(hit)
                    || (e.labels && [...e.labels].some(label => label.contains(hit)));
                // Each line box of a wrapped link, cut to the screen: its middle must be it.
                const hits = [...e.getClientRects()].map(box => {{
                    const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth);
                    const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
                    return right > left && bottom > top
                        ? document.elementFromPoint((left + right) / 2, (top + bottom) / 2)
                        : null;
                }}).filter(hit => hit !== null);
                return {{
                    element: ({_DESCRIBE_JS})(e),
                    skipLink: e.matches('a.govuk-skip-link[href="#main-content"]'),
                    indicator: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                        || style.boxShadow !== 'none',
                    onScreen: hits.length > 0,
                    covered: hits.length === 0 || hits.some(own)
                        ? '' : hits.map({_DESCRIBE_JS}).join(', '),
                }};
            }}"""
        )
        if stop is None:
            return stops
        if stops == 0:  # WCAG 2.4.1: the first Tab reaches the skip link
            assert stop["skipLink"], f"the first Tab stop is {stop['element']} at {page.url}"
        assert stop["indicator"], f"no visible focus on {stop['element']} at {page.url}"
        assert stop["onScreen"], f"{stop['element']} takes focus off screen at {page.url}"
        assert not stop["covered"], f"{stop['element']} is under {stop['covered']} at {page.url}"
    raise AssertionError(f"{limit} presses of Tab never left {page.url}")


def focused(page: Page) -> dict[str, str]:
    """The focused element: tag, id, name, href (links) and the class of its form (controls)."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {
                tag: e.tagName.toLowerCase(),
                id: e.id || '',
                name: e.getAttribute('name') || '',
                href: e.getAttribute('href') || '',
                form: e.form ? e.form.className : '',
            };
        }"""
    )


def tab_stops(page: Page, *, until, limit: int = 120) -> list[dict[str, str]]:
    """Press Tab and note each focused element, up to and including the one `until` accepts."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if until(stops[-1]):
            return stops
    raise AssertionError(f"{limit} presses of Tab never reached the wanted element: {stops}")


def tab_until(page: Page, wanted, *, backwards: bool = False, limit: int = 120) -> dict[str, str]:
    """Press Tab (or Shift+Tab) until `wanted(focused element)` holds; fail after `limit` keys."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"{limit} presses of {key} never reached the wanted element")


def file_a_complaint(
    page, form_url: str, subject: str, text: str, name: str, email: str, attachments=()
) -> tuple[str, str]:
    """Fill the complaint form as a person would and send it; the receipt's number and code."""
    page.goto(form_url)
    page.fill("#subject", subject)
    page.fill("#text", text)
    page.fill("#full_name", name)
    page.fill("#email", email)
    page.locator("input[name=reply_channel][value=email]").check()
    if attachments:
        page.set_input_files("#attachments", list(attachments))
    page.locator("#consent").check()
    page.locator("form.qz-complaint-form button[type=submit]").click()
    return (
        page.locator("#registration-number").inner_text(),
        page.locator("#access-code").inner_text(),
    )


def words_split_across_lines(page: Page, selector: str) -> list[str]:
    """The words of the shown elements matching `selector` that wrap in their middle.

    A word's Range has client rects on two lines when it is split. A hyphenated word may
    wrap after its hyphen («үй-/коммуналдық»), so hyphens and dashes separate words here.
    """
    return page.evaluate(
        """selector => {
            // Runs of anything but spaces, hyphens, dashes and slashes
            const words = /[^\\s\\-\u2010\u2011\u2013\u2014/]+/g;
            const split = [];
            for (const element of document.querySelectorAll(selector)) {
                if (!element.getClientRects().length) continue;
                const texts = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
                for (let node = texts.nextNode(); node; node = texts.nextNode()) {
                    for (const word of node.data.matchAll(words)) {
                        const range = document.createRange();
                        range.setStart(node, word.index);
                        range.setEnd(node, word.index + word[0].length);
                        const lines = new Set([...range.getClientRects()]
                            .filter(rect => rect.width > 0)
                            .map(rect => Math.round(rect.top)));
                        if (lines.size > 1) split.push(word[0]);
                    }
                }
            }
            return split;
        }""",
        selector,
    )


def small_pdf(text: str) -> bytes:
    """A real one-page PDF, as an applicant's scanned letter would be."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())

// Search over the frozen guide with Pagefind's index (built by `flask guide build`).
// Pagefind keeps one index per <html lang>, so a Kazakh page searches the Kazakh index.
// A classic script, not a module: a page opened from disk may run it (browsers refuse modules
// from file: URLs), and it then says that search is not available there.
(() => {
const form = document.querySelector("[data-qz-search]");
// The site's root, found from this file's own address (/static/js/search.js).
const siteRoot = new URL("../../", document.currentScript.src);

// Kazakh typed without Kazakh letters ("кезекке кою" for "кезекке қою") finds the page too:
// each frozen Kazakh page carries its words folded this way in two Pagefind metadata fields,
// `folded_title` and `folded` (guide/search_fold.py, whose letters these must be).
const KAZAKH_TO_RUSSIAN = { ә: "а", ғ: "г", қ: "к", ң: "н", ө: "о", ұ: "у", ү: "у", һ: "х", і: "и" };
const KAZAKH_LETTER = /[әғқңөұүһі]/g;
// Latin letters typed for the Kazakh ones they look like, inside a Cyrillic word ("әкiмдiк").
const LOOK_ALIKES = { i: "і", y: "ү" };
const WORD = /[\p{L}\p{N}_]+/gu;
const kazakhPage = document.documentElement.lang === "kk";
// Results listed: enough to scroll on a phone; more means the query should be narrowed.
const SHOWN_AT_MOST = 20;

function foldKazakh(text) {
  return text.toLowerCase().replace(KAZAKH_LETTER, (letter) => KAZAKH_TO_RUSSIAN[letter]);
}

function withKazakhLetters(query) {
  return query
    .toLowerCase()
    .replace(WORD, (word) =>
      /\p{Script=Cyrillic}/u.test(word) ? word.replace(/[iy]/g, (c) => LOOK_ALIKES[c]) : word,
    );
}

function markedWords(text, foldedTerms) {
  // Words of a folded match, which Pagefind does not mark (it matched the metadata): marked
  // here as Pagefind marks a word that begins with a term searched for.
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(WORD)) {
    const folded = foldKazakh(match[0]);
    if (folded === match[0].toLowerCase()) continue; // Pagefind would have matched it itself
    if (!foldedTerms.some((term) => folded.startsWith(term))) continue;
    nodes.push(document.createTextNode(text.slice(last, match.index)));
    const mark = document.createElement("mark");
    mark.textContent = match[0];
    nodes.push(mark);
    last = match.index + match[0].length;
  }
  nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function excerptNodes(html, foldedTerms) {
  // The excerpt marks matches with <mark>; keep those and treat everything else as text.
  const fragment = document.createDocumentFragment();
  html.split(/(<mark>|<\/mark>)/).reduce((inMark, part) => {
    if (part === "<mark>") return true;
    if (part === "</mark>") return false;
    const text = part.replace(/<[^>]*>/g, "");
    if (inMark) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      fragment.appendChild(mark);
    } else {
      fragment.append(...markedWords(text, foldedTerms));
    }
    return inMark;
  }, false);
  return fragment;
}

async function loadPagefind() {
  try {
    // Pagefind's file is found from this script's address, and results link from the site's
    // root: search works wherever the frozen site is served from, at any path.
    const pagefind = await import("../../pagefind/pagefind.js");
    await pagefind.options({
      baseUrl: siteRoot.pathname,
      // A folded title counts as Pagefind counts a title (5); a folded word of the text about
      // as a word the text uses a few times (2), above a word that only begins like it.
      ...(kazakhPage && { ranking: { metaWeights: { title: 5, folded_title: 5, folded: 2 } } }),
    });
    await pagefind.init();
    return pagefind;
  } catch (error) {
    return null;
  }
}

async function searchAsTyped(pagefind, terms) {
  return (await pagefind.search(terms)).results;
}

async function searchKazakh(pagefind, terms) {
  // A query without Kazakh letters is already in the folded form. One with them is searched
  // as typed and folded too, since a word may still have a letter typed without its mark
  // ("тұргын" for "тұрғын"): each page once, at the better of its two scores, and as the typed
  // search found it when it did, for an excerpt that marks the words searched for.
  const typed = await searchAsTyped(pagefind, terms);
  const foldedTerms = foldKazakh(terms);
  if (foldedTerms === terms) return typed;
  const byPage = new Map(typed.map((result) => [result.id, result]));
  for (const result of await searchAsTyped(pagefind, foldedTerms)) {
    const found = byPage.get(result.id);
    if (!found) byPage.set(result.id, result);
    else if (result.score > found.score) byPage.set(result.id, { ...found, score: result.score });
  }
  return [...byPage.values()].sort((a, b) => b.score - a.score);
}

if (form) {
  const input = form.querySelector("input[name=q]");
  const results = document.getElementById(form.dataset.results);
  const status = document.getElementById(form.dataset.status);
  const pagefindReady = loadPagefind();

  const run = async (query) => {
    results.replaceChildren();
    if (!query.trim()) {
      // The button pressed with nothing typed: say what to type rather than nothing at all.
      status.textContent = form.dataset.textEmpty;
      return;
    }
    const pagefind = await pagefindReady;
    if (!pagefind) {
      status.textContent = form.dataset.textUnavailable;
      return;
    }
    const terms = kazakhPage ? withKazakhLetters(query) : query;
    const matches = kazakhPage
      ? await searchKazakh(pagefind, terms)
      : await searchAsTyped(pagefind, terms);
    const foldedTerms = kazakhPage ? foldKazakh(terms).match(WORD) || [] : [];
    const found = await Promise.all(
      matches.slice(0, SHOWN_AT_MOST).map((result) => result.data()),
    );
    if (found.length === 0) {
      status.textContent = form.dataset.textNone;
      return;
    }
    const total = String(matches.length);
    if (matches.length > found.length) {
      // Only the closest are listed: a count of all, alone, reads as a list cut short.
      status.textContent = form.dataset.textCountMore
        .replace("{count}", total)
        .replace("{shown}", String(found.length));
    } else {
      status.textContent =
        found.length === 1
          ? form.dataset.textCountOne
          : form.dataset.textCountMany.replace("{count}", total);
    }
    for (const page of found) {
      const item = document.createElement("li");
      item.className = "qz-search-results__item";
      const heading = document.createElement("h2");
      heading.className = "govuk-heading-s";
      const link = document.createElement("a");
      link.className = "govuk-link";
      link.href = page.url;
      link.textContent = page.meta.title;
      heading.appendChild(link);
      const excerpt = document.createElement("p");
      excerpt.className = "govuk-body-s";
      excerpt.appendChild(excerptNodes(page.excerpt, foldedTerms));
      item.append(heading, excerpt);
      results.appendChild(item);
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value;
    const url = new URL(window.location.href);
    url.searchParams.set("q", query);
    window.history.replaceState(null, "", url);
    run(query);
  });

  // Any q, blank included: the home page's search form sent with nothing typed arrives as
  // "?q=", and is answered as the button pressed here with nothing typed.
  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial !== null) {
    input.value = initial;
    run(initial);
  }
}
})();

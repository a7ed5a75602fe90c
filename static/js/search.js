// Search over the frozen guide with Pagefind's index (built by `flask guide build`).
// Pagefind keeps one index per <html lang>, so a Kazakh page searches the Kazakh index.
// A classic script, not a module: a page opened from disk may run it (browsers refuse modules
// from file: URLs), and it then says that search is not available there.
(() => {
const form = document.querySelector("[data-qz-search]");
// The site's root, found from this file's own address (/static/js/search.js).
const siteRoot = new URL("../../", document.currentScript.src);

function excerptNodes(html) {
  // The excerpt marks matches with <mark>; keep those and treat everything else as text.
  const fragment = document.createDocumentFragment();
  html.split(/(<mark>|<\/mark>)/).reduce((inMark, part) => {
    if (part === "<mark>") return true;
    if (part === "</mark>") return false;
    const text = document.createTextNode(part.replace(/<[^>]*>/g, ""));
    if (inMark) {
      const mark = document.createElement("mark");
      mark.appendChild(text);
      fragment.appendChild(mark);
    } else {
      fragment.appendChild(text);
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
    await pagefind.options({ baseUrl: siteRoot.pathname });
    await pagefind.init();
    return pagefind;
  } catch (error) {
    return null;
  }
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
    const search = await pagefind.search(query);
    const found = await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
    if (found.length === 0) {
      status.textContent = form.dataset.textNone;
      return;
    }
    status.textContent =
      found.length === 1
        ? form.dataset.textCountOne
        : form.dataset.textCountMany.replace("{count}", String(search.results.length));
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
      excerpt.appendChild(excerptNodes(page.excerpt));
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

  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}
})();

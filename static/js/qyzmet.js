// Qyzmet front-end entry point (ES module, no build step, no dependencies).
//
// Load with: <script type="module" src="/static/js/qyzmet.js"></script>
// The Content-Security-Policy forbids inline scripts, so this does what the
// GOV.UK page template does inline, then initialises GOV.UK Frontend and our
// own small enhancements. Browsers without ES modules run none of it and get
// the plain, fully working HTML. See docs/frontend-assets.md.

import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'

const body = document.body

// Only browsers that run ES modules get here, which is GOV.UK Frontend's own
// support test ('noModule' in HTMLScriptElement.prototype).
body.classList.add('js-enabled', 'govuk-frontend-supported')

// Chromium ships no number data for Kazakh and writes 9874 as "9,874", which a Kazakh reader
// takes for a fraction: in Kazakh, as in Russian, the comma is the decimal sign and thousands
// are set apart by a no-break space (CLDR). GOV.UK Frontend formats the character count with
// Intl.NumberFormat in the page's language, so Kazakh gets Russian's digits where the browser
// has none of its own.
const KAZAKH_THOUSAND_AND_A_HALF = '1\u00a0000,5'
if (new Intl.NumberFormat('kk').format(1000.5) !== KAZAKH_THOUSAND_AND_A_HALF) {
  const BrowserNumberFormat = Intl.NumberFormat
  const kazakhAsRussian = (locales) =>
    [].concat(locales ?? []).map((locale) => (/^kk(-|$)/i.test(locale) ? 'ru' : locale))
  const NumberFormat = function (locales, options) {
    return new BrowserNumberFormat(kazakhAsRussian(locales), options)
  }
  NumberFormat.prototype = BrowserNumberFormat.prototype
  NumberFormat.supportedLocalesOf = (locales, options) =>
    BrowserNumberFormat.supportedLocalesOf(locales, options)
  Intl.NumberFormat = NumberFormat
}

initAll()

const MESSAGES = {
  kk: { copied: 'Көшірілді', failed: 'Көшіру мүмкін болмады' },
  ru: { copied: 'Скопировано', failed: 'Не удалось скопировать' }
}

function message (el, key) {
  // Templates should pass translated text in data-qz-copied / data-qz-copy-failed;
  // these built-in strings are only a fallback.
  const attr = key === 'copied' ? 'qzCopied' : 'qzCopyFailed'
  if (el.dataset[attr]) return el.dataset[attr]
  const lang = (el.closest('[lang]')?.getAttribute('lang') || '').slice(0, 2)
  return (MESSAGES[lang] || MESSAGES.ru)[key]
}

// --- Print buttons ----------------------------------------------------------
// <button type="button" class="govuk-button govuk-button--secondary" data-qz-print hidden>
// data-qz-print="" prints the page; data-qz-print="some-id" prints only the
// element with that id (everything off its path is hidden while printing).

function hideAllBut (target) {
  const hidden = []
  for (let node = target; node && node !== body; node = node.parentElement) {
    for (const sibling of node.parentElement.children) {
      if (sibling !== node && !sibling.classList.contains('qz-print-hide')) {
        sibling.classList.add('qz-print-hide')
        hidden.push(sibling)
      }
    }
  }
  return hidden
}

// qz-print-hide only applies in @media print, so leaving it on (a browser that
// never fires afterprint) changes nothing on screen.
let printHidden = []

function restorePrint () {
  for (const el of printHidden) el.classList.remove('qz-print-hide')
  printHidden = []
}

window.addEventListener('afterprint', restorePrint)

for (const button of document.querySelectorAll('[data-qz-print]')) {
  if (typeof window.print !== 'function') continue
  button.hidden = false
  button.addEventListener('click', (event) => {
    event.preventDefault()
    restorePrint()
    const id = button.getAttribute('data-qz-print')
    const target = id ? document.getElementById(id) : null
    if (target) printHidden = hideAllBut(target)
    window.print()
  })
}

// --- Folded parts on paper ---------------------------------------------------
// A printed page holds what the screen folds into <details> (a service's offices, a form's
// text). The print stylesheet shows it through details::details-content; a browser that
// does not know that selector gets the folds opened while it prints, and closed again after.
if (!CSS.supports('selector(details::details-content)')) {
  let openedForPrint = []
  window.addEventListener('beforeprint', () => {
    openedForPrint = [...document.querySelectorAll('details:not([open])')]
    for (const details of openedForPrint) details.open = true
  })
  window.addEventListener('afterprint', () => {
    for (const details of openedForPrint) details.open = false
    openedForPrint = []
  })
}

// --- Copy buttons -------------------------------------------------------------
// <button type="button" class="govuk-button govuk-button--secondary"
//         data-qz-copy="registration-number" data-qz-copied="Көшірілді" hidden>Көшіру</button>
// Copies the text of the element with that id; a polite live region next to
// the button confirms it.

function copyWithSelection (text) {
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.top = '-100px'
  area.style.opacity = '0'
  body.append(area)
  area.select()
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  area.remove()
  return ok
}

async function copyText (text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch {
      // Permission refused: try the older way below
    }
  }
  return copyWithSelection(text)
}

for (const button of document.querySelectorAll('[data-qz-copy]')) {
  const source = document.getElementById(button.getAttribute('data-qz-copy'))
  if (!source) continue

  const status = document.createElement('span')
  status.className = 'qz-copy-status'
  status.setAttribute('role', 'status')
  status.setAttribute('aria-live', 'polite')
  button.after(status)

  let timer
  button.hidden = false
  button.addEventListener('click', async (event) => {
    event.preventDefault()
    const ok = await copyText(source.textContent.trim())
    status.textContent = message(button, ok ? 'copied' : 'failed')
    clearTimeout(timer)
    timer = setTimeout(() => { status.textContent = '' }, 5000)
  })
}

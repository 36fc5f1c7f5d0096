// Header menu on phones: the "Menu" button opens and closes the link list
// (Enter or Space on the button, Escape closes it and gives the focus back).
// Loaded right after the menu, from a file (no inline script: CSP), so the
// list is closed before the page is painted; without script it stays open.
(function () {
  var nav = document.getElementById('piao-nav');
  if (!nav) return;
  var btn = nav.querySelector('.piao-nav-toggle');
  var list = document.getElementById('piao-nav-links');
  if (!btn || !list) return;
  nav.classList.add('piao-nav-js');
  btn.hidden = false;
  function set(open) {
    btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    list.classList.toggle('piao-open', open);
  }
  btn.addEventListener('click', function () {
    set(btn.getAttribute('aria-expanded') !== 'true');
  });
  nav.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && btn.getAttribute('aria-expanded') === 'true') {
      set(false);
      btn.focus();
    }
  });
})();

// Upload progress for forms posted with htmx that name a <progress> element in
// data-progress: the bar follows the upload, then the status says the server
// is checking the file. Loaded from a file, so the Content-Security-Policy
// needs no inline script.
document.addEventListener('htmx:xhr:progress', function (e) {
  var form = e.target.closest ? e.target.closest('form[data-progress]') : null;
  if (!form || !e.detail.lengthComputable) return;
  var box = document.getElementById(form.getAttribute('data-progress'));
  if (!box) return;
  var bar = box.querySelector('progress');
  var status = box.querySelector('[role=status]');
  var pct = Math.round(e.detail.loaded * 100 / e.detail.total);
  if (bar) bar.value = pct;
  if (status) status.textContent = pct < 100 ? 'Caricamento del foglio: ' + pct + '%' : 'Foglio caricato: controllo delle righe in corso…';
});

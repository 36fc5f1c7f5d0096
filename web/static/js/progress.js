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
  if (status && form.hasAttribute('data-upload')) {
    status.textContent = pct < 100 ? 'Caricamento degli allegati: ' + pct + '%' : 'Allegati caricati: controllo e salvataggio in corso…';
  } else if (status && box.hasAttribute('data-progress-done')) {
    status.textContent = pct < 100 ? box.getAttribute('data-progress-label') + ': ' + pct + '%' : box.getAttribute('data-progress-done');
  } else if (status) {
    status.textContent = pct < 100 ? 'Caricamento del foglio: ' + pct + '%' : 'Foglio caricato: controllo delle righe in corso…';
  }
});

// Evidence uploads (forms with data-upload naming the file field): before
// anything is sent, the browser checks the files' type, size and number
// against the limits the server states on the field (accept, data-max-size,
// data-max-files) and says what is wrong beside it. When files are chosen the
// form goes through htmx so that a progress bar follows the upload; without
// files (or without htmx) it is an ordinary form post.
(function () {
  function sizeText(n) {
    return n >= 1048576 ? (Math.round(n / 104857.6) / 10).toString().replace('.', ',') + ' MB' : Math.round(n / 1024) + ' KB';
  }
  function problems(input) {
    var out = [];
    var files = input.files || [];
    var max = parseInt(input.getAttribute('data-max-size') || '0', 10);
    var maxFiles = parseInt(input.getAttribute('data-max-files') || '0', 10);
    var accept = (input.getAttribute('accept') || '').toLowerCase().split(',');
    if (maxFiles && files.length > maxFiles) {
      out.push('hai scelto ' + files.length + ' file: al massimo ' + maxFiles + ' per volta');
    }
    for (var i = 0; i < files.length; i++) {
      var f = files[i];
      var dot = f.name.lastIndexOf('.');
      var ext = dot >= 0 ? f.name.slice(dot).toLowerCase() : '';
      if (accept.length && accept[0] !== '' && accept.indexOf(ext) < 0) {
        out.push('«' + f.name + '»: formato non ammesso (ammessi ' + accept.join(', ') + ')');
      } else if (max && f.size > max) {
        out.push('«' + f.name + '» è di ' + sizeText(f.size) + ': il limite è ' + sizeText(max) + ' per file');
      } else if (f.size === 0) {
        out.push('«' + f.name + '» è vuoto');
      }
    }
    return out;
  }
  function show(input, list) {
    var box = document.getElementById(input.id + '-controllo');
    if (box) box.textContent = list.length ? 'File non inviati: ' + list.join('; ') + '.' : '';
    input.setAttribute('aria-invalid', list.length ? 'true' : 'false');
    input.classList.toggle('is-invalid', list.length > 0);
  }
  document.addEventListener('change', function (e) {
    var input = e.target;
    if (!input || input.type !== 'file' || !input.form || input.form.getAttribute('data-upload') !== input.name) return;
    show(input, problems(input));
  });
  document.addEventListener('submit', function (e) {
    var form = e.target;
    var name = form.getAttribute && form.getAttribute('data-upload');
    if (!name) return;
    var input = form.elements[name];
    if (!input || !input.files) return;
    var list = problems(input);
    show(input, list);
    if (list.length) {
      e.preventDefault();
      input.focus();
      return;
    }
    if (!input.files.length || !window.htmx || !form.getAttribute('data-progress')) return;
    e.preventDefault();
    var values = {};
    if (e.submitter && e.submitter.name) values[e.submitter.name] = e.submitter.value;
    form.setAttribute('data-hx-encoding', 'multipart/form-data');
    htmx.ajax('POST', form.action, {source: form, values: values, target: '#contenuto', select: '#contenuto', swap: 'outerHTML'});
  });
  // a refused upload answers with the form and its messages: show them
  document.addEventListener('htmx:beforeSwap', function (e) {
    var elt = e.detail.requestConfig && e.detail.requestConfig.elt;
    var status = e.detail.xhr.status;
    if (elt && elt.closest && elt.closest('form[data-upload]') && status >= 400 && status < 500) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  // after a swap, the error summary takes the focus as it does on a page load
  document.addEventListener('htmx:afterSwap', function () {
    var summary = document.getElementById('riepilogo-errori');
    if (summary) summary.focus();
  });
})();

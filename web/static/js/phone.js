// Phones. The performance tree's branches (details elements, open for wide
// screens and for browsers without script) start closed below 576 px, so
// the list of strategic objectives fits a screen.
//
// Tables: below 576 px every data table with a header row becomes a
// list of cards, one per row, each cell preceded by its column's header (a
// label hidden from screen readers, which announce the header themselves).
// Target, valore and grado are then all on screen without sideways
// scrolling. No ARIA table roles are added for the cards: HTML forbids a
// role on the rows and cells of a table (the Nu HTML checker refuses it), and
// current browsers keep a table's meaning when its CSS display changes.
// Without script the tables stay tables, scrolling in their frame.
(function () {
  var small = window.matchMedia('(max-width: 575.98px)');

  function headers(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) return null;
    var labels = [];
    for (var i = 0; i < row.cells.length; i++) {
      var c = row.cells[i];
      for (var k = 0; k < (c.colSpan || 1); k++) labels.push(c.textContent.replace(/\s+/g, ' ').trim());
    }
    return labels;
  }

  function prepare(table) {
    var labels = headers(table);
    if (!labels || labels.length < 2) return;
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var col = 0;
        for (var i = 0; i < rows[r].cells.length; i++) {
          var cell = rows[r].cells[i];
          var span = cell.colSpan || 1;
          // a cell across the whole row (a message, a group title) needs no label
          if (labels[col] && span < labels.length && !cell.querySelector('.piao-cell-label')) {
            var label = document.createElement('span');
            label.className = 'piao-cell-label';
            label.setAttribute('aria-hidden', 'true');
            label.textContent = labels[col];
            cell.insertBefore(label, cell.firstChild);
          }
          col += span;
        }
      }
    }
    table.classList.add('piao-stack');
  }

  var all = document.querySelectorAll('main table');
  for (var i = 0; i < all.length; i++) prepare(all[i]);

  if (small.matches) {
    var branches = document.querySelectorAll('details.piao-tree-kids[open]');
    for (var d = 0; d < branches.length; d++) branches[d].open = false;
  }
})();

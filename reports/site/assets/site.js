/* agora — dessin des graphiques (Apache ECharts, inclus dans le site) et
   tableaux triables et filtrables. Aucune requête réseau. */
(function () {
  'use strict';

  var formats = {};
  function fmt(v, d) {
    var k = String(d);
    if (!formats[k]) {
      formats[k] = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: d, maximumFractionDigits: d });
    }
    return formats[k].format(v);
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // The raw value of a data item: a number, '-' (hidden: « secret ») or
  // nothing (figure that does not exist).
  function raw(data) {
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      return data.value;
    }
    return data;
  }

  function valueText(v, p) {
    if (v === '-') { return p.secret; }
    if (v === null || v === undefined || (typeof v === 'number' && isNaN(v))) { return p.missing; }
    if (Array.isArray(v)) { v = v[v.length - 1]; }
    return fmt(v, p.decimals) + p.suffix;
  }

  function tooltip(p) {
    return function (params) {
      if (Array.isArray(params)) {
        var head = esc(params.length ? (params[0].axisValueLabel || params[0].name || '') : '');
        var lines = params.map(function (q) {
          return q.marker + esc(q.seriesName) + '\u00a0: <b>' + esc(valueText(raw(q.data), p)) + '</b>';
        });
        return [head].concat(lines).join('<br>');
      }
      var q = params;
      if (q.seriesType === 'sankey') {
        if (q.dataType === 'edge') {
          return esc(q.data.source) + ' → ' + esc(q.data.target) + '\u00a0: <b>' + esc(fmt(q.value, 0)) + '</b> sortants';
        }
        return esc(q.name) + '\u00a0: <b>' + esc(fmt(q.value, 0)) + '</b> sortants';
      }
      if (q.seriesType === 'scatter') {
        // A dot may bring its own lines, written by chart.go (funnel).
        if (q.data && Array.isArray(q.data.tip)) {
          return [esc(q.name)].concat(q.data.tip.map(esc)).join('<br>');
        }
        var xy = raw(q.data);
        return esc(q.name) + '<br>sortants observés\u00a0: <b>' + esc(fmt(xy[0], 0)) +
          '</b><br>taux d\u2019emploi à 6 mois\u00a0: <b>' + esc(fmt(xy[1], 1) + p.suffix) + '</b>';
      }
      var v = raw(q.data);
      if (Array.isArray(v)) {
        return esc(q.seriesName) + '<br>' + esc(fmt(v[0], 0)) + ' sortants\u00a0: <b>' + esc(fmt(v[1], p.decimals) + p.suffix) + '</b>';
      }
      return q.marker + esc(q.seriesName) + '<br>' + esc(q.name) + '\u00a0: <b>' + esc(valueText(v, p)) + '</b>';
    };
  }

  var family = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';
  var ruler = document.createElement('canvas').getContext('2d');
  ruler.font = '12px ' + family; // ECharts' size for axis labels and legends
  function textWidth(s) { return ruler.measureText(s).width; }

  // wrap breaks a label into lines no wider than width pixels, at spaces and
  // after hyphens only (« Auvergne-Rhône- / Alpes »): a word wider than the
  // line stays whole, and no line starts with « : » or ends with « ( ».
  function wrap(text, width) {
    text = String(text).replace(/ ([:;!?»])/g, '\u00a0$1').replace(/([«(]) /g, '$1\u00a0')
      .replace(/ · /g, '\u00a0· ');
    var pieces = (text.match(/[^ -]+-*| +|-+/g) || []).reduce(function (out, piece) {
      var last = out.length - 1;
      // « Pro-A » stays whole: no break before a piece of one or two letters.
      if (last >= 0 && /-$/.test(out[last]) && /^[^ ]{1,2}$/.test(piece.replace(/[)\]]+$/, ''))) {
        out[last] += piece;
      } else {
        out.push(piece);
      }
      return out;
    }, []);
    var lines = [], cur = '';
    pieces.forEach(function (piece) {
      if (/^ +$/.test(piece)) { cur += ' '; return; }
      if (cur.trim() !== '' && textWidth(cur + piece) > width) {
        lines.push(cur.trim());
        cur = '';
      }
      cur += piece;
    });
    if (cur.trim() !== '') { lines.push(cur.trim()); }
    return lines.join('\n');
  }

  // Value axes: French numbers, and fewer ticks on a phone-width chart so
  // that their labels never overlap. Category axes of a bar chart (vertical):
  // labels wrapped to the width of the axis. It returns the most lines a
  // wrapped label takes.
  function axisFormatter(ax, p, narrow) {
    var most = 0;
    if (!ax) { return most; }
    (Array.isArray(ax) ? ax : [ax]).forEach(function (a) {
      if (a.type === 'value' || a.type === 'log') {
        a.axisLabel = a.axisLabel || {};
        a.axisLabel.formatter = function (v) { return fmt(v, 0) + (a.type === 'log' ? '' : p.suffix); };
        a.axisLabel.hideOverlap = true;
        if (narrow && a.type === 'value') {
          a.splitNumber = 3;
          // An axis that ends at a set percentage (chart.go, pctAxisMax: a
          // multiple of 20) gets ticks that end on it: 0, 25 … 100 or 0, 20 … 80.
          if (typeof a.max === 'number' && !a.scale) { a.interval = a.max === 100 ? 25 : (a.max <= 40 ? 10 : 20); }
        }
      } else if (a.type === 'category' && a.inverse && Array.isArray(a.data)) {
        var width = narrow ? 124 : 165;
        a.axisLabel = a.axisLabel || {};
        a.axisLabel.formatter = function (v) { return wrap(v, width); };
        a.data.forEach(function (v) { most = Math.max(most, wrap(v, width).split('\n').length); });
      }
    });
    return most;
  }

  // legendRows is how many lines a plain legend takes on a chart width
  // pixels wide (ECharts: 5 px padding, 25 px symbol, 5 px to the text,
  // 10 px between items).
  function legendRows(o, width) {
    if (!o.legend || o.legend.show === false) { return 0; }
    var seen = {}, rows = 1, x = 0, avail = width - 10;
    (o.series || []).forEach(function (s) {
      if (!s.name || seen[s.name]) { return; }
      seen[s.name] = true;
      var w = 30 + textWidth(s.name);
      if (x > 0 && x + w > avail) { rows++; x = 0; }
      x += w + 10;
    });
    return rows;
  }

  // bandHeight: the height of one category of a bar chart with n series and
  // labels of lines lines, as chart.go's barBand.
  function bandHeight(n, lines) { return Math.max(26, 16 + 12 * n, 12 + 15 * lines); }

  var charts = [];
  function draw(el) {
    var src = document.getElementById(el.getAttribute('data-chart'));
    if (!src || typeof echarts === 'undefined') { return; }
    var p = JSON.parse(src.textContent);
    var o = p.option;
    var narrow = el.clientWidth < 520;
    axisFormatter(o.xAxis, p, narrow);
    var lines = axisFormatter(o.yAxis, p, narrow);
    // A legend on more than one line pushes the plot down by 24 px a line.
    var extra = 24 * Math.max(0, legendRows(o, el.clientWidth) - 1);
    (Array.isArray(o.grid) ? o.grid : (o.grid ? [o.grid] : [])).forEach(function (g) {
      g.top = (parseInt(g.top, 10) || 0) + extra;
    });
    if (lines > 0) {
      var cats = (Array.isArray(o.yAxis) ? o.yAxis[0] : o.yAxis).data.length;
      el.style.height = (60 + extra + cats * bandHeight((o.series || []).length, lines)) + 'px';
    } else if (extra > 0) {
      el.style.height = (el.clientHeight + extra) + 'px';
    }
    (o.series || []).forEach(function (s) {
      if (s.type !== 'sankey') { return; }
      s.label = s.label || {};
      s.label.formatter = function (q) { return q.name.replace(/^[^:]*:\s*/, ''); };
      if (narrow) {
        s.label.fontSize = 10;
        s.right = '30%';
        // Column headers follow the columns, which are closer on a phone.
        (o.graphic || []).forEach(function (g, i, all) {
          g.left = (1 + 69 * i / Math.max(1, all.length - 1)) + '%';
          if (g.style) { g.style.fontSize = 11; }
        });
      }
    });
    o.tooltip = o.tooltip || {};
    o.tooltip.formatter = tooltip(p);
    o.tooltip.confine = true;
    o.textStyle = { fontFamily: family };
    var c = echarts.init(el, null, { renderer: 'canvas' });
    c.setOption(o);
    charts.push(c);
  }

  function sortable(table) {
    var heads = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    Array.prototype.forEach.call(heads, function (th, col) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = th.textContent;
      th.textContent = '';
      th.appendChild(b);
      b.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var a = r1.cells[col], z = r2.cells[col];
          var va = a.getAttribute('data-v'), vz = z.getAttribute('data-v');
          var c;
          if (va !== '' && vz !== '' && va !== null && vz !== null) {
            c = parseFloat(va) - parseFloat(vz);
          } else if (va === '' && vz === '') {
            c = a.textContent.localeCompare(z.textContent, 'fr');
            if (th.classList.contains('num')) { c = 0; }
          } else if (th.classList.contains('num')) {
            return va === '' ? 1 : -1; // hidden or missing figures last
          } else {
            c = a.textContent.localeCompare(z.textContent, 'fr');
          }
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  // Search ignores accents, case and spaces (a SIRET is found with or
  // without its grouping spaces).
  function norm(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, '').toLowerCase();
  }

  function filterable(input) {
    var table = document.getElementById(input.getAttribute('data-filter'));
    var count = document.querySelector('[data-count-for="' + table.id + '"]');
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function update() {
      var q = norm(input.value.trim());
      var n = 0;
      rows.forEach(function (r) {
        var ok = q === '' || norm(r.textContent).indexOf(q) >= 0;
        r.hidden = !ok;
        if (ok) { n++; }
      });
      if (count) { count.textContent = fmt(n, 0) + ' ligne' + (n > 1 ? 's' : '') + ' affichée' + (n > 1 ? 's' : ''); }
    }
    input.addEventListener('input', update);
    update();
  }

  document.querySelectorAll('[data-chart]').forEach(draw);
  document.querySelectorAll('table[data-sortable]').forEach(sortable);
  document.querySelectorAll('input[data-filter]').forEach(filterable);
  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });
  document.documentElement.setAttribute('data-charts-drawn', String(charts.length));
}());

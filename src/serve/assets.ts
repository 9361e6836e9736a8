/**
 * The page's only script and style sheet, served as files so the Content-Security-Policy allows no inline
 * code. Plain ES5 and CSS: nothing to build.
 */
import { createHash } from 'node:crypto';

export const APP_JS = `(function () {
  'use strict';
  var link = document.getElementById('permalink');
  if (link) link.textContent = location.origin + link.getAttribute('href');
  var section = document.getElementById('progress');
  if (!section) return;
  var bar = document.getElementById('bar');
  var done = document.getElementById('done');
  var list = document.getElementById('finished');
  function reload() { location.reload(); }
  if (!window.EventSource) { setTimeout(reload, 3000); return; }
  var es = new EventSource(section.getAttribute('data-events'));
  es.addEventListener('progress', function (ev) {
    var p = JSON.parse(ev.data);
    bar.max = p.total;
    bar.value = p.done;
    done.textContent = String(p.done);
    list.textContent = '';
    p.finished.forEach(function (f) {
      var li = document.createElement('li');
      li.className = 'v-' + f.verdict;
      li.textContent = f.identifier + ': ' + f.verdict;
      list.appendChild(li);
    });
  });
  es.addEventListener('end', function () { es.close(); reload(); });
  es.onerror = function () { es.close(); setTimeout(reload, 2000); };
})();
`;

export const STYLE_CSS = `:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--pass:#1a7f37;--warn:#9a6700;--fail:#cf222e;--info:#0969da}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:52rem;margin:0 auto;padding:.75rem 1rem}
header{border-bottom:1px solid var(--line)}
.brand{font-weight:700;color:var(--fg);text-decoration:none}
.tag,small,.meta,footer{color:var(--muted)}
.meta{overflow-wrap:anywhere}
footer{font-size:.85rem;border-top:1px solid var(--line);margin-top:2rem}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem;overflow-wrap:anywhere}
h3{font-size:1rem;margin:0 0 .25rem}
form.check{display:grid;gap:.35rem}
label{font-weight:600;margin-top:.5rem}
textarea,input,select,button{font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:6px;width:100%}
button{background:var(--fg);color:#fff;border:0;margin-top:1rem;cursor:pointer}
.lab{background:#fff8c5;border:1px solid var(--warn);padding:.5rem 1rem;margin:.5rem auto;max-width:50rem}
.error{color:var(--fail)}
.verdict{border-radius:8px;padding:.75rem 1rem;color:#fff}
.verdict p{margin:0}
.verdict-pass{background:var(--pass)}.verdict-warn{background:var(--warn)}.verdict-fail,.verdict-error{background:var(--fail)}
.badge{display:inline-block;font-size:.8rem;text-transform:uppercase;padding:0 .4rem;border-radius:4px;color:#fff;vertical-align:middle}
.v-pass.badge{background:var(--pass)}.v-warn.badge{background:var(--warn)}.v-fail.badge{background:var(--fail)}
li.v-pass{color:var(--pass)}li.v-warn{color:var(--warn)}li.v-fail{color:var(--fail)}
.finding{border-left:4px solid var(--line);padding:.25rem .75rem;margin:.75rem 0}
.sev-error{border-color:var(--fail)}.sev-warning{border-color:var(--warn)}.sev-info{border-color:var(--info)}
.sev{font-size:.75rem;text-transform:uppercase;color:var(--muted)}
.finding p{margin:.25rem 0;overflow-wrap:anywhere}
.fix{background:#f6f8fa;padding:.35rem .5rem;border-radius:4px}
code,.evidence{font:.85rem/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.evidence ul{padding-left:1rem;margin:.25rem 0}
summary{cursor:pointer;color:var(--muted)}
progress{width:100%;height:1rem}
`;

/** Changes with the assets, so a browser never keeps an old script after an upgrade. */
export const ASSET_VERSION = createHash('sha256').update(APP_JS).update(STYLE_CSS).digest('hex').slice(0, 12);

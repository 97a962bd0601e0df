// Click (or Enter / Space) on a figure to see it enlarged; Escape, the close button or a click closes it.
// On a phone the enlarged figure keeps at least its natural width and scrolls inside the overlay.
(function () {
  "use strict";
  function open(img) {
    var box = document.createElement("div");
    box.className = "jakbook-lightbox";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-label", "Enlarged figure (Escape closes)");
    var close = document.createElement("button");
    close.className = "jakbook-lightbox-close";
    close.type = "button";
    close.setAttribute("aria-label", "Close the enlarged figure");
    close.textContent = "\u00d7";
    var big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt || "";
    var vw = window.innerWidth, vh = window.innerHeight;
    var ratio = (img.naturalWidth && img.naturalHeight) ? img.naturalWidth / img.naturalHeight : 1.5;
    var fit = Math.min(0.96 * vw, 0.9 * vh * ratio);
    var width = Math.max(fit, Math.min(img.naturalWidth || fit, 2.5 * vw), img.clientWidth * 1.25);
    big.style.width = Math.round(width) + "px";
    box.appendChild(close);
    box.appendChild(big);
    var previous = document.activeElement;
    function shut() {
      box.remove();
      document.removeEventListener("keydown", onKey);
      document.body.classList.remove("jakbook-lightbox-open");
      if (previous && previous.focus) previous.focus();
    }
    function onKey(e) { if (e.key === "Escape") shut(); }
    box.addEventListener("click", function (e) { if (e.target !== big) shut(); });
    document.addEventListener("keydown", onKey);
    document.body.appendChild(box);
    document.body.classList.add("jakbook-lightbox-open");
    close.focus();
  }
  // The at-a-glance card links to its key figure; show a thumbnail of that figure in the link (the same image
  // file, so nothing more to download).
  function thumbnails() {
    document.querySelectorAll(".jak-thumbs a[href^='#']").forEach(function (a) {
      var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      var img = target && target.querySelector("img");
      if (!img || a.querySelector("img")) return;
      var thumb = document.createElement("img");
      thumb.src = img.getAttribute("src");
      thumb.alt = "Thumbnail. " + (img.getAttribute("alt") || "");
      thumb.className = "jak-thumb-img";
      thumb.loading = "lazy";
      a.insertBefore(thumb, a.firstChild);
      a.classList.add("jak-thumb-link");
    });
  }
  // Tables: numbers never break inside (e.g. "< 1e-10" at its hyphen); on a phone a table of five or more
  // columns is shown as one card per row, each value labelled with its column, so no column is off-screen.
  function tables() {
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("td").forEach(function (td) {
        var t = td.textContent.trim();
        if (t.length <= 18 && /^[<>≤≥~]?\s*[-+−]?[\d.,]+(?:\s*[×x]\s*10|e[-+−]?\d+)?[%\s\w()−-]{0,8}$/.test(t)) {
          td.classList.add("jak-nowrap");
        }
      });
      if (heads.length >= 4 && !table.closest(".jak-glance, .cell_output")) {  // page tables, not notebook output
        table.classList.add("jak-stack");
        table.querySelectorAll("tbody tr").forEach(function (tr) {
          Array.prototype.forEach.call(tr.children, function (cell, i) {
            if (heads[i]) cell.setAttribute("data-label", heads[i]);
          });
        });
      }
    });
  }
  // The claims page's cards: the thumbnail links to the key figure in its chapter (the card's figure link).
  function cardLinks() {
    document.querySelectorAll(".jak-claim-card").forEach(function (card) {
      var img = card.querySelector("img");
      var ref = card.querySelector("a .std-numref");
      if (!img || !ref || img.closest(".jak-card-thumb")) return;
      var a = document.createElement("a");
      a.href = ref.closest("a").getAttribute("href");
      a.className = "jak-card-thumb";
      img.classList.add("jak-thumb-img");  // a thumbnail: its figure, full size, is one tap away
      img.parentNode.insertBefore(a, img);
      a.appendChild(img);
    });
  }
  // Numbers in prose never break inside ("1e-10" at its minus sign, "p < 0.001" between its parts).
  function numbers() {
    var re = /(?:[pP]\s*[=<>≤]\s*)?(?:[<≤]\s*)?\d+(?:\.\d+)?(?:e[-−+]\d+|\s*[×x]\s*10[-−]\d+)|[pP]\s*[=<>≤]\s*\d+(?:\.\d+)?/g;
    var walker = document.createTreeWalker(document.querySelector(".bd-article") || document.body, NodeFilter.SHOW_TEXT);
    var hits = [];
    while (walker.nextNode()) {
      var n = walker.currentNode;
      if (!n.parentNode || n.parentNode.closest("pre, code, script, style, .jak-num, .jak-pval, svg")) continue;
      re.lastIndex = 0;
      if (re.test(n.nodeValue)) hits.push(n);
    }
    hits.forEach(function (n) {
      var text = n.nodeValue, frag = document.createDocumentFragment(), last = 0, m;
      re.lastIndex = 0;
      while ((m = re.exec(text)) !== null) {
        if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
        var span = document.createElement("span");
        span.className = "jak-pval";
        span.textContent = m[0];
        frag.appendChild(span);
        last = m.index + m[0].length;
      }
      if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
      n.parentNode.replaceChild(frag, n);
    });
  }
  // A link to an anchor inside a folded section (the claims page's audit detail) opens the fold first.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    var folded = false;
    for (var d = el.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      if (!d.open) { d.open = true; folded = true; }
    }
    if (folded) el.scrollIntoView();
  }
  function init() {
    openTarget();
    window.addEventListener("hashchange", openTarget);
    thumbnails();
    cardLinks();
    numbers();
    tables();
    var imgs = document.querySelectorAll(".bd-article img");
    imgs.forEach(function (img) {
      if (img.closest(".jakbook-lightbox") || img.closest(".jak-thumbs") || img.closest(".jak-card-thumb")) return;
      img.classList.add("jakbook-zoomable");
      img.setAttribute("tabindex", "0");
      img.setAttribute("role", "button");
      img.setAttribute("title", "Click to enlarge");
      img.addEventListener("click", function (e) { e.preventDefault(); open(img); });
      img.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(img); }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

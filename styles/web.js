// The web edition's small script: notes, apparatus entries, glossary terms and persons open
// as pop-ups where they are called, and each paragraph number offers the paragraph's
// citation. Without it every link still leads to its target.
(function () {
  "use strict";
  var open = null;

  function close() {
    if (open) { open.remove(); open = null; }
  }

  function show(anchor, nodes) {
    close();
    var box = document.createElement("div");
    box.className = "popup";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", anchor.getAttribute("title") || "Note");
    nodes.forEach(function (n) { box.appendChild(n); });
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Close";
    button.addEventListener("click", close);
    box.appendChild(button);
    document.body.appendChild(box);
    var r = anchor.getBoundingClientRect();
    box.style.top = (window.scrollY + r.bottom + 6) + "px";
    box.style.left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8)) + "px";
    open = box;
    button.focus();
  }

  function copyOf(el) {
    var clone = el.cloneNode(true);
    clone.removeAttribute("id");
    clone.querySelectorAll("[id]").forEach(function (n) { n.removeAttribute("id"); });
    return clone;
  }

  function target(href) {
    var url = new URL(href, location.href);
    return { url: url, id: decodeURIComponent(url.hash.slice(1)) };
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest("a");
    if (open && !ev.target.closest(".popup")) close();
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    if (a.classList.contains("pnum")) {
      var p = a.closest("p");
      var cite = p.getAttribute("data-cite");
      if (!cite) return;
      ev.preventDefault();
      history.replaceState(null, "", "#" + p.id);
      var text = cite.replace(/\.$/, "") + ". " + location.href;
      var para = document.createElement("p");
      para.className = "cite-para";
      para.textContent = text;
      var copy = document.createElement("button");
      copy.type = "button";
      copy.textContent = "Copy the citation";
      copy.addEventListener("click", function () {
        if (navigator.clipboard) navigator.clipboard.writeText(text);
        copy.textContent = "Copied";
      });
      show(a, [para, copy]);
      return;
    }
    if (!a.matches("a.noteref, a.app-call, a.gloss, a.person")) return;
    var t = target(a.href);
    if (t.url.pathname === location.pathname) {
      var here = document.getElementById(t.id);
      if (!here) return;
      ev.preventDefault();
      show(a, [copyOf(here)]);
      return;
    }
    ev.preventDefault();
    fetch(t.url.pathname).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var el = doc.getElementById(t.id);
      if (!el) { location.href = a.href; return; }
      var nodes = [copyOf(el)];
      if (el.tagName === "DT" && el.nextElementSibling) nodes.push(copyOf(el.nextElementSibling));
      show(a, nodes);
    }).catch(function () { location.href = a.href; });
  });

  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") close(); });

  var search = document.getElementById("search");
  if (search && window.PagefindUI) {
    new window.PagefindUI({ element: "#search", showSubResults: true, showImages: false });
    // Pagefind's field has a placeholder only: give it a visible label.
    var label = function () {
      var input = search.querySelector("input");
      if (!input || input.id) return Boolean(input);
      input.id = "search-input";
      var el = document.createElement("label");
      el.htmlFor = "search-input";
      el.className = "search-label";
      el.textContent = "Search the texts, notes, glossary and index";
      search.insertBefore(el, search.firstChild);
      return true;
    };
    if (!label()) {
      new MutationObserver(function (_, observer) { if (label()) observer.disconnect(); })
        .observe(search, { childList: true, subtree: true });
    }
  }
})();

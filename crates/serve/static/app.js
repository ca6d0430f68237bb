// Storyline UI: keeps the story list up to date. No inline script, no HTML strings:
// every value goes through textContent.
(function () {
  "use strict";
  var list = document.getElementById("stories");
  if (!list) return;
  var q = list.dataset.q || "";
  var since = list.dataset.since || "";

  function meta(s) {
    var m = s.size + " articles, " + s.originals + " originals";
    if (s.last_published) m += ", last " + s.last_published;
    return m;
  }

  function render(stories) {
    var frag = document.createDocumentFragment();
    stories.forEach(function (s) {
      var li = document.createElement("li");
      li.className = "story";
      var a = document.createElement("a");
      a.href = "/stories/" + encodeURIComponent(s.id);
      a.textContent = s.title || "(untitled)";
      var span = document.createElement("span");
      span.className = "meta";
      span.textContent = meta(s);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(span);
      frag.appendChild(li);
    });
    list.replaceChildren(frag);
    var count = document.getElementById("count");
    if (count) count.textContent = stories.length + " stories";
    document.body.dataset.refreshed = String(Date.now());
  }

  function refresh() {
    var p = new URLSearchParams();
    if (q) p.set("q", q);
    if (since) p.set("since", since);
    fetch("/api/stories?" + p.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && Array.isArray(d.stories)) render(d.stories); })
      .catch(function () {});
  }

  setInterval(refresh, 5000);
})();
